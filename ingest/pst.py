"""Outlook .pst files: readpst (Debian pst-utils) writes one .eml file per message.

A .pst holds no message as it came over the wire: readpst builds each one again
from the stored headers and bodies, as a .eml file in a folder per Outlook
folder. The files go to a private temporary folder that is removed when the
import is done, whatever happened; they are then read like any folder of .eml
files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.commands.context import describe_os_error

#: readpst is given this many seconds, plus SECONDS_PER_MB for each MB of the file.
BASE_SECONDS = 120.0
SECONDS_PER_MB = 5.0
#: The temporary folder needs this many times the .pst's size free (bodies and
#: attachments written out, base64 making attachments a third bigger).
SPACE_FACTOR = 3
#: At most this much of readpst's error output is shown.
REASON_CHARS = 200


class PstUnreadable(Exception):
    """readpst is missing, or could not read the .pst at all (why, in Vietnamese)."""


@dataclass
class Converted:
    """The messages of a .pst as .eml files in a temporary folder (removed by ``close``)."""

    folder: Path
    #: Why readpst stopped after writing some messages (None: it read the whole file).
    stopped: str | None
    _holder: tempfile.TemporaryDirectory[str] = field(repr=False)

    def close(self) -> None:
        self._holder.cleanup()


def time_limit(size: int) -> float:
    """Return how many seconds readpst is given for a .pst of ``size`` bytes."""
    return BASE_SECONDS + SECONDS_PER_MB * size / (1024 * 1024)


def convert(path: Path, *, program: str = "readpst") -> Converted:
    """Convert the .pst at ``path`` into .eml files; PstUnreadable when nothing could be read."""
    found = shutil.which(program)
    if found is None:
        raise PstUnreadable(
            "cần chương trình readpst để đọc tệp .pst: hãy cài gói pst-utils "
            "(apt-get install pst-utils)"
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise PstUnreadable(describe_os_error(error)) from error
    holder = tempfile.TemporaryDirectory(prefix="cchc-pst-")
    try:
        folder = Path(holder.name)
        free = shutil.disk_usage(folder).free
        if free < SPACE_FACTOR * size:
            raise PstUnreadable(
                f"không đủ chỗ trống trong {tempfile.gettempdir()} để chuyển đổi "
                f"(cần khoảng {SPACE_FACTOR * size // (1024 * 1024) + 1} MB, còn "
                f"{free // (1024 * 1024)} MB; đặt TMPDIR sang nơi khác)"
            )
        stopped = _run(found, path, folder, time_limit(size))
        if stopped is not None and not any(p.is_file() for p in folder.rglob("*")):
            raise PstUnreadable(f"readpst không đọc được tệp: {stopped}")
        return Converted(folder, stopped, holder)
    except BaseException:
        holder.cleanup()
        raise


def _run(program: str, path: Path, folder: Path, limit: float) -> str | None:
    """Run readpst; return why it failed (its own words), None when it succeeded."""
    # -e: one .eml file per message; -t e: mail only (no contacts, calendars);
    # -b: no rtf-body.rtf attachment beside the text; -j 0: no child processes
    # (a timeout then stops all of readpst); -q: no progress on stdout.
    # An absolute path: a name starting with "-" is never taken for an option.
    command = [program, "-e", "-q", "-b", "-t", "e", "-j", "0", "-o", str(folder)]
    try:
        done = subprocess.run(
            [*command, str(path.absolute())],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"readpst chạy quá {limit:.0f} giây"
    except OSError as error:
        return f"không chạy được readpst: {describe_os_error(error)}"
    if done.returncode == 0:
        return None
    # readpst writes some of its errors ("Error opening File") to standard output.
    return _reason(done.stderr + b"\n" + done.stdout, done.returncode)


def _reason(output: bytes, code: int) -> str:
    """Return the last line readpst said, fit to print, or its exit code."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines()]
    said = [line for line in lines if line]
    if not said:
        return f"readpst thoát với mã {code}"
    text = "".join("\ufffd" if ord(c) < 32 or ord(c) == 127 else c for c in said[-1])
    return text[:REASON_CHARS]
