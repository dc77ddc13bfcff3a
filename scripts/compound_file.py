"""Write an OLE compound file (CFB v3) with storages, small and large streams.

No Python library writes compound files (olefile only edits streams in place),
and an Outlook item (.msg) is one: nested storages, most streams under the
4096-byte cutoff, so they live in the mini stream. Used by the test corpus only.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field

_END, _FREE, _FATSECT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096

# A tree of storages: a name maps to a stream's bytes or to a nested storage.
Tree = dict[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    start: int = _END
    left: int = _NONE
    right: int = _NONE
    child: int = _NONE


def compound_file(tree: Tree) -> bytes:
    """Return the bytes of a compound file holding ``tree`` under its root storage."""
    entries = [_Entry("Root Entry", 5)]
    _add(entries, 0, tree)
    for entry in entries:
        _link_children(entries, entry)
    fat: list[int] = []
    sectors: list[bytes] = []

    def chain(data: bytes, size: int, table: list[int], out: list[bytes]) -> int:
        if not data:
            return _END
        padded = data + b"\0" * (-len(data) % size)
        first, count = len(out), len(padded) // size
        for i in range(count):
            out.append(padded[i * size : (i + 1) * size])
            table.append(first + i + 1 if i < count - 1 else _END)
        return first

    minifat: list[int] = []
    mini: list[bytes] = []
    for entry in entries[1:]:
        if entry.kind == 2:
            if len(entry.data) < _CUTOFF:
                entry.start = chain(entry.data, _MINI, minifat, mini)
            else:
                entry.start = chain(entry.data, _SECTOR, fat, sectors)
    mini_stream = b"".join(mini)
    entries[0].start = chain(mini_stream, _SECTOR, fat, sectors)
    entries[0].data = mini_stream
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_bytes += struct.pack("<I", _FREE) * (-len(minifat) % 128)
    first_minifat = chain(minifat_bytes, _SECTOR, fat, sectors)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _EMPTY_ENTRY * (-len(entries) % 4)
    first_directory = chain(directory, _SECTOR, fat, sectors)
    fat_count = 1
    while fat_count * 128 < len(sectors) + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound file too large for this writer (no DIFAT sectors)")
    fat_sectors = list(range(len(sectors), len(sectors) + fat_count))
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * 128 - len(fat))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_count,
            first_directory,
            0,
            _CUTOFF,
            first_minifat,
            len(minifat_bytes) // _SECTOR,
            _END,
            0,
        )
        + struct.pack("<109I", *(fat_sectors + [_FREE] * (109 - fat_count)))
    )
    return header + b"".join(sectors) + struct.pack(f"<{len(fat)}I", *fat)


def _add(entries: list[_Entry], parent: int, tree: Tree) -> None:
    for name, value in tree.items():
        index = len(entries)
        entries[parent].children.append(index)
        if isinstance(value, bytes):
            entries.append(_Entry(name, 2, value))
        else:
            entries.append(_Entry(name, 1))
            _add(entries, index, value)


def _link_children(entries: list[_Entry], entry: _Entry) -> None:
    """Chain a storage's children as a right-leaning tree, in the order CFB compares names."""
    ordered = sorted(entry.children, key=lambda i: (len(entries[i].name), entries[i].name.upper()))
    if not ordered:
        return
    entry.child = ordered[0]
    for this, following in itertools.pairwise(ordered):
        entries[this].right = following


def _dir_entry(entry: _Entry) -> bytes:
    encoded = (entry.name + "\0").encode("utf-16-le")
    size = len(entry.data) if entry.kind in (2, 5) else 0
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), entry.kind, 1)
        + struct.pack("<III", entry.left, entry.right, entry.child)
        + b"\0" * 36
        + struct.pack("<IQ", entry.start if entry.kind != 1 else 0, size)
    )


_EMPTY_ENTRY = (
    b"\0" * 64
    + struct.pack("<HBB", 0, 0, 0)
    + struct.pack("<III", *[_NONE] * 3)
    + (b"\0" * 36 + struct.pack("<IQ", 0, 0))
)
