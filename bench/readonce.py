"""Read once: a file sent again (a CC, a forward, a corrected mail) costs a lookup.

Each document of the pool is read once as new, then as the same bytes sent again
(another name, as a forward has), through ``ingest.readonce.ReadOnce`` on a
scratch storage folder; the reference is reading it again. Reports, per file
and in all, the time of the repeat against a fresh read.

Run: .venv/bin/python -m bench.readonce [--rounds N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import document_pool
from bench.results import report
from ingest.readonce import ReadOnce
from parsers.documents import ExtractStatus, extract_text
from parsers.limits import DEFAULT_LIMITS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for document in document_pool():
        kind = "application/pdf" if document.filename.endswith(".pdf") else ""
        fresh, repeat = [], []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as folder:
                once = ReadOnce(extract_text, Path(folder))
                began = time.perf_counter()
                first = once(document.filename, kind, document.data, DEFAULT_LIMITS)
                fresh.append(time.perf_counter() - began)
                began = time.perf_counter()
                again = once("Fwd " + document.filename, kind, document.data, DEFAULT_LIMITS)
                repeat.append(time.perf_counter() - began)
            assert first == again and first.status is ExtractStatus.OK, first.reason
            assert once.hits == 1
        rows.append(
            {
                "file": document.filename,
                "bytes": len(document.data),
                "read_s": min(fresh),
                "again_s": min(repeat),
                "ratio": min(fresh) / min(repeat),
            }
        )
    total_read = sum(r["read_s"] for r in rows)
    total_again = sum(r["again_s"] for r in rows)
    report(
        "readonce",
        rows,
        f"{len(rows)} files: read {total_read:.3f} s, sent again {total_again * 1000:.1f} ms "
        f"({total_read / total_again:.0f}x less for a re-sent file)",
    )


if __name__ == "__main__":
    main()
