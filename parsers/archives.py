"""Unpack archives (.zip, .7z, .rar, winmail.dat) in memory, within limits, into members."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import zipfile
from dataclasses import dataclass

from parsers.headers import decode_bytes
from parsers.limits import Limits
from parsers.text import nfc

ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z"})
# Files that archivers add and nobody sends on purpose.
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class Member:
    # The member's path inside the archive, decoded; shown, never used as a path.
    path: str
    data: bytes
    encrypted: bool = False


@dataclass(frozen=True)
class Unpacked:
    members: tuple[Member, ...] = ()
    # Why nothing was unpacked: over a limit (refused) or no unpacker (unsupported).
    refused: str | None = None
    unsupported: str | None = None
    broken: str | None = None
    encrypted: str | None = None


_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
_RAR_TYPES = frozenset({"application/vnd.rar", "application/x-rar-compressed", "application/x-rar"})


def container_kind(filename: str, suffix: str, content_type: str) -> str | None:
    """Return ".zip", ".rar", ".7z" or ".tnef" for a file that holds other files."""
    if suffix in ARCHIVE_SUFFIXES:
        return suffix
    if content_type in _TNEF_TYPES or filename.lower() == "winmail.dat":
        return ".tnef"
    if content_type in _ZIP_TYPES:
        return ".zip"
    if content_type in _RAR_TYPES:
        return ".rar"
    return None


def unpack(kind: str, data: bytes, limits: Limits) -> Unpacked:
    """Return the members of an archive, or why they were not unpacked (never raises)."""
    readers = {".zip": _zip, ".7z": _seven_zip, ".rar": _rar, ".tnef": _tnef}
    reader = readers.get(kind)
    if reader is None:
        return Unpacked(unsupported=f"no unpacker for {kind} on this machine")
    try:
        return reader(data, limits)
    except MemoryError:
        return Unpacked(refused="out of memory while unpacking")
    except Exception as error:  # zlib, struct, lzma errors from a crafted archive
        return Unpacked(broken=f"{type(error).__name__}: {error}"[:300])


def _zip(data: bytes, limits: Limits) -> Unpacked:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refusal = check_zip(archive, limits)
        if refusal:
            return Unpacked(refused=refusal)
        return _read_members(archive, limits)


def _seven_zip(data: bytes, limits: Limits) -> Unpacked:
    try:
        import py7zr
        import py7zr.io
    except ImportError:
        return Unpacked(unsupported="no unpacker for .7z on this machine (py7zr)")
    with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
        if archive.needs_password():
            return Unpacked(encrypted="password-protected 7z archive")
        files = [info for info in archive.list() if not info.is_directory]
        total = sum(info.uncompressed or 0 for info in files)
        if len(files) > limits.max_members:
            return Unpacked(refused=f"too many members ({len(files)} > {limits.max_members})")
        if total > limits.max_unpacked_bytes:
            return Unpacked(refused=f"unpacks to {total} bytes (limit {limits.max_unpacked_bytes})")
        if total > 1_000_000 and total > limits.max_ratio * len(data):
            return Unpacked(refused=f"compression ratio over {limits.max_ratio}:1 ({total} bytes)")
        ceiling = min(limits.max_file_bytes, limits.max_unpacked_bytes)
        # The factory stops storing past ``ceiling``; a member that reaches it lied.
        factory = py7zr.io.BytesIOFactory(ceiling + 1)
        archive.extract(factory=factory)
    members = []
    for path, product in factory.products.items():
        if product.size() > ceiling:
            return Unpacked(refused=f"member {path!r} inflates past its limit")
        product.seek(0)
        members.append(Member(nfc(path), product.read()))
    return Unpacked(members=tuple(m for m in members if not _is_junk(m.path)))


def _rar(data: bytes, limits: Limits) -> Unpacked:
    from parsers import rar

    unpacked = rar.unpack_in_child(data, limits)
    return dataclasses.replace(
        unpacked, members=tuple(m for m in unpacked.members if not _is_junk(m.path))
    )


def _tnef(data: bytes, limits: Limits) -> Unpacked:
    try:
        from tnefparse.tnef import TNEF
    except ImportError:
        return Unpacked(unsupported="no reader for winmail.dat on this machine (tnefparse)")
    parsed = TNEF(data, do_checksum=False)
    if len(parsed.attachments) > limits.max_members:
        return Unpacked(refused=f"too many members ({len(parsed.attachments)})")
    members = []
    for attachment in parsed.attachments:
        try:
            name = attachment.long_filename() or "attachment"
        except UnicodeDecodeError:
            # tnefparse decodes the short name as UTF-8; Outlook wrote its code page.
            name = getattr(attachment, "_name", b"") or b"attachment"
        if isinstance(name, bytes):
            name = decode_bytes(name.rstrip(b"\0"))
        members.append(Member(nfc(str(name).rstrip("\0")), bytes(attachment.data or b"")))
    return Unpacked(members=tuple(members))


def _is_junk(path: str) -> bool:
    return any(junk in path for junk in _JUNK)


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    """Return why a ZIP container is too costly to open by what it declares, or None."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        return f"too many members ({len(infos)} > {limits.max_members})"
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        return f"unpacks to {total} bytes (limit {limits.max_unpacked_bytes})"
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            return f"compression ratio over {limits.max_ratio}:1 ({info.file_size} bytes)"
    return None


def read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
    """Read one member, or None when it inflates past ``budget`` (sizes can lie)."""
    with archive.open(info) as stream:
        data = stream.read(budget + 1)
    return None if len(data) > budget else data


def _read_members(archive: zipfile.ZipFile, limits: Limits) -> Unpacked:
    budget = limits.max_unpacked_bytes
    members: list[Member] = []
    for info in archive.infolist():
        path = member_path(info)
        if info.is_dir() or _is_junk(path):
            continue
        if info.flag_bits & 0x1:
            members.append(Member(path, b"", encrypted=True))
            continue
        data = read_bounded(archive, info, min(budget, limits.max_file_bytes))
        if data is None:
            return Unpacked(refused=f"member {path!r} inflates past its limit")
        budget -= len(data)
        members.append(Member(path, data))
    return Unpacked(members=tuple(members))


def member_path(info: zipfile.ZipInfo) -> str:
    """Return a member's name as the sender's archiver meant it."""
    name = info.filename
    if not info.flag_bits & 0x800:
        # No UTF-8 flag: zipfile read the bytes as cp437; Windows wrote the local code page.
        with contextlib.suppress(UnicodeEncodeError):
            name = decode_bytes(name.encode("cp437"))
    return nfc(name)
