"""A poll with nothing new: time and IMAP round trips on mailboxes of growing size.

Run: .venv/bin/python -m bench.noop_poll [--sizes 100,1000,10000,100000] [--rounds 15]
The goal is a flat line: 10,000 and 100,000 messages within 1.2x of 100, under 50 ms on
loopback. Each folder is delivered into Dovecot's Maildir directly (as a delivery
agent does), then read once by a first poll, so the register holds every message.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import small_mails
from bench.harness import PASSWORD_ENV, CommandCounter, services_for, write_config
from bench.results import report
from ingest.poll import poll_mailbox
from scripts.dovecot_sandbox import DovecotSandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        DovecotSandbox(Path(scratch) / "imap") as dovecot,
    ):
        os.environ[PASSWORD_ENV] = dovecot.password
        for size in sizes:
            folder = Path(scratch) / f"n{size}"
            folder.mkdir()
            # Delivered into the Maildir, as a local delivery agent does: APPEND
            # slows down as a folder grows (about 20 messages/s past 50,000).
            dovecot.deliver(small_mails(size), f"N{size}")
            config = write_config(folder, f"sqlite:///{folder / 'r.db'}", dovecot, f"N{size}", 500)
            with services_for(config) as services:
                mailbox = config.mailboxes[0]
                first = poll_mailbox(mailbox, services, os.environ)
                assert first.new == size, first
                times = []
                with CommandCounter() as counter:
                    for _ in range(args.rounds):
                        start = time.perf_counter()
                        summary = poll_mailbox(mailbox, services, os.environ)
                        times.append(time.perf_counter() - start)
                        assert summary.new == 0 and summary.error is None, summary
            rows.append(
                {
                    "messages": size,
                    "min_ms": min(times) * 1000,
                    "median_ms": statistics.median(times) * 1000,
                    "imap_commands": counter.commands / args.rounds,
                }
            )
    base = rows[0]["median_ms"]
    for row in rows:
        row["ratio_to_smallest"] = row["median_ms"] / base
    report("noop_poll", rows, "target: ratio <= 1.2 at 10,000 and 100,000 messages, median < 50 ms")


if __name__ == "__main__":
    main()
