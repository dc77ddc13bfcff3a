"""Find the roster units a piece of Vietnamese text names.

Names are compared as token sequences after NFC, tone-style folding and case
folding, so "Uỷ ban nhân dân xã Hoà Thạnh", "UBND xã Hòa Thạnh" and
"X. Hòa Thạnh" all name the same unit. Every variant is derived from the
roster ``name``; the code knows only generic abbreviations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from parsers.roster import Unit
from parsers.text import fold_tone_style, nfc
from parsers.text import strip_diacritics as strip_diacritics  # re-exported

# Generic long forms and their usual short forms (Nghị định 30/2020 practice).
_SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("ủy ban nhân dân", "UBND"),
    ("hội đồng nhân dân", "HĐND"),
    ("văn phòng", "VP"),
    ("tài chính - kế hoạch", "TC-KH"),
    ("tài nguyên và môi trường", "TN&MT"),
    ("lao động - thương binh và xã hội", "LĐ-TB&XH"),
    ("văn hóa và thông tin", "VH&TT"),
    ("giáo dục và đào tạo", "GD&ĐT"),
    ("nông nghiệp và phát triển nông thôn", "NN&PTNT"),
    ("kinh tế và hạ tầng", "KT&HT"),
    ("mặt trận tổ quốc", "MTTQ"),
    ("liên hiệp phụ nữ", "LHPN"),
    ("cựu chiến binh", "CCB"),
    ("quản lý dự án", "QLDA"),
    ("giáo dục nghề nghiệp - giáo dục thường xuyên", "GDNN-GDTX"),
)
# Kind words that open a name, with their abbreviations.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("thị trấn", ("TT",)),
    ("xã", ("X",)),
    ("phòng", ("P",)),
)
# Words after which a unit is the addressee, not the sender.
_RECIPIENT_CUES = frozenset({"gửi", "gởi", "đến", "tới", "về", "quý", "kính"})
_KINH_GUI = re.compile(r"k[íi]nh\s+g[ửu]i\b[^\n.;]*", re.IGNORECASE)

_PIECE = re.compile(r"\w+|\s*[&\-–]\s*")

Tokens = tuple[str, ...]


def has_diacritics(text: str) -> bool:
    """Return True when ``text`` carries any Vietnamese mark (or đ)."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.combining(c) for c in decomposed) or "đ" in text.casefold()


def tokens(text: str) -> Tokens:
    """Return the comparison tokens of ``text``.

    Short forms written without spaces ("TC-KH", "GD&ĐT") become one token
    ("tckh", "gdđt"); any other punctuation separates words.
    """
    words: list[str] = []
    glue = False
    for piece in _PIECE.findall(fold_tone_style(nfc(text))):
        if not piece[0].isalnum() and piece[0] != "_":
            # A bare "-" or "&" between two short capitals joins them.
            glue = piece.strip() == piece and bool(words) and _abbreviation(words[-1])
            continue
        if glue and _abbreviation(piece):
            words[-1] += piece
        else:
            words.append(piece)
        glue = False
    return tuple(w.casefold() for w in words)


def _abbreviation(word: str) -> bool:
    return word.isupper() or (len(word) <= 4 and word.isalpha())


# Words that open a place name above the commune, by level: a district's peers
# (huyện, thị xã, quận, thành phố) are all "another district" to a huyện.
PLACE_LEVELS: dict[str, str] = {
    "tỉnh": "province",
    "huyện": "district",
    "thị xã": "district",
    "quận": "district",
    "thành phố": "district",
}
_PLACE_WORDS = tuple(
    sorted(
        (
            (tuple(strip_diacritics(t) for t in tokens(word)), level)
            for word, level in PLACE_LEVELS.items()
        ),
        key=lambda item: -len(item[0]),
    )
)
_WORD = re.compile(r"\w+")


def parse_place(place: str) -> tuple[str, Tokens]:
    """Split "huyện Châu Thành" into its level and unaccented name tokens.

    Raises ValueError when ``place`` does not open with a level word and a name.
    """
    words = tuple(strip_diacritics(t) for t in tokens(place))
    for kind, level in _PLACE_WORDS:
        if words[: len(kind)] == kind and len(words) > len(kind):
            return level, words[len(kind) :]
    raise ValueError(f"expected one of {', '.join(PLACE_LEVELS)} and a name, got {place!r}")


@dataclass(frozen=True)
class UnitNames:
    """Every spelling of every roster unit's name, ready for matching."""

    accented: dict[Tokens, frozenset[str]]
    unaccented: dict[Tokens, frozenset[str]]
    longest: int = 0  # tokens in the longest spelling
    # The roster's area as (level, unaccented name tokens): ("district", ("chau", "thanh")).
    area: tuple[tuple[str, Tokens], ...] = ()

    @classmethod
    def from_units(cls, units: Iterable[Unit], area: Iterable[str] = ()) -> UnitNames:
        accented: dict[Tokens, set[str]] = {}
        unaccented: dict[Tokens, set[str]] = {}
        for unit in units:
            for variant in name_variants(unit.name):
                accented.setdefault(variant, set()).add(unit.code)
                plain = tuple(strip_diacritics(t) for t in variant)
                unaccented.setdefault(plain, set()).add(unit.code)
        return cls(
            {k: frozenset(v) for k, v in accented.items()},
            {k: frozenset(v) for k, v in unaccented.items()},
            max((len(k) for k in accented), default=0),
            tuple(parse_place(place) for place in area),
        )

    def foreign_places(self, text: str) -> tuple[str, ...]:
        """Return the places ``text`` names at a level of the roster's area, outside it.

        "UBND thị trấn Châu Thành, huyện Châu Thành, tỉnh Bến Tre" is outside
        an area of "huyện Châu Thành", "tỉnh Tây Ninh". A place name is the
        capitalised words after the level word; "Phòng Nội vụ huyện" names none.
        """
        if not self.area:
            return ()
        home: dict[str, list[Tokens]] = {}
        for level, name in self.area:
            home.setdefault(level, []).append(name)
        found: list[str] = []
        for line in _KINH_GUI.sub("\n", nfc(text)).splitlines():
            words = _WORD.findall(line)
            plain = [strip_diacritics(fold_tone_style(w)).casefold() for w in words]
            position = 0
            while position < len(words):
                place_word = _place_word_at(plain, position, home)
                if place_word is None:
                    position += 1
                    continue
                end, level = place_word
                name_end = end
                while name_end < len(words) and words[name_end][0].isupper():
                    name_end += 1
                name = tuple(plain[end:name_end])
                if name and not any(name[: len(n)] == n for n in home[level]):
                    found.append(" ".join(words[position:name_end]))
                position = name_end
        return tuple(dict.fromkeys(found))

    def find(self, text: str) -> frozenset[str]:
        """Return the codes of the units ``text`` names as a sender.

        Text without any diacritics is compared with unaccented names; text
        with diacritics only with the names as written, so "Hòa Thành" never
        names "Hòa Thạnh". Addressees ("Kính gửi: Phòng Nội vụ", "gửi Phòng
        Nội vụ") are not senders.
        """
        text = nfc(text)
        plain = not has_diacritics(text)
        index = self.unaccented if plain else self.accented
        found: set[str] = set()
        for line in _KINH_GUI.sub("\n", text).splitlines():
            words = tokens(line)
            for start, codes in _scan(words, index, self.longest):
                previous = words[start - 1] if start else ""
                if strip_diacritics(previous) in _PLAIN_CUES:
                    continue
                found.update(codes)
        return frozenset(found)


def _place_word_at(
    plain: Sequence[str], position: int, home: Mapping[str, object]
) -> tuple[int, str] | None:
    """Return (end, level) of a level word of one of ``home``'s levels starting here."""
    for kind, level in _PLACE_WORDS:
        if level in home and tuple(plain[position : position + len(kind)]) == kind:
            return position + len(kind), level
    return None


_PLAIN_CUES = frozenset(strip_diacritics(c) for c in _RECIPIENT_CUES) | {"thi"}
# "thị" before "xã" makes a town-level "thị xã" (thị xã Hòa Thành is not xã Hòa Thạnh).


def _scan(
    words: Tokens, index: dict[Tokens, frozenset[str]], longest: int
) -> Iterator[tuple[int, frozenset[str]]]:
    """Yield (start, codes) of the leftmost-longest, non-overlapping names in ``words``."""
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            codes = index.get(words[position : position + size])
            if codes:
                yield position, codes
                position += size
                break
        else:
            position += 1


def name_variants(name: str) -> frozenset[Tokens]:
    """Return every token spelling of a roster ``name`` the matcher accepts."""
    words = tokens(name)
    committee = (tokens(_SHORT_FORMS[0][0]), tokens(_SHORT_FORMS[0][1]))
    prefixes: list[Tokens] = [()]
    for form in committee:
        if words[: len(form)] == form:
            words = words[len(form) :]
            prefixes = [(), *committee]
            break
    kinds: list[Tokens] = [()]
    for word, abbreviations in _KIND_WORDS:
        kind = tokens(word)
        if words[: len(kind)] == kind:
            words = words[len(kind) :]
            kinds = [kind, *(tokens(a) for a in abbreviations)]
            break
    else:
        # "UBND" before a bare place name: the committee words are then required.
        prefixes = prefixes[1:] or [()]
    cores = set(_spellings(words))
    if words and words[-1] == "huyện" and len(words) >= 4:
        # "Hội Nông dân huyện": the district is optional, but "Thanh tra huyện" keeps it.
        cores |= set(_spellings(words[:-1]))
    return frozenset(p + k + c for p, k, c in product(prefixes, kinds, cores) if k + c)


def _spellings(words: Tokens) -> Iterator[Tokens]:
    """Yield ``words`` with every combination of long and short forms."""
    options: list[tuple[Tokens, list[Tokens]]] = []
    for long, short in _SHORT_FORMS:
        spelled = tokens(re.sub(r"[&\-]", " ", short))
        glued = ("".join(spelled),)
        forms = [tokens(long), spelled, glued]
        options.append((tokens(long), forms))
        options.append((glued, forms))
    yield from _expand(words, options)


def _expand(words: Tokens, options: Sequence[tuple[Tokens, list[Tokens]]]) -> Iterator[Tokens]:
    if not words:
        yield ()
        return
    for pattern, forms in options:
        if words[: len(pattern)] == pattern:
            for form in forms:
                for rest in _expand(words[len(pattern) :], options):
                    yield form + rest
            return
    for rest in _expand(words[1:], options):
        yield words[:1] + rest


_SIGNATURE_OPENERS = re.compile(
    r"^\s*(?:--\s*|trân trọng[.,!/ ]*|tran trong[.,!/ ]*|kính thư[.,]*|thân ái[.,]*)$",
    re.IGNORECASE,
)
_QUOTE_MARKERS = re.compile(
    r"^\s*(?:-{3,}.*(?:forwarded|original|chuyển tiếp|thư gốc).*|>.*|"
    r"(?:on|vào) .+(?:wrote|đã viết)\s*:\s*|from:\s.*|từ:\s.*)$",
    re.IGNORECASE,
)


def signature_block(body: str, fallback_lines: int = 4) -> str:
    """Return the sender's signature block: what follows "--" or "Trân trọng".

    Quoted and forwarded text is cut off first; without an opener the last
    few lines stand in for the signature.
    """
    lines: list[str] = []
    for line in nfc(body).splitlines():
        if _QUOTE_MARKERS.match(line):
            break
        lines.append(line)
    for index in range(len(lines) - 1, -1, -1):
        if _SIGNATURE_OPENERS.match(fold_tone_style(lines[index])):
            return "\n".join(lines[index + 1 :]).strip()
    kept = [line for line in lines if line.strip()]
    return "\n".join(kept[-fallback_lines:])


_NATIONAL_MOTTO = re.compile(r"c[ộo]ng\s+h[òo]a\s+x[ãa]\s+h[ộo]i|^\s*s[ốo]\s*:", re.IGNORECASE)
_MOTTO_SECOND = re.compile(r"đ[ộo]c\s+l[ậa]p\s*[-–]", re.IGNORECASE)


def issuer_block(document_text: str, max_lines: int = 8) -> str:
    """Return the issuing-body lines at the top of an administrative document.

    The header (Nghị định 30/2020) opens with the issuing body, its parent
    above it, before the national motto and the "Số:" line. When text
    extraction ran the two header columns together, the body's line is the
    part before "Độc lập - …". A document without that layout has no issuer.
    """
    lines = nfc(document_text).splitlines()
    block: list[str] = []
    for index, line in enumerate(lines[: max_lines * 2]):
        motto = _NATIONAL_MOTTO.search(line)
        if motto:
            block.append(line[: motto.start()])
            following = lines[index + 1] if index + 1 < len(lines) else ""
            second = _MOTTO_SECOND.search(following)
            if motto.start() > 0 and second:
                block.append(following[: second.start()])
            return " ".join(x.strip() for x in block if x.strip())
        if line.strip() and not set(line.strip()) <= set("_-–—=*. "):
            block.append(line)
        if len(block) > max_lines:
            return ""
    return ""
