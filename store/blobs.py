"""Content-addressed file storage for raw messages and attachments (owner-only: store.files)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from store.files import DIR_MODE, make_private_dir


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Staged:
    """A file written by ``BlobStore.stage`` that ``settle`` has yet to make durable."""

    digest: str
    tmp: str


class BlobStore:
    """Files named by the SHA-256 of their bytes: ``root/ab/abcdef…``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` durably (write, fsync, rename) and return its digest."""
        staged = self.stage(data)
        if staged is not None:
            self.settle(staged)
        return sha256_of(data) if staged is None else staged.digest

    def stage(self, data: bytes) -> Staged | None:
        """Write ``data`` beside its place, not yet durable nor under its name.

        ``settle`` makes it so (fsync, rename): a process that writes many files
        can leave the waits for the disk to another that has nothing else to do.
        None when the file is already stored.
        """
        digest = sha256_of(data)
        target = self.path_of(digest)
        if target.exists():
            return None
        if not target.parent.is_dir():
            make_private_dir(self.root)
            target.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        # mkstemp creates the file 0600 whatever the umask; the rename keeps it.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Staged(digest, tmp)

    def settle(self, staged: Staged) -> None:
        """Make a staged file durable, then give it its name (never a name before its bytes)."""
        try:
            with open(staged.tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(staged.tmp, self.path_of(staged.digest))
        except BaseException:
            Path(staged.tmp).unlink(missing_ok=True)
            raise

    def get(self, digest: str) -> bytes:
        return self.path_of(digest).read_bytes()
