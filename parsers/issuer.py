"""Find the issuing body in the header of a Vietnamese administrative document."""

from __future__ import annotations

import re

from parsers.text import nfc, squash_spaces

# The national motto on the right of the header (Nghị định 30/2020).
_MOTTO = re.compile(
    r"c[ộo]ng\s+h[òo]a\s+x[ãa]\s+h[ộo]i\s+ch[ủu]\s+ngh[ĩi]a\s+vi[ệe]t\s+nam"
    r"|đ[ộo]c\s+l[ậa]p\s*[-–]\s*t[ựu]\s+do\s*[-–]\s*h[ạa]nh\s+ph[úu]c",
    re.IGNORECASE,
)
# Lines after the header: the number, place and date, recipient or title.
_HEADER_END = re.compile(
    r"^\s*(?:số\s*:|số\s+\d|kính\s+gửi|v/v|đơn\b|báo\s+cáo|mô\s+tả|tờ\s+trình|\d+\s*[.)]\s)"
    r"|,\s*ngày\s+\d",
    re.IGNORECASE,
)
# A parent line that names no place: it and the next line together are the body.
_GENERIC_PARENT = re.compile(
    r"^(?:[uủ][yỷ]\s+ban\s+nhân\s+dân|ubnd|hội\s+đồng\s+nhân\s+dân|hđnd)$", re.IGNORECASE
)


def find_issuer(text: str, max_lines: int = 14) -> str | None:
    """Return the issuing body at the top left of a document, as written, or None.

    "UBND HUYỆN CHÂU THÀNH" over "PHÒNG TƯ PHÁP" gives "PHÒNG TƯ PHÁP" (the
    line above is the parent body). "ỦY BAN NHÂN DÂN" over "XÃ AN CƠ" gives
    "ỦY BAN NHÂN DÂN XÃ AN CƠ" (a parent line without a place is part of the
    name). A single capitalised line is the issuer itself. The national motto is
    skipped whether it comes on its own lines or run into the issuer's line.
    """
    block: list[str] = []
    for line in nfc(text).splitlines()[: max_lines * 2]:
        if _HEADER_END.search(line):
            break
        motto = _MOTTO.search(line)
        if motto:
            line = line[: motto.start()]
        line = squash_spaces(line).strip(" -–_.*")
        if _is_heading(line):
            block.append(line)
        if len(block) >= 4:
            break
    if not block:
        return None
    if len(block) == 1:
        return block[0]
    if _GENERIC_PARENT.match(block[0]):
        return f"{block[0]} {block[1]}"
    return block[1]


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)
