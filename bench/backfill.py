"""Backfill throughput: `cchc-inbox poll` on SQLite and PostgreSQL against mbsync and the
naive baseline, in the same run, on the same Dovecot mailbox.

Run: .venv/bin/python -m bench.backfill [--sizes 1000,10000]
Needs isync (mbsync): bench/setup installs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from bench import naive_baseline
from bench.corpus import document_pool, mails
from bench.harness import PASSWORD_ENV, PollRun, fill, run_poll, write_config
from bench.results import report
from scripts.dovecot_sandbox import DovecotSandbox

# Memory samples cost CPU the poll then lacks, and the baselines are not sampled:
# every 0.2 s is enough for this side figure (bench/memory.py samples every 10 ms).
SAMPLE_EVERY = 0.2
PG_ADMIN = os.environ.get("CCHC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument(
        "--no-images", action="store_true", help="text-only documents (20-150 KB, not 50 KB-2 MB)"
    )
    args = parser.parse_args()
    pool = document_pool(images=not args.no_images)
    rows = []
    stage_rows = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        DovecotSandbox(Path(scratch) / "imap") as dovecot,
    ):
        os.environ[PASSWORD_ENV] = dovecot.password
        for size in (int(s) for s in args.sizes.split(",")):
            folder = f"B{size}"
            with dovecot.client() as client:
                fill(client, folder, mails(size, pool))
            work = Path(scratch) / folder
            work.mkdir()
            timings = {"mbsync": run_mbsync(dovecot, folder, work / "maildir")}
            start = time.perf_counter()
            naive_baseline.run(
                dovecot.host,
                dovecot.port,
                dovecot.user,
                dovecot.password,
                folder,
                work / "naive.db",
            )
            timings["naive baseline"] = time.perf_counter() - start
            sqlite_dir = work / "sqlite"
            sqlite_dir.mkdir()
            config = write_config(sqlite_dir, f"sqlite:///{sqlite_dir / 'r.db'}", dovecot, folder)
            polls: dict[str, PollRun] = {}
            polls["SQLite"] = run_poll(config.path, dovecot.password, sample_every=SAMPLE_EVERY)
            timings["cchc-inbox poll (SQLite)"] = polls["SQLite"].seconds
            database = f"cchc_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
            try:
                pg_dir = work / "pg"
                pg_dir.mkdir()
                url = PG_ADMIN.rpartition("/")[0].replace("postgresql://", "postgresql+psycopg://")
                config = write_config(pg_dir, f"{url}/{database}", dovecot, folder)
                polls["PostgreSQL"] = run_poll(
                    config.path, dovecot.password, sample_every=SAMPLE_EVERY
                )
                timings["cchc-inbox poll (PostgreSQL)"] = polls["PostgreSQL"].seconds
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            naive = timings["naive baseline"]
            mbsync = timings["mbsync"]
            for tool, seconds in timings.items():
                rows.append(
                    {
                        "messages": size,
                        "tool": tool,
                        "seconds": seconds,
                        "messages_per_s": size / seconds,
                        "speed_vs_naive": naive / seconds,
                        "speed_vs_mbsync": mbsync / seconds,
                    }
                )
            for database, run in polls.items():
                fetch_store = run.stages.get("fetch", 0.0) + run.stages.get("store", 0.0)
                rows.append(
                    {
                        "messages": size,
                        "tool": f"  fetch+store stage ({database})",
                        "seconds": fetch_store,
                        "messages_per_s": size / fetch_store if fetch_store else None,
                        "speed_vs_naive": None,
                        "speed_vs_mbsync": mbsync / fetch_store if fetch_store else None,
                    }
                )
                stage_rows.append(
                    {
                        "messages": size,
                        "database": database,
                        **{k: round(v, 2) for k, v in sorted(run.stages.items())},
                        "peak_process_mb": round(run.peak_process_mb, 1),
                        "peak_tree_pss_mb": round(run.peak_tree_mb, 1),
                    }
                )
    report(
        "backfill",
        rows,
        "targets: whole pipeline >= 1.6x the naive baseline; fetch+store >= 0.8x mbsync\n"
        f"documents: {'text only' if args.no_images else '50 KB-2 MB (text plus an image)'}",
    )
    report(
        "backfill_stages",
        stage_rows,
        "seconds per stage of `cchc-inbox poll` (fetch and store on the main thread; "
        "parse_classify, extract and store_attachments summed over the worker processes; "
        "wait_analysis: the main thread waiting for them; commit: saving the analyses)",
    )


if __name__ == "__main__":
    main()
