"""Analyse messages and read documents in worker processes, each file with a wall-clock limit.

``parsers.documents.extract_text`` is pure but may be slow on a pathological
file (a PDF crafted to make the text layout loop). The worker must not stall,
so the shell works in a persistent pool of child processes (one per core):

- ``analyse_file`` analyses a whole stored message in a child: it reads the raw
  copy from blob storage (no bytes are sent to it), parses it, reads its
  documents, stores the attachments and returns what the register keeps. Each
  document is given ``Limits.timeout_seconds``: past it a SIGALRM refuses the
  file, and a file stuck where no signal gets through ends the child a little
  later (the caller then analyses that message again with ``__call__``).
- ``__call__`` reads one document in a child and kills the child past the limit;
  the pool replaces it.

The children are forked when the pool starts: ``start()`` it while this process
is still small, so that they do not inherit large buffers. Calls may come from
several threads at once. ``close()`` it when done.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

from pebble import ProcessExpired, ProcessPool

from ingest.readonce import ReadOnce
from parsers.analysis import Rules, analyse
from parsers.documents import Extraction, ExtractStatus, extract_text
from parsers.limits import Limits
from parsers.outlook import OutlookRead, read_outlook_item
from store.blobs import BlobStore, Staged
from store.write import AnalysisRecord, summarise

Extract = Callable[[str, str, bytes, Limits], Extraction]

#: A child whose file ignores the SIGALRM (stuck in C code) is ended this much later.
HARD_GRACE_SECONDS = 2.0

#: Extractors whose worker processes are running; whatever is left is stopped at exit.
#: One exit callback for all: `serve` opens an extractor for every poll, for months.
_RUNNING: set[TimedExtractor] = set()
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class WorkerAnalysis:
    """A message analysed in a child process: what to save, and the seconds per stage."""

    record: AnalysisRecord
    seconds: dict[str, float]
    #: Attachments written but not yet durable: the poll settles them before saving.
    staged: tuple[Staged, ...] = ()


class TimedExtractor:
    """Run analyses and extractions in pooled child processes, each file with its time limit."""

    def __init__(self, extract: Extract = extract_text, workers: int | None = None) -> None:
        self._extract = extract
        self._workers = workers or os.cpu_count() or 1
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()
        self._rules: ShippedRules | None = None

    @property
    def workers(self) -> int:
        return self._workers

    def start(self) -> None:
        """Fork the worker processes now, before this process holds any mail."""
        if self._pool is not None:
            return
        # Keep the children's garbage collector off what they inherit, so they
        # share those pages with this process instead of copying them.
        gc.freeze()
        try:
            self._schedule(os.getpid)  # the pool forks its workers on the first task
        finally:
            gc.unfreeze()

    def analyse_file(
        self, path: Path, received_at: datetime, rules: Rules, blobs: BlobStore
    ) -> Future[WorkerAnalysis]:
        """Analyse the raw message stored at ``path`` in a child; store its attachments."""
        future: Future[WorkerAnalysis] = self._schedule(
            _analyse_file, (self._extract, str(path), received_at, self._shipped(rules), blobs.root)
        )
        return future

    def _shipped(self, rules: Rules) -> ShippedRules:
        """Return ``rules`` as sent to the children: pickled here once, not per message."""
        shipped = self._rules
        if shipped is None or shipped.rules is not rules:
            shipped = self._rules = ShippedRules.of(rules)
        return shipped

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        future = self._schedule(
            _run, (self._extract, filename, content_type, data, limits), limits.timeout_seconds
        )
        try:
            result = future.result()
        except FutureTimeout:
            return _overtime(limits)
        except ProcessExpired as died:
            return Extraction(
                ExtractStatus.ERROR, "", f"extraction process died (exit {died.exitcode})"
            )
        except Exception as error:  # the result could not be sent back (pickling)
            return Extraction(ExtractStatus.ERROR, "", f"extraction process failed: {error}"[:300])
        if isinstance(result, Extraction):
            return result
        return Extraction(ExtractStatus.ERROR, "", "extraction process failed")

    def read_item(self, data: bytes, limits: Limits) -> OutlookRead:
        """Read one attached Outlook item in a child, refused past ``limits.timeout_seconds``."""
        future = self._schedule(_read_item, (data, limits), limits.timeout_seconds)
        try:
            result = future.result()
        except FutureTimeout:
            return _item_overtime(limits)
        except ProcessExpired as died:
            return OutlookRead(broken=f"reading process died (exit {died.exitcode})")
        except Exception as error:  # the result could not be sent back (pickling)
            return OutlookRead(broken=f"reading process failed: {error}"[:300])
        return result if isinstance(result, OutlookRead) else OutlookRead(broken="reading failed")

    def close(self) -> None:
        """Stop the worker processes (they are started again on the next call)."""
        with self._lock:
            pool, self._pool = self._pool, None
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]
            pool.join()

    def __enter__(self) -> TimedExtractor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _schedule(
        self, function: Callable[..., Any], args: tuple[Any, ...] = (), timeout: float | None = None
    ) -> Future[Any]:
        pool = self._started()
        try:
            return pool.schedule(function, args=args, timeout=timeout)
        except RuntimeError:
            # The pool broke (its workers kept dying at start): begin a new one.
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.stop()  # type: ignore[no-untyped-call]
            return self._started().schedule(function, args=args, timeout=timeout)

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                methods = multiprocessing.get_all_start_methods()
                # fork is cheap and needs nothing importable (forkserver and spawn
                # would import the caller's __main__ again); elsewhere spawn works.
                context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
                self._pool = ProcessPool(
                    max_workers=self._workers, context=context, initializer=_yield_to_fetching
                )
                with _RUNNING_LOCK:
                    _RUNNING.add(self)
            return self._pool


@dataclass(frozen=True)
class ShippedRules:
    """Rules on their way to a child, pickled once in this process.

    A message's analysis needs the rules (the roster's names, the address book):
    pickled with every message they cost each side a millisecond, more with a
    province's roster. Pickled, this is the rules' pickle made once and its
    SHA-256; a child unpickles the rules the first time it meets that digest
    and keeps them (``_child_rules``).
    """

    rules: Rules
    digest: str
    blob: bytes

    @classmethod
    def of(cls, rules: Rules) -> ShippedRules:
        blob = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(rules, hashlib.sha256(blob).hexdigest(), blob)

    def __reduce__(self) -> tuple[Callable[[str, bytes], Rules], tuple[str, bytes]]:
        return _child_rules, (self.digest, self.blob)


#: In a child: the rules it was sent, by digest (the latest few).
_CHILD_RULES: dict[str, Rules] = {}
_CHILD_RULES_KEPT = 4


def _child_rules(digest: str, blob: bytes) -> Rules:
    """Return the rules of ``digest``, unpickled only the first time this process meets it."""
    rules = _CHILD_RULES.get(digest)
    if rules is None:
        if len(_CHILD_RULES) >= _CHILD_RULES_KEPT:
            _CHILD_RULES.clear()
        rules = _CHILD_RULES[digest] = pickle.loads(blob)
    return rules


def _stop_running() -> None:
    """At exit: stop the worker processes of every extractor nobody closed."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for extractor in running:
        extractor.close()


atexit.register(_stop_running)

#: Extraction is batch work: the process that fetches and stores mail goes first.
WORKER_NICENESS = 5


def _yield_to_fetching() -> None:
    """In a new child: run at a lower priority than the poll that feeds it."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def _overtime(limits: Limits) -> Extraction:
    return Extraction(
        ExtractStatus.REFUSED, "", f"extraction took over {limits.timeout_seconds:g} s"
    )


def _item_overtime(limits: Limits) -> OutlookRead:
    return OutlookRead(refused=f"reading the Outlook item took over {limits.timeout_seconds:g} s")


def _read_item(data: bytes, limits: Limits) -> OutlookRead:
    try:
        return read_outlook_item(data, limits)
    except BaseException as error:  # the child reports every failure as a value
        return OutlookRead(broken=f"{type(error).__name__}: {error}"[:300])


def _run(
    extract: Extract, filename: str, content_type: str, data: bytes, limits: Limits
) -> Extraction:
    try:
        return extract(filename, content_type, data, limits)
    except BaseException as error:  # the child reports every failure as a value
        return Extraction(ExtractStatus.ERROR, "", f"{type(error).__name__}: {error}"[:300])


def _analyse_file(
    extract: Extract, path: str, received_at: datetime, rules: Rules, blob_root: Path
) -> WorkerAnalysis:
    """In a child: analyse a stored raw message and store its attachments."""
    started = time.perf_counter()
    limited = _TimeLimited(extract)
    # A file read before (the same bytes, name suffix, readers and limits) is looked up.
    once = ReadOnce(limited, blob_root)
    analysis = analyse(
        Path(path).read_bytes(), received_at, rules, extract=once, read_item=limited.read_item
    )
    analysed = time.perf_counter()
    blobs = BlobStore(blob_root)
    # The fsyncs are left to the poll's threads: this process goes on reading.
    staged = [blobs.stage(attachment.data) for attachment in analysis.attachments]
    return WorkerAnalysis(
        summarise(analysis),
        {
            "parse_classify": analysed - started - limited.seconds,
            "extract": limited.seconds,
            "store_attachments": time.perf_counter() - analysed,
        },
        tuple(item for item in staged if item is not None),
    )


class _Overtime(BaseException):
    """Raised in a child by SIGALRM when a file is past its time limit."""


class _TimeLimited:
    """``extract`` in this process, refused past the time limit; counts the seconds spent."""

    def __init__(self, extract: Extract) -> None:
        self._extract = extract
        self.seconds = 0.0

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        began = time.perf_counter()
        try:
            with _deadline(limits.timeout_seconds):
                return self._extract(filename, content_type, data, limits)
        except _Overtime:
            return _overtime(limits)
        except Exception as error:
            return Extraction(ExtractStatus.ERROR, "", f"{type(error).__name__}: {error}"[:300])
        finally:
            self.seconds += time.perf_counter() - began

    def read_item(self, data: bytes, limits: Limits) -> OutlookRead:
        """Read an attached Outlook item in this process, refused past the time limit."""
        began = time.perf_counter()
        try:
            with _deadline(limits.timeout_seconds):
                return read_outlook_item(data, limits)
        except _Overtime:
            return _item_overtime(limits)
        finally:
            self.seconds += time.perf_counter() - began


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _Overtime after ``seconds``; end the process if that cannot get through."""

    fired = False

    def overtime(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        fired = True
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, overtime)
    # C code that never returns to the interpreter never sees the signal: this
    # watchdog thread needs no GIL and ends the process; the parent sees it die.
    faulthandler.dump_traceback_later(seconds + HARD_GRACE_SECONDS, exit=True, file=_sink())
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
    if fired:
        # The alarm came, but its exception was lost on the way: raised in a
        # __del__ or a callback run by the garbage collector, Python prints it and
        # goes on, and the file was read to the end. It is still past its time.
        raise _Overtime


_SINK: list[IO[str]] = []


def _sink() -> IO[str]:
    """Where the watchdog writes the tracebacks of a stuck child: nowhere."""
    if not _SINK:
        _SINK.append(open(os.devnull, "w"))  # noqa: SIM115 - kept open for the process
    return _SINK[0]
