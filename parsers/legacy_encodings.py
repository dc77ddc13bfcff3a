"""Detect and convert Vietnamese text typed in the legacy TCVN3 (ABC) and VNI encodings.

Word documents typed with .VnTime (TCVN3) or VNI-Times fonts store Latin-1
characters that only look Vietnamese through the font: "Céng hßa x· héi" is
"Cộng hòa xã hội" in TCVN3, "Coäng hoøa xaõ hoäi" in VNI.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# TCVN 5712:1993 (VN3) bytes 0xA1-0xFE, as read through Latin-1: the letters a
# .VnTime font draws. Upper-case toned letters have no code in VN3 (they are
# typed with the capitals font .VnTimeH over the lower-case codes).
_TCVN3_SOURCE = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ"
_TCVN3_TARGET = "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_TCVN3 = str.maketrans(dict(zip(_TCVN3_SOURCE, _TCVN3_TARGET, strict=True)))
# The TCVN3 letters that Latin-1 shows as symbols ("·" is ã, "¸" is á, "®" is đ):
# inside a word they are proof, where accented Latin letters are not.
_TCVN3_SYMBOLS = frozenset("¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾×÷")

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# VNI: a vowel followed by a modifier character; lower- and upper-case forms.
_VNI_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters VNI writes as one character.
_VNI_LETTERS = {
    "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ", "ô": "ơ", "ö": "ư",
}  # fmt: skip
_VNI_MODIFIERS = "".join({**_VNI_TONES, **_VNI_CIRCUMFLEX, **_VNI_BREVE})
_VNI_PAIR = re.compile(rf"([aeiouyAEIOUYôöÔÖ])([{_VNI_MODIFIERS}{_VNI_MODIFIERS.upper()}])")
_VIETNAMESE = re.compile(
    r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)


def detect_legacy(text: str) -> str | None:
    """Return "tcvn3" or "vni" when ``text`` looks typed in that encoding, else None.

    Vietnamese marks nearly every word, so a legacy encoding shows in a large
    share of the words; a few accented Latin words do not.
    """
    # Three Unicode Vietnamese letters settle it; most text has them in its first line.
    if next(itertools.islice(_VIETNAMESE.finditer(text), 2, None), None) is not None:
        return None
    words = _WORD.findall(text)
    if len(words) < 5:
        return None
    tcvn3 = sum(any(ch in _TCVN3_SYMBOLS for ch in word) for word in words)
    vni = sum(bool(_VNI_PAIR.search(word)) or word[:1] in "ÑñÖöÔô" for word in words)
    best, hits = max((("tcvn3", tcvn3), ("vni", vni)), key=lambda item: item[1])
    if hits < 3 or hits < 0.15 * len(words):
        return None
    return best


_WORD = re.compile(r"[^\s.,;:!?()\[\]\"'/-]+")


def tcvn3_to_unicode(text: str) -> str:
    """Return TCVN3 (ABC) text as Unicode NFC."""
    return unicodedata.normalize("NFC", text.translate(_TCVN3))


def vni_to_unicode(text: str) -> str:
    """Return VNI text as Unicode NFC."""

    def pair(match: re.Match[str]) -> str:
        vowel, modifier = match.group(1), match.group(2)
        key = modifier.lower()
        base = _vni_letter(vowel)
        if key in _VNI_TONES:
            marks = _VNI_TONES[key]
        elif vowel in "aA" and key in _VNI_BREVE:
            marks = _BREVE + _VNI_BREVE[key]
        elif vowel in "aAeEoO" and key in _VNI_CIRCUMFLEX:
            marks = _CIRCUMFLEX + _VNI_CIRCUMFLEX[key]
        else:
            return base + _vni_letter(modifier)
        return base + marks

    converted = _VNI_PAIR.sub(pair, text)
    converted = "".join(_vni_letter(ch) for ch in converted)
    return unicodedata.normalize("NFC", converted)


def _vni_letter(char: str) -> str:
    if char in _VNI_LETTERS:
        return _VNI_LETTERS[char]
    lower = char.lower()
    if lower in _VNI_LETTERS and char.isupper():
        return _VNI_LETTERS[lower].upper()
    return char


def to_unicode(text: str) -> tuple[str, str | None]:
    """Return ``text`` converted from a detected legacy encoding, and that encoding's name."""
    encoding = detect_legacy(text)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text), encoding
    if encoding == "vni":
        return vni_to_unicode(text), encoding
    return text, None
