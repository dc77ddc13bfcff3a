"""Unpack RAR archives (RAR4 and RAR5) with libarchive, in a child process.

libarchive is C, and its RAR decoders have had memory-safety bugs. Archives are
unpacked in the poller itself (only documents go to the extraction pool), so a
hostile RAR is read by ``python -m parsers.rar`` instead: a crash or a hang costs
that child, not the poller, and the message gets a status. The child reads the
archive from stdin into memory and writes nothing to disk, so no member path can
escape; it sends back one JSON line (the outcome and each member's path and size)
followed by the members' bytes.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import subprocess
import sys
from typing import Any

from parsers.archives import Member, Unpacked
from parsers.limits import Limits
from parsers.text import nfc

RAR5 = b"Rar!\x1a\x07\x01\x00"
RAR4 = b"Rar!\x1a\x07\x00"
_BLOCK = 1024 * 1024


def unpack_in_child(data: bytes, limits: Limits) -> Unpacked:
    """Return the members of a RAR archive, read by a child process (never raises)."""
    if not data.startswith((RAR5, RAR4)):
        return Unpacked(broken="not a RAR archive")
    # A UTF-8 locale: libarchive converts RAR's UTF-16 names through it.
    environment = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "parsers.rar", json.dumps(dataclasses.asdict(limits))],
            input=data,
            capture_output=True,
            timeout=limits.timeout_seconds,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Unpacked(refused=f"unpacking took over {limits.timeout_seconds:g} s")
    except OSError as error:
        return Unpacked(unsupported=f"no unpacker for .rar on this machine ({error})"[:300])
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else ""
        return Unpacked(broken=f"RAR unpacker failed (exit {done.returncode}) {last}"[:300])
    return decode(done.stdout)


def read_rar(data: bytes, limits: Limits) -> Unpacked:
    """Return the members of a RAR archive, read in this process with libarchive."""
    try:
        import libarchive
    except Exception:  # no libarchive-c, or no libarchive.so for it to load
        return Unpacked(unsupported="no unpacker for .rar on this machine (libarchive)")
    # Named, not detected: libarchive 3.6 takes a RAR holding a ZIP for the ZIP.
    format_name = "rar5" if data.startswith(RAR5) else "rar"
    ceiling = min(limits.max_file_bytes, limits.max_unpacked_bytes)
    # RAR headers may lie about sizes: count the bytes actually inflated.
    ratio_cap = max(1_000_000, limits.max_ratio * len(data))
    members: list[Member] = []
    entries = total = 0
    try:
        with libarchive.memory_reader(data, format_name=format_name) as archive:
            for entry in archive:
                entries += 1
                if entries > limits.max_members:
                    return Unpacked(refused=f"too many members (over {limits.max_members})")
                if not entry.isreg:
                    continue  # folders and links
                path = nfc(entry.pathname or f"member-{entries}")
                if _is_encrypted(libarchive, entry):
                    members.append(Member(path, b"", encrypted=True))
                    continue
                chunks: list[bytes] = []
                size = 0
                for block in entry.get_blocks(_BLOCK):
                    size += len(block)
                    total += len(block)
                    if size > ceiling:
                        return Unpacked(refused=f"member {path!r} inflates past its limit")
                    if total > limits.max_unpacked_bytes:
                        return Unpacked(
                            refused=f"unpacks past {limits.max_unpacked_bytes} bytes (limit)"
                        )
                    if total > ratio_cap:
                        return Unpacked(refused=f"compression ratio over {limits.max_ratio}:1")
                    chunks.append(block)
                members.append(Member(path, b"".join(chunks)))
    except libarchive.ArchiveError as error:
        message = str(error.msg or "truncated or damaged")
        if "ncrypt" in message:  # the file names are encrypted too (rar -hp)
            return Unpacked(encrypted="password-protected RAR archive")
        return Unpacked(broken=f"broken RAR archive: {message}"[:300])
    if entries == 0:  # libarchive ends quietly at a header cut short
        return Unpacked(broken="broken RAR archive: no entries (truncated?)")
    return Unpacked(members=tuple(members))


def _is_encrypted(libarchive: Any, entry: Any) -> bool:
    # libarchive-c does not wrap archive_entry_is_encrypted; call libarchive itself.
    function = libarchive.ffi.libarchive.archive_entry_is_encrypted
    function.argtypes = [ctypes.c_void_p]
    function.restype = ctypes.c_int
    return bool(function(entry._entry_p))


def encode(unpacked: Unpacked) -> bytes:
    """Return an outcome as the child sends it: a JSON line, then the members' bytes."""
    head = {
        "refused": unpacked.refused,
        "unsupported": unpacked.unsupported,
        "broken": unpacked.broken,
        "encrypted": unpacked.encrypted,
        "members": [[m.path, len(m.data), m.encrypted] for m in unpacked.members],
    }
    line = json.dumps(head, ensure_ascii=True).encode("ascii")
    return b"".join([line, b"\n", *(m.data for m in unpacked.members)])


def decode(output: bytes) -> Unpacked:
    """Return the outcome the child sent (a damaged reply is a broken archive)."""
    line, _, blob = output.partition(b"\n")
    try:
        head = json.loads(line)
        members = []
        offset = 0
        for path, size, encrypted in head["members"]:
            members.append(Member(str(path), blob[offset : offset + size], bool(encrypted)))
            offset += size
        if offset != len(blob):
            raise ValueError("member sizes do not add up")
    except (ValueError, KeyError, TypeError) as error:
        return Unpacked(broken=f"RAR unpacker sent a damaged reply: {error}"[:300])
    fields = ("refused", "unsupported", "broken", "encrypted")
    return Unpacked(members=tuple(members), **{key: head.get(key) for key in fields})


def main() -> None:
    """Unpack the RAR archive on stdin within the limits given as JSON in argv[1]."""
    limits = Limits(**json.loads(sys.argv[1]))
    sys.stdout.buffer.write(encode(read_rar(sys.stdin.buffer.read(), limits)))


if __name__ == "__main__":
    main()
