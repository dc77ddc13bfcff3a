"""Tag an initiative with its reform field and the indices it improves, each with its evidence.

Pure: text in, ``Tag`` values out. The six fields of Nghị quyết 76/NQ-CP are
recognised in both wordings (the older "hiện đại hóa hành chính", "đội ngũ
cán bộ, công chức"); the indices are those the plan names. Text is compared
as ``comparable`` makes it (NFC, tone style folded, no case, single spaces)
with its marks kept, so "Hoà"/"Hòa" match but names that differ only by marks
do not; a text written without any marks is compared without marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parsers import fields as field_table
from parsers.fields import comparable
from parsers.text import fold_tone_style, nfc, search_form, squash_spaces, strip_diacritics

FIELD, INDEX = "field", "index"
KINDS = (FIELD, INDEX)
#: The longest evidence kept: one sentence, cut at a word.
EVIDENCE_CHARS = 300
#: What the evidence of a tag staff added by hand says.
BY_HAND = "(cán bộ thêm)"


@dataclass(frozen=True)
class Tag:
    kind: str  # field | index
    value: str
    evidence: str  # the sentence that supports it

    @property
    def label(self) -> str:
        """Return the tag as staff type it: ``kind:value``."""
        return f"{self.kind}:{self.value}"


#: Each field's name as the council lists it, and the phrases that name it outright
#: (the one table is parsers.fields').
FIELDS: dict[str, tuple[str, ...]] = {f.name: f.outright for f in field_table.FIELDS}
#: Shorter phrases that name a field only where the document states its field.
STATED_FIELDS: dict[str, tuple[str, ...]] = {f.name: f.stated for f in field_table.FIELDS}

#: Each index's name and the phrases that name it.
INDICES: dict[str, tuple[str, ...]] = {
    "PAR INDEX": ("par index", "par-index", "chỉ số cải cách hành chính", "chỉ số cchc"),
    "SIPAS": ("sipas", "chỉ số hài lòng", "sự hài lòng của người dân"),
    "PAPI": ("papi", "chỉ số hiệu quả quản trị và hành chính công"),
    "ICT Index": ("ict index", "ict-index", "chỉ số sẵn sàng cho phát triển và ứng dụng"),
    "PCI": ("pci", "năng lực cạnh tranh cấp tỉnh"),
}

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
#: Where a document states its field ("Lĩnh vực áp dụng sáng kiến: …").
_FIELD_LINE = "lĩnh vực"


#: Letters (and marks) whose decomposition carries a mark, and "đ": strip_diacritics
#: never gives one back, so a text with one of them is marked.
_MARKED = re.compile(
    "["
    + re.escape(
        "".join(
            c
            for c in map(chr, range(0xC0, 0x1F00))
            if any(unicodedata.combining(d) for d in unicodedata.normalize("NFD", c))
        )
    )
    + "đĐ]"
)


def has_marks(text: str) -> bool:
    """Whether ``text`` carries any Vietnamese mark (then marks must match)."""
    # A marked text usually shows a mark in its first words; only others are stripped.
    return _MARKED.search(text) is not None or strip_diacritics(text) != text


def _patterns(phrases: Iterable[str], marked: bool) -> re.Pattern[str]:
    forms = sorted({comparable(p) if marked else search_form(p) for p in phrases}, key=len)
    alternatives = "|".join(re.escape(f) for f in reversed(forms))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


_PHRASES = {
    FIELD: FIELDS,
    "stated": {v: FIELDS[v] + STATED_FIELDS[v] for v in FIELDS},
    INDEX: INDICES,
}
_COMPILED = {
    (kind, marked): {value: _patterns(phrases, marked) for value, phrases in table.items()}
    for kind, table in _PHRASES.items()
    for marked in (True, False)
}


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (lines, then ends of sentences), NFC and trimmed."""
    found = []
    for part in _SENTENCE_END.split(nfc(text)):
        sentence = squash_spaces(part)
        if sentence:
            found.append(sentence)
    return found


def evidence_of(sentence: str) -> str:
    """Return a sentence short enough to show as evidence, cut at a word."""
    if len(sentence) <= EVIDENCE_CHARS:
        return sentence
    return sentence[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


def detect_tags(text: str, field: str | None = None) -> tuple[Tag, ...]:
    """Return the field and index tags of a document, each with its first supporting sentence.

    The field comes from ``field`` (what the document states, or staff's
    correction) or from the text's "Lĩnh vực …" sentence when either names
    one; otherwise from the first sentence that names a field outright.
    """
    marked = has_marks(text) or (field is not None and has_marks(field))
    form = comparable if marked else search_form
    pool = sentences(text)
    # The sentences compared once, a line each: one search per pattern finds the first.
    compared = compared_lines(pool, marked)
    stated = (field, form(field)) if field else None
    tags = list(_fields(pool, compared, stated, form(_FIELD_LINE), marked))
    for value, pattern in _COMPILED[(INDEX, marked)].items():
        sentence = _first(pattern, pool, compared)
        if sentence is not None:
            tags.append(Tag(INDEX, value, evidence_of(sentence)))
    return tuple(tags)


def compared_lines(pool: Sequence[str], marked: bool) -> str:
    """Return the sentences ``pool`` as they are compared, a line each: ``comparable``,
    or ``search_form`` for a text without marks.

    The whole goes through each step at once: none adds, drops or moves a line
    break, and nothing composes, folds or reorders across one (the sentences
    hold no line break), so each line is what its sentence alone would give.
    """
    joined = "\n".join(pool)
    # fold_tone_style decomposes first: comparable's NFC before it changes nothing.
    folded = fold_tone_style(joined) if marked else strip_diacritics(joined)
    return "\n".join(squash_spaces(line) for line in folded.casefold().split("\n"))


def _first(pattern: re.Pattern[str], pool: Sequence[str], compared: str) -> str | None:
    # No phrase holds a line break, and one bounds a word as the ends of a text do.
    found = pattern.search(compared)
    return None if found is None else pool[compared.count("\n", 0, found.start())]


def _fields(
    pool: Sequence[str], compared: str, field: tuple[str, str] | None, line: str, marked: bool
) -> list[Tag]:
    """Return the field tags of the sentences ``pool`` (``compared``: their compared
    forms, a line each), ``field`` (the one stated, and its compared form) first;
    ``line`` is "lĩnh vực" compared."""
    patterns = _COMPILED[("stated", marked)]
    lines = [(s, c) for s, c in zip(pool, compared.split("\n"), strict=False) if line in c]
    for sentence, form in ([field] if field else []) + lines:
        values = [v for v, pattern in patterns.items() if pattern.search(form)]
        if values:
            # The document's own sentence is the better evidence of the same field.
            return [
                Tag(
                    FIELD,
                    v,
                    evidence_of(next((s for s, c in lines if patterns[v].search(c)), sentence)),
                )
                for v in values
            ]
    # No stated field names one: a field named outright anywhere in the text.
    found = []
    for value, pattern in _COMPILED[(FIELD, marked)].items():
        outright = _first(pattern, pool, compared)
        if outright is not None:
            found.append(Tag(FIELD, value, evidence_of(outright)))
    return found


def parse_label(label: str) -> Tag | None:
    """Return the tag staff typed as ``kind:value`` (the value matched to a known one), or None.

    Known fields and indices are matched whatever the case and tone style;
    another value of a known kind is kept as typed.
    """
    kind, sep, value = nfc(label).partition(":")
    kind, value = kind.strip().casefold(), squash_spaces(value)
    if not sep or kind not in KINDS or not value:
        return None
    known = FIELDS if kind == FIELD else INDICES
    for name in known:
        if comparable(name) == comparable(value):
            return Tag(kind, name, BY_HAND)
    return Tag(kind, value, BY_HAND)


def apply_edits(
    detected: Sequence[Tag], added: Sequence[str], removed: Sequence[str]
) -> tuple[Tag, ...]:
    """Return the detected tags less those staff removed, plus those they added."""
    gone = {t.label for t in (parse_label(r) for r in removed) if t is not None}
    kept = [t for t in detected if t.label not in gone]
    labels = {t.label for t in kept}
    for label in added:
        tag = parse_label(label)
        if tag is not None and tag.label not in labels:
            kept.append(tag)
            labels.add(tag.label)
    return tuple(kept)
