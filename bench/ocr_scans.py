"""OCR speed: ``read_scanned_pdf`` against the tesseract CLI on the same page images.

The floor is what OCR cannot avoid: Tesseract itself, started once per page, on
images drawn beforehand (untimed) by pdftoppm with the settings ours uses, with
ours's parallelism and OMP_THREAD_LIMIT. Ours also draws the pages (timed).
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.corpus import sentence
from bench.results import report
from parsers.limits import Limits
from parsers.ocr import LANGUAGE, PAGE_PIXELS, read_scanned_pdf
from tests.parsers.test_ocr import scanned_pdf

# What ours runs Tesseract with when pages are read in parallel (parsers/ocr_pages.py).
ENVIRONMENT = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class Scan:
    filename: str
    data: bytes
    pages: int


def scan_pool(files: int = 6, seed: int = 17) -> list[Scan]:
    """Return ``files`` scanned PDFs of 4-8 A4 pages of 12-point Vietnamese text."""
    rng = random.Random(seed)
    pool = []
    for number in range(files):
        pages = rng.randint(4, 8)
        lines = [[(sentence(rng, 12)[:70], False) for _ in range(44)] for _ in range(pages)]
        pool.append(Scan(f"scan-{number + 1}-{pages}p.pdf", scanned_pdf(*lines), pages))
    return pool


def rasterise(scan: Scan, folder: Path) -> tuple[list[Path], float]:
    """Draw the pages as ours does (one pdftoppm run, PGM); return them and the seconds."""
    pdf = folder / scan.filename
    pdf.write_bytes(scan.data)
    command = ["pdftoppm", "-gray", "-scale-to", str(PAGE_PIXELS)]
    started = time.perf_counter()
    subprocess.run(
        [*command, "-f", "1", "-l", str(scan.pages), str(pdf), str(folder / "page")], check=True
    )
    seconds = time.perf_counter() - started
    images = sorted(folder.glob("page-*.pgm"), key=lambda path: int(path.stem.split("-")[1]))
    assert len(images) == scan.pages, images
    return images, seconds


def tesseract_cli(images: list[Path], workers: int) -> None:
    """Read ``images`` with the tesseract CLI, ``workers`` at a time (as xargs -P would)."""

    def read(image: Path) -> str:
        return subprocess.run(
            ["tesseract", str(image), "-", "-l", LANGUAGE],
            capture_output=True,
            env=ENVIRONMENT,
            check=True,
        ).stdout.decode()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(read, images))


def ours(scan: Scan, workers: int) -> None:
    limits = Limits(ocr_workers=workers, ocr_max_pages=scan.pages, timeout_seconds=3600.0)
    reading = read_scanned_pdf(scan.data, scan.pages, limits)
    assert reading.reason == f"OCR (tesseract, {LANGUAGE}): {scan.pages} pages", reading.reason


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Return the wall seconds of ``action`` and the CPU seconds it and its children used."""
    before = _cpu()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started, _cpu() - before


def _cpu() -> float:
    # Children count once waited for: every pdftoppm and tesseract is, by then.
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def run_ocr(rounds: int, workers: int) -> None:
    """Time ours, the floor and ours one page at a time, best of ``rounds`` (interleaved)."""
    rows: list[dict[str, Any]] = []
    for scan in scan_pool():
        with tempfile.TemporaryDirectory() as folder:
            images, raster = rasterise(scan, Path(folder))
            best: dict[str, float] = {}
            # Interleaved, so that the others' load on the cores falls on all three alike.
            for _ in range(rounds):
                for name, action in (
                    ("ours_s", partial(ours, scan, workers)),
                    ("floor_s", partial(tesseract_cli, images, workers)),
                    ("sequential_s", partial(ours, scan, 1)),
                ):
                    wall, cpu = timed(action)
                    best[name] = min(best.get(name, float("inf")), wall)
                    cpu_name = name.replace("_s", "_cpu_s")
                    best[cpu_name] = min(best.get(cpu_name, float("inf")), cpu)
        rows.append(
            {
                "file": scan.filename,
                "pages": scan.pages,
                "workers": workers,
                **{key: best[key] for key in ("ours_s", "floor_s", "sequential_s")},
                "ratio": best["ours_s"] / best["floor_s"],
                "ours_cpu_s": best["ours_cpu_s"],
                "floor_cpu_s": best["floor_cpu_s"],
                "pdftoppm_s": raster,
            }
        )
    pages = sum(row["pages"] for row in rows)
    ours_s, floor_s = (sum(row[key] for row in rows) for key in ("ours_s", "floor_s"))
    sequential_s = sum(row["sequential_s"] for row in rows)
    ours_cpu, floor_cpu = (sum(row[key] for row in rows) for key in ("ours_cpu_s", "floor_cpu_s"))
    summary = (
        f"OCR ({workers} at a time): ours {pages / ours_s:.2f} pages/s, floor (tesseract CLI "
        f"on the same images) {pages / floor_s:.2f} pages/s, ratio {ours_s / floor_s:.2f}x "
        f"(target <= 1.2x); sequential (ocr_workers = 1) {pages / sequential_s:.2f} pages/s; "
        f"pdftoppm alone {pages / sum(row['pdftoppm_s'] for row in rows):.1f} pages/s\n"
        f"CPU (this process and its children, best round): ours {ours_cpu:.1f} s, floor "
        f"{floor_cpu:.1f} s, ratio {ours_cpu / floor_cpu:.2f}x"
    )
    report("extraction_ocr", rows, summary)
