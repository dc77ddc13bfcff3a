"""Read each file once: what a document reader found, kept by the file's SHA-256.

Units re-send the same file (a corrected mail, a CC, a forward, the same
document to two campaigns); reading a 40-page PDF again costs seconds, a
lookup costs a file open. ``ReadOnce`` wraps the extractor the worker uses:
before reading, it looks for what was read from the same bytes, under the same
name suffix and content type, by the same readers (``reader_version``) with the
same limits; after reading, it keeps the result. ``reprocess`` after an
upgrade of a reader (``READER_VERSION`` or a reader package) reads again,
because the key has changed.

Only outcomes that follow from the bytes are kept: text read, no text, a
password, a format not read. A file refused for its time limit or an error
(which may pass) is read again next time.

The results live beside the stored files, under ``<storage>/extracted/``, one
small JSON file each, written whole (temporary file, then rename) so that two
workers reading the same file at once never see half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path

from parsers.documents import READER_VERSION, Extraction, ExtractStatus, suffix_of
from parsers.limits import Limits
from store.files import DIR_MODE, make_private_dir

#: Outcomes that depend only on the bytes (and the readers): worth keeping.
KEPT = frozenset(
    {ExtractStatus.OK, ExtractStatus.EMPTY, ExtractStatus.ENCRYPTED, ExtractStatus.UNSUPPORTED}
)
#: The packages whose upgrade may change what is read.
READER_PACKAGES = ("pypdf", "python-docx", "pillow", "pillow-heif")
FOLDER = "extracted"

Extract = Callable[[str, str, bytes, Limits], Extraction]


@cache
def reader_version() -> str:
    """Return what identifies the readers: the project's own version of them, the reader
    packages' versions, and whether Tesseract is there to read scans."""
    versions = []
    for package in READER_PACKAGES:
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    ocr = "tesseract" if shutil.which("tesseract") else "no-tesseract"
    return ";".join([READER_VERSION, *versions, ocr])


def read_key(filename: str, content_type: str, data: bytes, limits: Limits) -> str:
    """Return the key of what reading ``data`` gives: bytes, how it is named, readers, limits."""
    digest = hashlib.sha256()
    for part in (suffix_of(filename), content_type.lower(), reader_version(), repr(limits)):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


class ReadOnce:
    """An extractor that reads each file once and looks up what it found afterwards."""

    def __init__(self, extract: Extract, storage: Path) -> None:
        self._extract = extract
        self._root = storage / FOLDER
        self.hits = 0

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        key = read_key(filename, content_type, data, limits)
        path = self._root / key[:2] / f"{key}.json"
        kept = _load(path)
        if kept is not None:
            self.hits += 1
            return kept
        found = self._extract(filename, content_type, data, limits)
        if found.status in KEPT:
            _keep(path, found)
        return found


def _load(path: Path) -> Extraction | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Extraction(ExtractStatus(data["status"]), str(data["text"]), str(data["reason"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not read yet, or unreadable: read the file again


def _keep(path: Path, found: Extraction) -> None:
    """Write what was read, whole or not at all; a failure only means reading again."""
    try:
        if not path.parent.is_dir():
            make_private_dir(path.parent.parent)
            path.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({**asdict(found), "status": found.status.value}, handle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
