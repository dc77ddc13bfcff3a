"""The six reform fields of Nghị quyết 76/NQ-CP: their names and the phrases that name them.

The single table both readers use: ``parsers.initiatives`` (the field a
document states, stored per document) and ``parsers.tags`` (the field tag with
its evidence), hence the DOCX report's counts. Each field has its name as the
council lists it, the phrases that name it outright, the shorter phrases that
name it only where a document states its field, and the name the extractor
wrote before this table existed (lower case; the e-government field was
"xây dựng, phát triển chính quyền điện tử, chính quyền số"). Both wordings of
the plan are here: "hiện đại hóa hành chính" and "đội ngũ cán bộ, công chức"
name the same fields as "chính phủ điện tử" and "chế độ công vụ".
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.text import fold_tone_style, nfc, squash_spaces


@dataclass(frozen=True)
class Field:
    name: str  # as the council lists it
    outright: tuple[str, ...]  # phrases that name the field anywhere in a text
    stated: tuple[str, ...]  # shorter phrases, only where the text states its field
    former: str  # the name stored before this table: old registers hold it


FIELDS: tuple[Field, ...] = (
    Field(
        "Cải cách thể chế",
        ("cải cách thể chế",),
        ("thể chế",),
        "cải cách thể chế",
    ),
    Field(
        "Cải cách thủ tục hành chính",
        ("cải cách thủ tục hành chính", "cải cách tthc"),
        ("thủ tục hành chính", "tthc"),
        "cải cách thủ tục hành chính",
    ),
    Field(
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        ("cải cách tổ chức bộ máy",),
        ("tổ chức bộ máy", "bộ máy hành chính"),
        "cải cách tổ chức bộ máy hành chính nhà nước",
    ),
    Field(
        "Cải cách chế độ công vụ",
        ("cải cách chế độ công vụ", "xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức"),
        (
            "chế độ công vụ",
            "công vụ",
            "chất lượng đội ngũ cán bộ",
            "đội ngũ cán bộ",
            "cán bộ, công chức",
        ),
        "cải cách chế độ công vụ",
    ),
    Field(
        "Cải cách tài chính công",
        ("cải cách tài chính công",),
        ("tài chính công",),
        "cải cách tài chính công",
    ),
    Field(
        "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
        (
            "chính phủ điện tử",
            "chính phủ số",
            "chính quyền điện tử",
            "chính quyền số",
            "hiện đại hóa hành chính",
            "hiện đại hóa nền hành chính",
        ),
        ("điện tử", "chuyển đổi số"),
        "xây dựng, phát triển chính quyền điện tử, chính quyền số",
    ),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


def comparable(text: str) -> str:
    """Return ``text`` as fields and tags compare it: NFC, tone style folded, no case,
    single spaces."""
    return squash_spaces(fold_tone_style(nfc(text)).casefold())


_BY_NAME = {comparable(n): f.name for f in FIELDS for n in (f.name, f.former)}


def classify_field(text: str) -> str | None:
    """Return the name of the reform field that ``text`` names, tolerant of wording."""
    folded = comparable(text)
    known = _BY_NAME.get(folded)
    if known is not None:
        return known
    for field in FIELDS:
        if any(comparable(p) in folded for p in field.outright + field.stated):
            return field.name
    return None


def field_name(value: str) -> str:
    """Return a stored field as the council lists it: one of the six names when ``value``
    is one in any case or tone style, or the name stored before (lower case); otherwise
    ``value`` as staff typed it."""
    return _BY_NAME.get(comparable(value), value)
