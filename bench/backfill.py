"""Backfill throughput: `cchc-inbox poll` on SQLite and PostgreSQL against mbsync and the
naive baseline, in the same run, on the same Dovecot mailbox.

Run: .venv/bin/python -m bench.backfill [--sizes 1000,10000] [--mix light|heavy|both]
Needs isync (mbsync): bench/setup installs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from bench import naive_baseline
from bench.corpus import document_pool, mails
from bench.harness import PASSWORD_ENV, PollRun, fill, run_poll, write_config
from bench.light import light_mails
from bench.results import report
from bench.scratch import scratch_postgres, sqlalchemy_url
from scripts.dovecot_sandbox import DovecotSandbox

# Memory samples cost CPU the poll then lacks, and the baselines are not sampled:
# every 0.2 s is enough for this side figure (bench/memory.py samples every 10 ms).
SAMPLE_EVERY = 0.2


def run_mbsync(dovecot: DovecotSandbox, folder: str, target: Path) -> float:
    target.mkdir()
    config = target.parent / "mbsyncrc"
    config.write_text(
        f"""IMAPAccount bench
Host {dovecot.host}
Port {dovecot.port}
User {dovecot.user}
Pass {dovecot.password}
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path {target}/
Inbox {target}/INBOX

Channel bench
Far :remote:{folder}
Near :local:INBOX
Sync Pull
Create Near
SyncState *
""",
        encoding="utf-8",
    )
    start = time.perf_counter()
    subprocess.run(["mbsync", "-q", "-c", str(config), "bench"], check=True)
    return time.perf_counter() - start


MIXES = ("light", "heavy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument(
        "--mix",
        choices=("light", "heavy", "both"),
        default="both",
        help="light: short one- and two-page submissions, forwards, zips, noise; "
        "heavy: 4-60 page documents with images",
    )
    parser.add_argument(
        "--no-images", action="store_true", help="heavy mix: text-only documents (20-150 KB)"
    )
    args = parser.parse_args()
    mixes = MIXES if args.mix == "both" else (args.mix,)
    pool = document_pool(images=not args.no_images) if "heavy" in mixes else []
    rows: list[dict[str, object]] = []
    stage_rows: list[dict[str, object]] = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        DovecotSandbox(Path(scratch) / "imap") as dovecot,
    ):
        os.environ[PASSWORD_ENV] = dovecot.password
        for mix in mixes:
            for size in (int(s) for s in args.sizes.split(",")):
                messages = light_mails(size) if mix == "light" else mails(size, pool)
                found, stages = run_size(dovecot, Path(scratch), mix, size, messages)
                rows += found
                stage_rows += stages
    heavy = "text only" if args.no_images else "50 KB-2 MB (text plus an image)"
    report(
        "backfill",
        rows,
        "targets: whole pipeline >= 1.6x the naive baseline (heavy: >= 2.4x); "
        "fetch+store >= 0.8x mbsync\n"
        f"light: one- and two-page files, forwards, zips, noise; heavy documents: {heavy}",
    )
    report(
        "backfill_stages",
        stage_rows,
        "seconds per stage of `cchc-inbox poll` (fetch and store on the main thread; "
        "parse_classify, extract and store_attachments summed over the worker processes; "
        "wait_analysis: the main thread waiting for them; commit: saving the analyses; "
        "commit_ms_per_message: commit over the messages; target <= 1.5 on the light mix)",
    )


def run_size(
    dovecot: DovecotSandbox,
    scratch: Path,
    mix: str,
    size: int,
    messages: Iterable[tuple[bytes, datetime]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Fill a folder with ``messages`` and read it with every tool; return the rows."""
    folder = f"{mix.capitalize()}{size}"
    with dovecot.client() as client:
        fill(client, folder, messages)
    work = scratch / folder
    work.mkdir()
    timings = {"mbsync": run_mbsync(dovecot, folder, work / "maildir")}
    start = time.perf_counter()
    naive_baseline.run(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password, folder, work / "naive.db"
    )
    timings["naive baseline"] = time.perf_counter() - start
    sqlite_dir = work / "sqlite"
    sqlite_dir.mkdir()
    config = write_config(sqlite_dir, f"sqlite:///{sqlite_dir / 'r.db'}", dovecot, folder)
    polls: dict[str, PollRun] = {}
    polls["SQLite"] = run_poll(config.path, dovecot.password, sample_every=SAMPLE_EVERY)
    timings["cchc-inbox poll (SQLite)"] = polls["SQLite"].seconds
    with scratch_postgres() as url:
        pg_dir = work / "pg"
        pg_dir.mkdir()
        config = write_config(pg_dir, sqlalchemy_url(url), dovecot, folder)
        polls["PostgreSQL"] = run_poll(config.path, dovecot.password, sample_every=SAMPLE_EVERY)
        timings["cchc-inbox poll (PostgreSQL)"] = polls["PostgreSQL"].seconds
    naive = timings["naive baseline"]
    mbsync = timings["mbsync"]
    rows: list[dict[str, object]] = []
    for tool, seconds in timings.items():
        rows.append(
            {
                "mix": mix,
                "messages": size,
                "tool": tool,
                "seconds": seconds,
                "messages_per_s": size / seconds,
                "speed_vs_naive": naive / seconds,
                "speed_vs_mbsync": mbsync / seconds,
            }
        )
    stage_rows: list[dict[str, object]] = []
    for name, run in polls.items():
        fetch_store = run.stages.get("fetch", 0.0) + run.stages.get("store", 0.0)
        rows.append(
            {
                "mix": mix,
                "messages": size,
                "tool": f"  fetch+store stage ({name})",
                "seconds": fetch_store,
                "messages_per_s": size / fetch_store if fetch_store else None,
                "speed_vs_naive": None,
                "speed_vs_mbsync": mbsync / fetch_store if fetch_store else None,
            }
        )
        stage_rows.append(
            {
                "mix": mix,
                "messages": size,
                "database": name,
                **{k: round(v, 2) for k, v in sorted(run.stages.items())},
                "commit_ms_per_message": round(1000 * run.stages.get("commit", 0.0) / size, 2),
                "peak_process_mb": round(run.peak_process_mb, 1),
                "peak_tree_pss_mb": round(run.peak_tree_mb, 1),
            }
        )
    return rows, stage_rows


if __name__ == "__main__":
    main()
