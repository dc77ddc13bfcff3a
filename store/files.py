"""Owner-only files and folders: the register and every copy of it hold personal data.

Mail, attachments, the SQLite database and exported reports name officials and
carry their documents. Whatever the umask of the person running a command,
what the service writes is readable by its owner only (folders 0700, files 0600);
sharing a copy is a deliberate `chmod`.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; the folder itself is owner-only.

    Parents are created like ``mkdir -p`` does: they are the administrator's
    folders (/var/lib/…), not the register's.
    """
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=DIR_MODE, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file at ``path`` unless one is there already."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, which is owner-only afterwards (a regular file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        _restrict(handle.fileno())
        handle.write(data)


def copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, which is owner-only afterwards."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
        _restrict(out.fileno())
        shutil.copyfileobj(handle, out)


def _restrict(fd: int) -> None:
    # A file that was already there keeps its mode through O_CREAT: narrow it. Only
    # a regular file: `--output /dev/stdout` must not change the terminal's mode.
    if stat.S_ISREG(os.fstat(fd).st_mode):
        os.fchmod(fd, FILE_MODE)
