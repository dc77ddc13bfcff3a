"""Shared set-up for the ingest benchmarks: a Dovecot sandbox, a config, a register."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

from app.config import Config, load_config
from app.root import open_engine
from ingest.assembly import open_services
from ingest.poll import Services
from scripts.dovecot_sandbox import DovecotSandbox
from store.db import upgrade_schema

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_ENV = "CCHC_BENCH_IMAP_PASSWORD"


def fill(client: IMAPClient, folder: str, messages: Iterable[tuple[bytes, datetime]]) -> int:
    """APPEND every message to ``folder`` over one connection; return how many."""
    if not client.folder_exists(folder):
        client.create_folder(folder)
    count = 0
    for raw, received_at in messages:
        client.append(folder, raw, msg_time=received_at)
        count += 1
    return count


def write_config(
    folder: Path,
    database_url: str,
    dovecot: DovecotSandbox,
    mailbox_folder: str,
    batch_size: int = 100,
) -> Config:
    """Write a config for ``mailbox_folder`` on ``dovecot`` and return it, schema created."""
    path = folder / "config.toml"
    path.write_text(
        dovecot.inbox_config(
            database_url=database_url,
            folder=mailbox_folder,
            password_env=PASSWORD_ENV,
            batch_size=batch_size,
            campaign="Benchmark",
        ),
        encoding="utf-8",
    )
    config = load_config(path)
    upgrade_schema(open_engine(config, create=True))
    return config


def services_for(config: Config) -> AbstractContextManager[Services]:
    return open_services(config, open_engine(config))


class CommandCounter(logging.Handler):
    """Count the IMAP commands a client sends (imaplib logs each as "> …")."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.commands = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("> "):
            self.commands += 1

    def __enter__(self) -> CommandCounter:
        logger = logging.getLogger("imapclient.imaplib")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        logging.getLogger("imapclient.imaplib").removeHandler(self)


def poll_command(config: Path, *args: str, command: str = "poll") -> list[str]:
    """Return the argv of `cchc-inbox poll` (or ``command``) that also logs its stage timings."""
    return [sys.executable, "-m", "bench.timed_poll", "--config", str(config), command, *args]


@dataclass(frozen=True)
class PollRun:
    seconds: float
    #: Seconds per stage, from the poll's timings log line (summed over mailboxes).
    stages: dict[str, float]
    #: Peak resident memory of the largest single process (poll or a worker), MB.
    peak_process_mb: float
    #: Peak proportional set size of the whole process tree, sampled, MB.
    peak_tree_mb: float


def run_poll(
    config: Path, password: str, *args: str, sample_every: float = 0.01, command: str = "poll"
) -> PollRun:
    """Run one `cchc-inbox poll` subprocess; time it, read its stage timings, watch its memory.

    ``command`` runs another subcommand the same way (`import` reads through the
    same pipeline and logs the same timings).

    Memory is sampled from /proc every ``sample_every`` seconds; the samples cost
    CPU the poll then lacks, so a timing benchmark samples less often.

    With $CCHC_BENCH_PROFILE set to a folder, py-spy samples the poll and its
    workers into a collapsed-stack file there (slower: for reading, not timing).
    """
    argv = poll_command(config, *args, command=command)
    profile = os.environ.get("CCHC_BENCH_PROFILE")
    if profile:
        target = Path(profile) / f"poll-{config.parent.name}-{int(time.time())}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        spy = Path(sys.executable).with_name("py-spy")
        argv = [
            str(spy),
            "record",
            "--subprocesses",
            "--threads",
            "--format",
            "raw",
            "--rate",
            "50",
            "--output",
            str(target),
            "--",
            *argv,
        ]
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env={**os.environ, PASSWORD_ENV: password},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = TreeSampler(process.pid, sample_every)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited {process.returncode}:\n{stderr[-3000:]}")
    stages: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith(TIMINGS_PREFIX):
            for name, value in json.loads(line[len(TIMINGS_PREFIX) :])["seconds"].items():
                stages[name] = stages.get(name, 0.0) + value
    return PollRun(seconds, stages, sampler.peak_process_kb / 1024, sampler.peak_kb / 1024)


TIMINGS_PREFIX = "DEBUG ingest.poll.timings: "


class TreeSampler(threading.Thread):
    """Sample a process and all its descendants every few milliseconds.

    ``peak_kb`` is the peak of their summed PSS; ``peak_process_kb`` the largest
    VmHWM (peak resident set) of any one of them. Not getrusage(): a child's
    ru_maxrss starts from its parent's peak (exec keeps the old address space's
    high-water mark), so it would report the benchmark's own memory.
    """

    def __init__(self, pid: int, every: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak_kb = 0
        self.peak_process_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pids = _tree(self.pid)
            self.peak_kb = max(
                self.peak_kb, sum(_field_kb(p, "smaps_rollup", "Pss:") for p in pids)
            )
            self.peak_process_kb = max(
                self.peak_process_kb, *(_field_kb(p, "status", "VmHWM:") for p in pids)
            )
            self._done.wait(self.every)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in task.read_text().split())
    return pids


def _field_kb(pid: int, name: str, field: str) -> int:
    """Return a kB figure of /proc/PID/NAME (0 once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0
