"""Read the text of an RTF document with the standard library."""

from __future__ import annotations

import re

from parsers.headers import codec_for

_TOKEN = re.compile(
    rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)"
)
# Groups whose text is not document text.
_SKIPPED = frozenset(
    {
        b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"themedata",
        b"colorschememapping", b"latentstyles", b"datastore", b"xmlnstbl", b"listtable",
        b"listoverridetable", b"rsidtbl", b"generator", b"bkmkstart", b"bkmkend", b"fldinst",
        b"filetbl", b"revtbl", b"pgdsctbl", b"operator", b"author",
    }
)  # fmt: skip
_BREAKS = {b"par": "\n", b"line": "\n", b"row": "\n", b"cell": "\t", b"tab": "\t", b"page": "\n"}


def rtf_to_text(data: bytes, max_chars: int = 20_000_000) -> str:
    """Return the visible text of an RTF document (never raises on malformed input)."""
    codec = "cp1252"
    stack: list[tuple[bool, int]] = []
    skipping, skip_unicode, pending_skip = False, 1, 0
    out: list[str] = []
    pending: bytearray = bytearray()
    size = 0

    def flush() -> None:
        if pending:
            out.append(pending.decode(codec, "replace"))
            pending.clear()

    for match in _TOKEN.finditer(data):
        word, argument, hexbyte, symbol, brace, text = match.groups()
        if brace == b"{":
            stack.append((skipping, skip_unicode))
        elif brace == b"}":
            flush()
            skipping, skip_unicode = stack.pop() if stack else (False, 1)
        elif word is not None:
            if word in _SKIPPED:
                skipping = True
            elif word == b"ansicpg" and argument:
                flush()
                codec = codec_for(f"cp{int(argument)}") or codec
            elif word == b"uc" and argument:
                skip_unicode = max(0, int(argument))
            elif skipping:
                continue
            elif word == b"u" and argument:
                flush()
                out.append(chr(int(argument) % 65536))
                pending_skip = skip_unicode
            elif word in _BREAKS:
                flush()
                out.append(_BREAKS[word])
        elif symbol is not None:
            if symbol == b"*":
                skipping = True
            elif not skipping and symbol in (b"\\", b"{", b"}"):
                pending.extend(symbol)
            elif not skipping and symbol == b"~":
                pending.extend(b" ")
        elif skipping:
            continue
        elif hexbyte is not None:
            if pending_skip:
                pending_skip -= 1
                continue
            pending.extend(bytes.fromhex(hexbyte.decode()))
        elif text is not None:
            if pending_skip:
                skipped = min(pending_skip, len(text))
                text, pending_skip = text[skipped:], pending_skip - skipped
            pending.extend(text)
        size += len(match.group(0))
        if size > max_chars:
            break
    flush()
    return re.sub(r"[ \t]+\n", "\n", "".join(out))
