"""Memory: peak RSS of `cchc-inbox poll` ingesting one 25 MB attachment, and backfilling N.

Each poll runs as a subprocess. Two figures per run: the peak resident set of the
largest single process (the poll or one of its extraction workers: the largest
VmHWM sampled from /proc every 10 ms), and the peak proportional set size of the whole
process tree, sampled from /proc every 10 ms (shared pages counted once).

Run: .venv/bin/python -m bench.memory [--sizes 100,1000] [--attachment-mb 25]
Targets: under 200 MB for the 25 MB attachment; flat in N during a backfill.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from bench.corpus import ICT, big_document, document_pool, mails
from bench.harness import PASSWORD_ENV, fill, run_poll, write_config
from bench.results import report
from scripts.dovecot_sandbox import DovecotSandbox


def big_mail(megabytes: int) -> tuple[bytes, datetime]:
    document = big_document(megabytes * 1024 * 1024)
    message = EmailMessage(policy=SMTP)
    message["From"] = "vanthu@tayninh.gov.vn"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Gửi hồ sơ sáng kiến (bản scan)"
    message["Message-ID"] = "<bench-big@tayninh.gov.vn>"
    message.set_content("Kính gửi Phòng Nội vụ,\nĐơn vị gửi kèm hồ sơ.\n")
    message.add_attachment(
        document.data, maintype="application", subtype="pdf", filename=document.filename
    )
    return message.as_bytes(), datetime(2024, 6, 1, 9, 0, tzinfo=ICT) + timedelta()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--attachment-mb", type=int, default=25)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        DovecotSandbox(Path(scratch) / "imap") as dovecot,
    ):
        os.environ[PASSWORD_ENV] = dovecot.password
        cases: list[tuple[str, str, int]] = [("BIG", f"one {args.attachment_mb} MB attachment", 1)]
        with dovecot.client() as client:
            raw, received = big_mail(args.attachment_mb)
            fill(client, "BIG", [(raw, received)])
            pool = document_pool()
            for size in (int(s) for s in args.sizes.split(",")):
                fill(client, f"N{size}", mails(size, pool))
                cases.append((f"N{size}", f"backfill of {size} messages", size))
        for folder, case, size in cases:
            work = Path(scratch) / folder
            work.mkdir()
            config = write_config(work, f"sqlite:///{work / 'r.db'}", dovecot, folder)
            run = run_poll(config.path, dovecot.password)
            rows.append(
                {
                    "case": case,
                    "messages": size,
                    "seconds": run.seconds,
                    "peak_process_mb": run.peak_process_mb,
                    "peak_tree_pss_mb": run.peak_tree_mb,
                }
            )
    report(
        "memory",
        rows,
        "targets: peak under 200 MB with a 25 MB attachment; flat in N during a backfill. "
        "peak_process_mb is the largest single process of that poll (it or one of its "
        "workers); peak_tree_pss_mb sums the poll and its extraction workers",
    )


if __name__ == "__main__":
    main()
