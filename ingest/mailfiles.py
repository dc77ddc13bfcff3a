"""Read exported mail from disk: an mbox file, a Maildir, a folder of .eml files, a .pst.

The standard library's ``mailbox`` reads mbox and Maildir: an mbox is scanned
once for where its messages start, then each message is read by its offset, so
a 2 GB file is never held in memory. Each item is a message's bytes (CRLF line
ends, as IMAP would give them) or the reason it was skipped, with where it was.
An Outlook .pst is converted by readpst (ingest.pst) into a temporary folder of
.eml files, read like any other and removed by ``close``.
"""

from __future__ import annotations

import enum
import mailbox
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.commands.context import describe_os_error
from ingest.pst import Converted, PstUnreadable, convert
from parsers.exported import canonical, is_mail, steady_boundaries, truncation


class Kind(enum.StrEnum):
    MBOX = "mbox"
    MAILDIR = "maildir"
    EML = "eml"  # a folder of .eml files, or one .eml file
    PST = "pst"  # an Outlook .pst, converted by readpst


#: How each kind is named to staff.
KIND_LABELS = {
    Kind.MBOX: "tệp mbox",
    Kind.MAILDIR: "thư mục Maildir",
    Kind.EML: "thư mục tệp .eml",
    Kind.PST: "tệp Outlook .pst",
}


#: Outlook's own files not read here: named in the refusal.
OUTLOOK_SUFFIXES = frozenset({".ost", ".msg"})
#: How a .pst starts (its header's dwMagic), whatever its name.
PST_MAGIC = b"!BDN"


@dataclass(frozen=True)
class Found:
    """A message read from the export: where it was, and its bytes (CRLF line ends)."""

    where: str
    raw: bytes


@dataclass(frozen=True)
class Skipped:
    """An item of the export that is not a readable message, and why (in Vietnamese)."""

    where: str
    problem: str


class NotAnExport(Exception):
    """The path is missing, unreadable, or none of the kinds read here (Vietnamese)."""


class MailFiles:
    """An export on disk: its kind, how many items it holds, and the items in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = detect(path)
        self._keys: list[str] = []
        self._files: list[Path] = []
        self._unlisted: list[Skipped] = []
        self._box: mailbox.Mailbox[mailbox.Message] | None = None
        self._converted: Converted | None = None
        if self.kind is Kind.PST:
            self._convert()
            return
        try:
            if self.kind is Kind.MBOX:
                self._box = mailbox.mbox(path, create=False)
                self._keys = list(self._box.iterkeys())  # one scan for the offsets
            elif self.kind is Kind.MAILDIR:
                self._box = mailbox.Maildir(path, factory=None, create=False)
                self._keys = sorted(self._box.iterkeys())
            elif path.is_file():
                self._files = [path]
            else:
                self._files = list(_walk(path, self._unlisted))
        except OSError as error:
            raise NotAnExport(f"không đọc được {shown(path)}: {_os_problem(error)}") from error

    @property
    def total(self) -> int:
        """How many items the export holds (messages and skipped files)."""
        return len(self._keys) + len(self._files) + len(self._unlisted)

    def items(self) -> Iterator[Found | Skipped]:
        """Yield each message, or why it was skipped, in the export's order."""
        yield from self._unlisted
        if self._box is not None:
            for number, key in enumerate(self._keys, start=1):
                yield self._read_key(number, key)
            return
        for file in self._files:
            yield self._read_file(file)

    def close(self) -> None:
        if self._box is not None:
            self._box.close()
        if self._converted is not None:
            self._converted.close()  # the temporary .eml files go, always

    def _convert(self) -> None:
        try:
            converted = convert(self.path)
        except PstUnreadable as error:
            raise NotAnExport(f"{shown(self.path)}: {error}") from error
        self._converted = converted
        try:
            self._files = list(_walk(converted.folder, self._unlisted))
        except BaseException:
            converted.close()
            raise
        if converted.stopped is not None:
            self._unlisted.append(
                Skipped(shown(self.path), f"readpst dừng giữa chừng: {converted.stopped}")
            )

    def _where(self, file: Path) -> str:
        """Return where a file is; for a .pst, the Outlook folder and number inside it."""
        if self._converted is None:
            return shown(file)
        return f"{shown(self.path)} › {shown(file.relative_to(self._converted.folder))}"

    def _read_key(self, number: int, key: str) -> Found | Skipped:
        assert self._box is not None
        if self.kind is Kind.MBOX:
            where = f"thư thứ {number} trong {shown(self.path)}"
        else:
            where = shown(self.path / _maildir_subpath(self._box, key))
        try:
            raw = self._box.get_bytes(key)
        except (OSError, KeyError) as error:
            return Skipped(where, _os_problem(error) if isinstance(error, OSError) else "mất tệp")
        return _checked(where, raw)

    def _read_file(self, file: Path) -> Found | Skipped:
        where = self._where(file)
        try:
            raw = file.read_bytes()
        except OSError as error:
            return Skipped(where, _os_problem(error))
        if self.kind is Kind.PST:
            raw = steady_boundaries(raw)
        return _checked(where, raw)


def shown(path: Path | str) -> str:
    """Return a path as text fit to print and store: a byte that is not UTF-8 and a
    control character (an ESC in a file's name) each become U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") else c for c in str(path))


def detect(path: Path) -> Kind:
    """Return the kind of export at ``path``; NotAnExport when it is none of them."""
    if not path.exists():
        raise NotAnExport(f"không có tệp hay thư mục {shown(path)}")
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return Kind.MAILDIR
        if not os.access(path, os.R_OK | os.X_OK):
            raise NotAnExport(f"không đọc được thư mục {shown(path)}: không có quyền đọc")
        return Kind.EML
    if path.suffix.lower() == ".pst":
        return Kind.PST
    if path.suffix.lower() in OUTLOOK_SUFFIXES:
        raise NotAnExport(
            f"{shown(path)}: tệp Outlook {path.suffix.lower()} chưa đọc được; "
            "hãy xuất hộp thư ra tệp .pst, mbox hoặc .eml"
        )
    try:
        with path.open("rb") as handle:
            start = handle.read(64 * 1024)
    except OSError as error:
        raise NotAnExport(f"không đọc được {shown(path)}: {_os_problem(error)}") from error
    if start.startswith(b"From "):
        return Kind.MBOX
    if start.startswith(PST_MAGIC):
        return Kind.PST
    if is_mail(start):
        return Kind.EML
    raise NotAnExport(
        f"{shown(path)} không phải tệp mbox, thư mục Maildir hay thư mục/tệp .eml "
        "(tệp mbox bắt đầu bằng dòng “From ”)"
    )


def _checked(where: str, raw: bytes) -> Found | Skipped:
    if not is_mail(raw):
        return Skipped(where, "không phải thư điện tử")
    cut = truncation(raw)
    if cut is not None:
        return Skipped(where, cut)
    return Found(where, canonical(raw))


def _walk(folder: Path, unreadable: list[Skipped]) -> Iterator[Path]:
    """Yield the files of ``folder`` and its sub-folders, sorted, hidden ones left out."""

    def refused(error: OSError) -> None:
        unreadable.append(Skipped(shown(error.filename or folder), _os_problem(error)))

    for top, folders, files in os.walk(folder, onerror=refused):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(top) / name


def _maildir_subpath(box: mailbox.Mailbox[mailbox.Message], key: str) -> str:
    """Return where a Maildir key's file is ("cur/…"), for the report."""
    lookup = getattr(box, "_lookup", None)  # mailbox.Maildir keeps it private
    try:
        return str(lookup(key)) if lookup is not None else key
    except KeyError:
        return key


def _os_problem(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "không có quyền đọc"
    return describe_os_error(error)
