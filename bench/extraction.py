"""Extraction speed: pypdf (ours) against pdftotext, DOCX (ours) against bare python-docx,
OCR of scans (ours) against the tesseract CLI on the same page images.

Run: .venv/bin/python -m bench.extraction [--rounds N] [--part text|ocr] [--ocr-workers N]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import docx
from pypdf import PdfReader

from bench.corpus import Document, document_pool
from bench.ocr_scans import run_ocr
from bench.results import report
from parsers.documents import ExtractStatus, extract_text
from parsers.limits import DEFAULT_LIMITS


def best_of(rounds: int, action: Callable[[], object]) -> float:
    """Return the fastest of ``rounds`` runs, in seconds (the least disturbed by noise)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def bare_pypdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def bare_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def ours(document: Document) -> str:
    content_type = "application/pdf" if document.filename.endswith(".pdf") else ""
    result = extract_text(document.filename, content_type, document.data)
    assert result.status is ExtractStatus.OK, result.reason
    return result.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--part", choices=("all", "text", "ocr"), default="all")
    parser.add_argument("--ocr-workers", type=int, default=DEFAULT_LIMITS.ocr_workers)
    args = parser.parse_args()
    if args.part != "ocr":
        run_text(args.rounds)
    if args.part != "text":
        run_ocr(args.rounds, args.ocr_workers)


def run_text(rounds: int) -> None:
    pool = document_pool()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for document in pool:
            path = Path(folder) / document.filename
            path.write_bytes(document.data)
            mine = best_of(rounds, partial(ours, document))
            if document.filename.endswith(".pdf"):
                reference = best_of(rounds, partial(pdftotext, path))
                row = _row(document, "pdftotext", mine, reference, per="page")
                # Not a target: how our PDF time compares with pypdf's own extract_text().
                row["pypdf_bare_s"] = best_of(rounds, partial(bare_pypdf, document.data))
                rows.append(row)
            else:
                reference = best_of(rounds, partial(bare_docx, document.data))
                rows.append(_row(document, "python-docx bare", mine, reference, per="doc"))
    pdf = [r for r in rows if r["reference"] == "pdftotext"]
    doc = [r for r in rows if r["reference"] != "pdftotext"]
    pages = sum(r["units"] for r in pdf)
    summary = (
        f"PDF: ours {pages / sum(r['ours_s'] for r in pdf):.0f} pages/s, "
        f"pdftotext {pages / sum(r['reference_s'] for r in pdf):.0f} pages/s, ratio "
        f"{sum(r['ours_s'] for r in pdf) / sum(r['reference_s'] for r in pdf):.2f}x (target <= 3x); "
        f"bare pypdf {pages / sum(r['pypdf_bare_s'] for r in pdf):.0f} pages/s, ours/bare "
        f"{sum(r['ours_s'] for r in pdf) / sum(r['pypdf_bare_s'] for r in pdf):.2f}x\n"
        f"DOCX: ours {len(doc) / sum(r['ours_s'] for r in doc):.1f} docs/s, bare "
        f"{len(doc) / sum(r['reference_s'] for r in doc):.1f} docs/s, ratio "
        f"{sum(r['ours_s'] for r in doc) / sum(r['reference_s'] for r in doc):.2f}x (target <= 1.2x)"
    )
    report("extraction", rows, summary)


def _row(
    document: Document, reference: str, mine: float, theirs: float, per: str
) -> dict[str, Any]:
    return {
        "file": document.filename,
        "bytes": len(document.data),
        "units": document.pages,
        "unit": "pages" if per == "page" else "paragraphs",
        "ours_s": mine,
        "reference": reference,
        "reference_s": theirs,
        "ratio": mine / theirs,
    }


if __name__ == "__main__":
    main()
