"""Rasterise the first pages of a PDF once and read them with Tesseract, several at a time.

One pdftoppm run draws pages 1..N and streams them as PGM images; each image goes
to a file in the caller's private folder and, once complete, to a Tesseract
process, at most ``workers`` at once. One thread drives it all with a selector
over the children's pipes: a signal in the caller (the extraction worker's
SIGALRM) gets through between two events, and every child still running is
killed on the way out, whatever ends the run.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from typing import IO

# pdftoppm writes "P5\n<width> <height>\n<maxval>\n" before each page's pixels.
_HEADER = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s")
_CHUNK = 1 << 20
# One thread per Tesseract: the pages already run in parallel, and its OpenMP threads
# spin against each other. Six pages on two busy cores: 34 s one after another and
# 25 s two at a time with OpenMP, 7.7 s and 7.4 s without.
_ENVIRONMENT = {"OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class PageTexts:
    # The text of each page in order; None for a page not read.
    texts: tuple[str | None, ...]
    # Why reading stopped before the last page ("time limit", a tool's error), or "".
    stopped: str


@dataclass(frozen=True)
class Commands:
    # pdftoppm's command without the page range and the file; tesseract's after the image.
    pdftoppm: tuple[str, ...]
    tesseract: str
    tesseract_options: tuple[str, ...]


def read_pages(
    commands: Commands, pdf: str, folder: str, wanted: int, workers: int, deadline: float
) -> PageTexts:
    """Return the text of pages 1..``wanted`` of ``pdf``, read until ``deadline`` (monotonic)."""
    if wanted < 1:
        return PageTexts((), "")
    run = _Run(commands, folder, wanted, max(workers, 1))
    try:
        return run.read(pdf, deadline)
    finally:
        run.close()


class PageImages:
    """Cut pdftoppm's stream of PGM pages into one file per page."""

    def __init__(self, folder: str) -> None:
        self._folder = folder
        self._header = bytearray()
        self._file: IO[bytes] | None = None
        self._left = 0
        self.made = 0

    def feed(self, chunk: bytes) -> list[tuple[int, str]]:
        """Write ``chunk`` out; return the numbers and paths of the pages it completes."""
        done: list[tuple[int, str]] = []
        view = memoryview(chunk)
        while view:
            if self._file is None:
                self._header += view
                view = view[len(view) :]
                match = _HEADER.match(self._header)
                if match is None:
                    if len(self._header) > 64 or not b"P5".startswith(self._header[:2]):
                        raise ToolFailed("pdftoppm wrote no PGM image")
                    continue
                width, height, maxval = (int(value) for value in match.groups())
                self._left = width * height * (1 if maxval < 256 else 2)
                self.made += 1
                self._file = open(self._path(self.made), "wb")  # noqa: SIM115 - closed below
                self._file.write(self._header[: match.end()])
                view = memoryview(bytes(self._header[match.end() :]))
                self._header.clear()
            part = view[: self._left]
            self._file.write(part)
            self._left -= len(part)
            view = view[len(part) :]
            if self._left == 0:
                self._file.close()
                self._file = None
                done.append((self.made, self._path(self.made)))
        return done

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def _path(self, number: int) -> str:
        return os.path.join(self._folder, f"page-{number}.pgm")


class ToolFailed(Exception):
    """pdftoppm or tesseract exited with an error."""


@dataclass
class _Ocr:
    page: int
    image: str
    process: subprocess.Popen[bytes]
    chunks: list[bytes]


class _Run:
    """One read of a scan's pages: the children it started and what they wrote."""

    def __init__(self, commands: Commands, folder: str, wanted: int, workers: int) -> None:
        self._commands = commands
        self._folder = folder
        self._wanted = wanted
        self._workers = workers
        self._texts: list[str | None] = [None] * wanted
        self._ready: deque[tuple[int, str]] = deque()
        self._children: list[subprocess.Popen[bytes]] = []
        self._selector = selectors.DefaultSelector()
        self._images = PageImages(folder)
        self._raster: subprocess.Popen[bytes] | None = None
        self._reading_raster = False
        self._stopped = ""
        self._failed = False  # a page could not be read: no other page is started

    def read(self, pdf: str, deadline: float) -> PageTexts:
        pages = ("-f", "1", "-l", str(self._wanted))
        try:
            self._raster = self._start([*self._commands.pdftoppm, *pages, pdf], "pdftoppm")
        except OSError as error:
            return PageTexts(tuple(self._texts), str(error)[:200])
        while True:
            self._start_pages()
            self._pace_raster()
            if not self._selector.get_map():
                break
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop("time limit")
                break
            for key, _ in self._selector.select(left):
                if isinstance(key.data, _Ocr):
                    self._on_page(key.data)
                else:
                    self._on_raster()
        return PageTexts(tuple(self._texts), self._stopped)

    def close(self) -> None:
        """Kill and reap every child still running; close the pipes."""
        for child in self._children:
            if child.poll() is None:
                child.kill()
        for child in self._children:
            child.wait()
            if child.stdout is not None:
                child.stdout.close()
        self._selector.close()
        self._images.close()

    def _start(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        with open(os.path.join(self._folder, f"{name}.err"), "wb") as errors:
            child = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env={**os.environ, **_ENVIRONMENT},
            )
        self._children.append(child)
        return child

    def _start_pages(self) -> None:
        while self._ready and not self._failed and len(self._running()) < self._workers:
            page, image = self._ready.popleft()
            command = [self._commands.tesseract, image, "-", *self._commands.tesseract_options]
            try:
                process = self._start(command, f"tesseract-{page}")
            except OSError as error:
                self._fail(str(error)[:200])
                return
            assert process.stdout is not None
            reading = _Ocr(page, image, process, [])
            self._selector.register(process.stdout, selectors.EVENT_READ, reading)

    def _running(self) -> list[_Ocr]:
        return [key.data for key in self._selector.get_map().values() if isinstance(key.data, _Ocr)]

    def _pace_raster(self) -> None:
        # Draw at most ``workers`` pages ahead of the readers: the images wait on disk.
        raster = self._raster
        if raster is None or raster.stdout is None or raster.stdout.closed:
            return
        wanted = len(self._ready) < self._workers and not self._failed
        if wanted and not self._reading_raster:
            self._selector.register(raster.stdout, selectors.EVENT_READ, None)
        elif not wanted and self._reading_raster:
            self._selector.unregister(raster.stdout)
        self._reading_raster = wanted

    def _on_raster(self) -> None:
        raster = self._raster
        assert raster is not None and raster.stdout is not None
        chunk = os.read(raster.stdout.fileno(), _CHUNK)
        if chunk:
            try:
                self._ready.extend(self._images.feed(chunk))
            except ToolFailed as error:
                self._end_raster()
                self._stop(str(error))
            return
        self._end_raster()
        code = raster.wait()
        if code != 0:
            self._stop(_failure("pdftoppm", code, self._folder, "pdftoppm"))
        elif self._images.made < self._wanted:
            self._stop(f"pdftoppm made {self._images.made} of {self._wanted} pages")

    def _end_raster(self) -> None:
        raster = self._raster
        if raster is None or raster.stdout is None or raster.stdout.closed:
            return
        if self._reading_raster:
            self._selector.unregister(raster.stdout)
            self._reading_raster = False
        raster.stdout.close()
        if raster.poll() is None:
            raster.kill()

    def _on_page(self, ocr: _Ocr) -> None:
        assert ocr.process.stdout is not None
        chunk = os.read(ocr.process.stdout.fileno(), _CHUNK)
        if chunk:
            ocr.chunks.append(chunk)
            return
        self._selector.unregister(ocr.process.stdout)
        ocr.process.stdout.close()
        code = ocr.process.wait()
        os.unlink(ocr.image)  # read: its 8 MB need not wait for the others
        if code == 0:
            self._texts[ocr.page - 1] = b"".join(ocr.chunks).decode("utf-8", "replace")
        else:
            self._fail(_failure("tesseract", code, self._folder, f"tesseract-{ocr.page}"))

    def _fail(self, reason: str) -> None:
        """Start no other page; the pages being read finish."""
        self._failed = True
        self._ready.clear()
        self._end_raster()
        self._stop(reason)

    def _stop(self, reason: str) -> None:
        self._stopped = self._stopped or reason


def _failure(name: str, code: int, folder: str, log: str) -> str:
    try:
        with open(os.path.join(folder, f"{log}.err"), "rb") as errors:
            lines = errors.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
    except OSError:
        lines = []
    return f"{name} failed (exit {code}): {' '.join(lines[-2:])}"[:200]
