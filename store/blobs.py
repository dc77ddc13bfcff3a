"""Content-addressed file storage for raw messages and attachments (owner-only: store.files)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from store.files import DIR_MODE, make_private_dir


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Files named by the SHA-256 of their bytes: ``root/ab/abcdef…``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` durably (write, fsync, rename) and return its digest."""
        digest = sha256_of(data)
        target = self.path_of(digest)
        if target.exists():
            return digest
        if not target.parent.is_dir():
            make_private_dir(self.root)
            target.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        # mkstemp creates the file 0600 whatever the umask; the rename keeps it.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        return self.path_of(digest).read_bytes()
