"""Read scanned PDF pages with Tesseract (Vietnamese), when it is installed."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from parsers.limits import Limits
from parsers.ocr_pages import Commands, ToolFailed, read_pages
from parsers.text import nfc

LANGUAGE = "vie"
METHOD = f"OCR (tesseract, {LANGUAGE})"
# Longer side of a rasterised page in pixels (A4 at 300 dpi). A size, not a
# resolution: a page that declares itself five metres wide cannot exhaust memory.
PAGE_PIXELS = 3508
# Fewer letters than this is noise read off lines, stamps or a photo, not text.
_MIN_LETTERS = 20
# Share of the per-file time limit OCR may use; pypdf has already spent some of it,
# and a page still running at the end is killed, so the worker is never killed.
_TIME_SHARE = 0.8


@dataclass(frozen=True)
class OcrText:
    text: str
    # How the text was read, or why there is none: kept as the extraction's reason.
    reason: str


def read_scanned_pdf(data: bytes, pages: int, limits: Limits) -> OcrText:
    """Return the text Tesseract reads on the first ``pages`` pages of a PDF (never raises).

    The pages are drawn once and read ``limits.ocr_workers`` at a time; those not
    read by the deadline are left out, and the reason says so.
    """
    if not limits.ocr:
        return OcrText("", "OCR off")
    tools = _tools()
    if isinstance(tools, str):
        return OcrText("", f"OCR unavailable: {tools}")
    wanted = min(pages, limits.ocr_max_pages)
    deadline = time.monotonic() + limits.timeout_seconds * _TIME_SHARE
    pdftoppm, tesseract = tools
    commands = Commands(
        (pdftoppm, "-gray", "-scale-to", str(PAGE_PIXELS)), tesseract, ("-l", LANGUAGE)
    )
    try:
        # A private folder (mode 0700): the page images are the document's content.
        with tempfile.TemporaryDirectory(prefix="cchc-ocr-") as folder:
            pdf = os.path.join(folder, "scan.pdf")
            with open(pdf, "wb") as handle:
                handle.write(data)
            read = read_pages(commands, pdf, folder, wanted, limits.ocr_workers, deadline)
    except OSError as error:  # no room for the page images
        return _outcome([], pages, limits.ocr_max_pages, str(error)[:200])
    texts = [text for text in read.texts if text is not None]
    return _outcome(texts, pages, limits.ocr_max_pages, read.stopped)


def _outcome(texts: list[str], pages: int, max_pages: int, stopped: str) -> OcrText:
    # Tesseract puts a blank line between text blocks, and often reads a title's
    # second line as a block of its own. Text layers have no blank lines, and the
    # initiative parser ends a title at one: drop them.
    text = nfc("\n".join(line for t in texts for line in t.splitlines() if line.strip()))
    read = len(texts)
    if stopped:
        scope = f"{read} of {pages} pages, stopped: {stopped}"
    elif read < pages:
        scope = f"first {read} of {pages} pages (ocr_max_pages = {max_pages})"
    else:
        scope = f"{read} page" + ("s" if read != 1 else "")
    if sum(c.isalpha() for c in text) < _MIN_LETTERS:
        return OcrText("", f"{METHOD} found no text ({scope})")
    return OcrText(text, f"{METHOD}: {scope}")


def run_tool(command: list[str], path: str | None, stdin: bytes | None, deadline: float) -> bytes:
    """Run pdftoppm or tesseract until ``deadline`` (monotonic); raise when it fails."""
    # One thread per Tesseract: the extraction pool already runs one worker per core.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [*command, path] if path else command,
        input=stdin,
        capture_output=True,
        timeout=max(deadline - time.monotonic(), 0.001),
        env=environment,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        name = os.path.basename(command[0])
        raise ToolFailed(f"{name} failed (exit {done.returncode}): {' '.join(message[-2:])}")
    return done.stdout


def missing_tool() -> str | None:
    """Return what OCR lacks on this machine ("tesseract is not installed"), or None."""
    tools = _tools()
    return tools if isinstance(tools, str) else None


def _tools() -> tuple[str, str] | str:
    """Return the paths of pdftoppm and tesseract, or what is missing."""
    tesseract = find_tesseract()
    if tesseract.missing:
        return tesseract.missing
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return "pdftoppm (poppler-utils) is not installed"
    return pdftoppm, tesseract.path


@dataclass(frozen=True)
class Tesseract:
    path: str
    # What is missing ("tesseract is not installed"), or "" when it can read Vietnamese.
    missing: str = ""


def find_tesseract() -> Tesseract:
    """Return Tesseract's path when it is installed with Vietnamese data, or what is missing."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return Tesseract("", "tesseract is not installed")
    if LANGUAGE not in _languages(tesseract):
        return Tesseract(
            "", f"no '{LANGUAGE}' language data for tesseract (tesseract-ocr-{LANGUAGE})"
        )
    return Tesseract(tesseract)


@functools.lru_cache(maxsize=4)
def _languages(tesseract: str) -> frozenset[str]:
    try:
        done = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    # The first line is "List of available languages in …"; the others are codes.
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:])
