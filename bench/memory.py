"""Memory: peak RSS of `cchc-inbox poll` ingesting one 25 MB attachment, and backfilling N.

Each poll runs as a subprocess. Two figures per run: the peak resident set of the
largest single process (the poll or one of its extraction workers: the largest
VmHWM sampled from /proc every 10 ms), and the peak proportional set size of the whole
process tree, sampled from /proc every 10 ms (shared pages counted once).

Also `cchc-inbox import` of generated mboxes of ``--mbox-mb`` MB (256 and 2,048 by default:
the issue's "bounded memory on a 2 GB mbox"), its messages each carrying a few MB of
incompressible bytes under a Received: header of the office's server.

Run: .venv/bin/python -m bench.memory [--sizes 100,1000] [--attachment-mb 25] [--mbox-mb 256,2048]
Targets: under 200 MB for the 25 MB attachment; flat in N during a backfill and an import.
"""

from __future__ import annotations

import argparse
import os
import shutil
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


#: Size of the incompressible file each message of the generated mbox carries.
MBOX_ATTACHMENT_BYTES = 4 * 1024 * 1024
#: The office's server, named in each generated message's Received: header.
MBOX_HOST = "mx.bench.invalid"


def write_mbox(path: Path, megabytes: int) -> int:
    """Write an mbox of about ``megabytes`` MB, one message at a time; return how many.

    Each message differs in its bytes (no read-once cache or duplicate check can
    skip it) and says when the office's server received it.
    """
    count = 0
    start = datetime(2024, 5, 15, 8, 0, tzinfo=ICT)
    with path.open("wb") as out:
        while out.tell() < megabytes * 1024 * 1024:
            received = start + timedelta(minutes=7 * count)
            message = EmailMessage()
            message["Received"] = (
                f"from mail.example.vn by {MBOX_HOST} with ESMTPS id b{count}; "
                f"{received.strftime('%a, %d %b %Y %H:%M:%S %z')}"
            )
            message["From"] = f"vanthu{count % 97}@tayninh.gov.vn"
            message["To"] = "phongnv-cth@tayninh.gov.vn"
            message["Subject"] = f"Hồ sơ lưu trữ số {count}"
            message["Message-ID"] = f"<bench-mbox-{count}@tayninh.gov.vn>"
            message["Date"] = received.strftime("%a, %d %b %Y %H:%M:%S %z")
            message.set_content("Kính gửi Phòng Nội vụ,\nĐơn vị gửi kèm dữ liệu.\n")
            message.add_attachment(
                os.urandom(MBOX_ATTACHMENT_BYTES),
                maintype="application",
                subtype="octet-stream",
                filename=f"du-lieu-{count}.bak",
            )
            # Base64 lines never begin with "From ": no mboxrd quoting is needed.
            out.write(b"From MAILER-DAEMON Sat Jun  1 09:00:00 2024\n")
            out.write(message.as_bytes().replace(b"\r\n", b"\n"))
            out.write(b"\n")
            count += 1
    return count


def import_case(scratch: Path, dovecot: DovecotSandbox, megabytes: int) -> dict[str, Any]:
    """Import a generated mbox of ``megabytes`` MB; its time and peak memory."""
    work = scratch / f"MBOX{megabytes}"
    work.mkdir()
    mbox = work / "export.mbox"
    count = write_mbox(mbox, megabytes)
    config = write_config(work, f"sqlite:///{work / 'r.db'}", dovecot, "INBOX")
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(
        text.replace("[[mailboxes]]\n", f'[[mailboxes]]\nreceiving_hosts = ["{MBOX_HOST}"]\n', 1),
        encoding="utf-8",
    )
    run = run_poll(config.path, dovecot.password, str(mbox), command="import")
    size = mbox.stat().st_size
    shutil.rmtree(work)  # two more copies of it are in the register's storage: free the disk
    return {
        "case": f"import of a {size / 1024**3:.2f} GB mbox",
        "messages": count,
        "seconds": run.seconds,
        "peak_process_mb": run.peak_process_mb,
        "peak_tree_pss_mb": run.peak_tree_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--attachment-mb", type=int, default=25)
    parser.add_argument("--mbox-mb", default="256,2048", help="mbox sizes to import; 0: none")
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
            shutil.rmtree(work)  # the next case needs the disk more than this one's register
        for megabytes in (int(m) for m in args.mbox_mb.split(",") if int(m) > 0):
            rows.append(import_case(Path(scratch), dovecot, megabytes))
    report(
        "memory",
        rows,
        "targets: peak under 200 MB with a 25 MB attachment; flat in N during a backfill "
        "and an import. "
        "peak_process_mb is the largest single process of that poll (it or one of its "
        "workers); peak_tree_pss_mb sums the poll and its extraction workers",
    )


if __name__ == "__main__":
    main()
