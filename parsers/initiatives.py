"""Find an initiative's title, field and authors in a document's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parsers.fields import classify_field
from parsers.issuer import find_issuer
from parsers.text import nfc, squash_spaces

# Official form (Thông tư 18/2013/TT-BKHCN) first, then the local layouts.
_TITLE_LABELS = (
    r"đề\s+nghị\s+xét\s+công\s+nhận\s+(?:là\s+)?sáng\s+kiến\s*:",
    r"tên\s+(?:sáng\s+kiến|giải\s+pháp)(?:\s*,\s*giải\s+pháp)?\s*:",
)
_FIELD_LABEL = r"lĩnh\s+vực\s+áp\s+dụng(?:\s+sáng\s+kiến|\s+giải\s+pháp)?\s*:"
# At the start of a line: "theo ý kiến của tác giả:" inside a sentence names no author.
_AUTHOR_LABEL = re.compile(
    r"^[ \t]*(?:\d+\s*[.)]\s*)?(?:đồng\s+)?tác\s+giả(?:\s*\(nhóm\s+tác\s+giả\))?\s*:[ \t]*(.*)",
    re.IGNORECASE | re.MULTILINE,
)
_BULLET = re.compile(r"^\s*[-+•*–]\s*")


@dataclass(frozen=True)
class InitiativeInfo:
    title: str
    field: str | None
    authors: tuple[str, ...]
    first_applied: date | None = None
    # The issuing body from the document header ("PHÒNG TƯ PHÁP"), as written.
    issuer: str | None = None


def find_initiative(text: str) -> InitiativeInfo | None:
    """Return the initiative described by ``text``, or None when it names none."""
    text = nfc(text)
    title = _value_after(text, _TITLE_LABELS)
    if not title:
        return None
    field_text = _value_after(text, (_FIELD_LABEL,))
    authors = authors_listed(text) or authors_table(text)
    return InitiativeInfo(
        title=title,
        field=classify_field(field_text) if field_text else None,
        authors=authors,
        first_applied=first_applied(text),
        issuer=find_issuer(text),
    )


def _value_after(text: str, labels: tuple[str, ...]) -> str:
    for label in labels:
        match = re.search(label + r"[ \t]*(.*)", text, flags=re.IGNORECASE)
        if not match:
            continue
        lines = text[match.end() :].split("\n")[1:]
        value = match.group(1).strip()
        if not value:
            # The value sits on the next non-empty line.
            while lines and not lines[0].strip():
                lines.pop(0)
            value = lines.pop(0).strip() if lines else ""
        value = _join_wrapped(value, lines)
        value = squash_spaces(value).strip(' .;"“”')
        if value:
            return value
    return ""


_NEW_ITEM = re.compile(r"^\s*(?:[-+•*]|\d+\s*[.)]|[a-zđ]\)|[IVX]+\.)\s*", re.IGNORECASE)


def _join_wrapped(value: str, following: list[str]) -> str:
    """Append the lines a PDF wrapped the value onto, up to the next item or label."""
    for line in following:
        line = line.strip()
        if not line or _NEW_ITEM.match(line) or ":" in line[:60]:
            break
        if not (line[0].islower() or value.rstrip().endswith((",", "-", "và"))):
            break
        value = f"{value} {line}"
    return value


def authors_listed(text: str) -> tuple[str, ...]:
    """Return the names after a "Tác giả:" label, on its line or as a list below it.

    "Tác giả: Nguyễn Thị Lan, Trần Văn Bình và Lê Minh Tâm" gives three names;
    "- Phạm Quốc Bảo - Trưởng phòng, Phòng Tư pháp" lines give one name each.
    """
    label = _AUTHOR_LABEL.search(text)
    if not label:
        return ()
    inline = label.group(1).strip()
    if inline:
        return _names_in(inline)
    names: list[str] = []
    for line in text[label.end() :].split("\n")[1:20]:
        if not line.strip():
            if names:
                break
            continue
        if not _BULLET.match(line) or _NEW_ITEM_NUMBER.match(line):
            break
        names.extend(_names_in(_BULLET.sub("", line)))
    return tuple(names)


_NEW_ITEM_NUMBER = re.compile(r"^\s*\d+\s*[.)]")


def _names_in(text: str) -> tuple[str, ...]:
    """Return the people named in one author entry, dropping roles after " - "."""
    if " - " in text:
        return (squash_spaces(text.split(" - ", 1)[0]).strip(" .,;"),)
    parts = re.split(r"\s*(?:,|;|\bvà\b)\s*", text)
    return tuple(p for p in (squash_spaces(x).strip(" .") for x in parts) if p)


# The official form's authors table: "Số TT | Họ và tên | Ngày tháng năm sinh | …".
_TABLE_HEAD = re.compile(r"(?:^|\s)họ\s+(?:và\s+)?tên\b", re.IGNORECASE | re.MULTILINE)
_TABLE_END = re.compile(r"là\s+tác\s+giả|^\s*[-–]\s", re.IGNORECASE)
_NAME_WORD = r"[A-ZĐÀ-ỸẠ-Ỹ][a-zà-ỹđ]*"
_ROW = re.compile(
    rf"^\s*(\d{{1,2}})\s*[.)]?\s*({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}})?\s*(?:\s.*)?$"
)
_NAME = re.compile(rf"^\s*({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}})\s*$")


def authors_table(text: str) -> tuple[str, ...]:
    """Return the names in the form's authors table, one cell or one row per line."""
    head = _TABLE_HEAD.search(text)
    if not head:
        return ()
    lines = text[head.end() :].splitlines()[1:80]
    names: list[str] = []
    for index, line in enumerate(lines):
        if _TABLE_END.search(line):
            break
        row = _ROW.match(line)
        if not row:
            continue
        if row.group(2):  # a PDF row: "1 Nguyễn Thị Lan 12/3/1985 …"
            names.append(row.group(2))
        elif index + 1 < len(lines) and (name := _NAME.match(lines[index + 1])):
            names.append(name.group(1))  # a DOCX table: one cell per line
    return tuple(dict.fromkeys(squash_spaces(n) for n in names))


_APPLIED_LABEL = re.compile(
    r"(?:ngày|thời\s+gian|thời\s+điểm)[^:\n]{0,40}?áp\s+dụng\s+(?:lần\s+đầu|thử)[^:\n]*:"
    r"|áp\s+dụng\s+lần\s+đầu[^:\n]*:",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORDED_DATE = re.compile(
    r"(?:ngày\s+(\d{1,2})\s+)?tháng\s+(\d{1,2})\s*(?:năm|/|-)\s*(\d{4})", re.IGNORECASE
)
_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s*/\s*(\d{4})\b")


def first_applied(text: str) -> date | None:
    """Return the date the initiative was first applied, when the text gives one."""
    label = _APPLIED_LABEL.search(text)
    if not label:
        return None
    value = text[label.end() : label.end() + 120].split("\n\n")[0]
    lines = value.strip().splitlines()
    value = lines[0] if lines else ""
    for pattern in (_NUMERIC_DATE, _WORDED_DATE):
        match = pattern.search(value)
        if match:
            day = int(match.group(1) or 1)
            return _date(int(match.group(3)), int(match.group(2)), day)
    match = _MONTH_YEAR.search(value)
    return _date(int(match.group(2)), int(match.group(1)), 1) if match else None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
