"""Run document extraction in a child process with a wall-clock time limit.

``parsers.documents.extract_text`` is pure but may be slow on a pathological
file (a PDF crafted to make the text layout loop). The worker must not stall,
so the shell runs each extraction in a forked child and kills it past
``Limits.timeout_seconds``. Pass an instance as ``analyse(..., extract=...)``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Callable

from parsers.documents import Extraction, ExtractStatus, extract_text
from parsers.limits import Limits

Extract = Callable[[str, str, bytes, Limits], Extraction]


class TimedExtractor:
    """Call ``extract`` in a child process; a child past the limit is killed and refused."""

    def __init__(self, extract: Extract = extract_text) -> None:
        self._extract = extract
        methods = multiprocessing.get_all_start_methods()
        # fork is cheap and needs nothing importable; elsewhere spawn works too.
        self._context = (
            multiprocessing.get_context("fork")
            if "fork" in methods
            else multiprocessing.get_context("spawn")
        )

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_run,
            args=(self._extract, sender, filename, content_type, data, limits),
            daemon=True,
        )
        child.start()
        sender.close()
        try:
            if receiver.poll(limits.timeout_seconds):
                result = receiver.recv()
                if isinstance(result, Extraction):
                    return result
                return Extraction(ExtractStatus.ERROR, "", "extraction process failed")
            return Extraction(
                ExtractStatus.REFUSED, "", f"extraction took over {limits.timeout_seconds:g} s"
            )
        except (EOFError, OSError):
            return Extraction(
                ExtractStatus.ERROR, "", f"extraction process died (exit {child.exitcode})"
            )
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join(5)


def _run(
    extract: Extract,
    sender: multiprocessing.connection.Connection,
    filename: str,
    content_type: str,
    data: bytes,
    limits: Limits,
) -> None:
    try:
        sender.send(extract(filename, content_type, data, limits))
    except BaseException as error:  # the child reports every failure as a value
        sender.send(Extraction(ExtractStatus.ERROR, "", f"{type(error).__name__}: {error}"[:300]))
    finally:
        sender.close()
