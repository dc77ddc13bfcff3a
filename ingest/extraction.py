"""Run document extraction in worker processes, each file with a wall-clock time limit.

``parsers.documents.extract_text`` is pure but may be slow on a pathological
file (a PDF crafted to make the text layout loop). The worker must not stall,
so the shell runs each extraction in a persistent pool of child processes (one
per core) and kills the child that runs past ``Limits.timeout_seconds``; the
pool replaces it. Calls may come from several threads at once: that is how the poll
extracts the documents of several messages in parallel. Pass an instance as
``analyse(..., extract=...)`` and ``close()`` it when done.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from parsers.documents import Extraction, ExtractStatus, extract_text
from parsers.limits import Limits

Extract = Callable[[str, str, bytes, Limits], Extraction]


class TimedExtractor:
    """Call ``extract`` in a pooled child process; a child past the limit is killed."""

    def __init__(self, extract: Extract = extract_text, workers: int | None = None) -> None:
        self._extract = extract
        self._workers = workers or os.cpu_count() or 1
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    @property
    def workers(self) -> int:
        return self._workers

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        future = self._started().schedule(
            _run,
            args=(self._extract, filename, content_type, data, limits),
            timeout=limits.timeout_seconds,
        )
        try:
            result = future.result()
        except FutureTimeout:
            return Extraction(
                ExtractStatus.REFUSED, "", f"extraction took over {limits.timeout_seconds:g} s"
            )
        except ProcessExpired as died:
            return Extraction(
                ExtractStatus.ERROR, "", f"extraction process died (exit {died.exitcode})"
            )
        except Exception as error:  # the result could not be sent back (pickling)
            return Extraction(ExtractStatus.ERROR, "", f"extraction process failed: {error}"[:300])
        if isinstance(result, Extraction):
            return result
        return Extraction(ExtractStatus.ERROR, "", "extraction process failed")

    def close(self) -> None:
        """Stop the worker processes (they are started again on the next call)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]
            pool.join()

    def __enter__(self) -> TimedExtractor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                methods = multiprocessing.get_all_start_methods()
                # fork is cheap and needs nothing importable (forkserver and spawn
                # would import the caller's __main__ again); elsewhere spawn works.
                context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
                self._pool = ProcessPool(max_workers=self._workers, context=context)
                atexit.register(self.close)
            return self._pool


def _run(
    extract: Extract, filename: str, content_type: str, data: bytes, limits: Limits
) -> Extraction:
    try:
        return extract(filename, content_type, data, limits)
    except BaseException as error:  # the child reports every failure as a value
        return Extraction(ExtractStatus.ERROR, "", f"{type(error).__name__}: {error}"[:300])
