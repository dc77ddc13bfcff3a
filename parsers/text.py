"""Normalise Vietnamese text for storage and comparison."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")

# Old-style tone placement ("hoà", "uỷ") folded to the new style ("hòa", "ủy")
# so both spellings compare equal. Only the pairs oa, oe, uy are affected.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Only open syllables differ ("hoà"); with a final consonant both styles mark the
# second vowel ("hoạch", "đoàn"), so the pair must end the word.
_OLD_STYLE = re.compile(rf"([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")
_PAIRS = {"o": "aAeE", "O": "aAeE", "u": "yY", "U": "yY"}


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form we store."""
    return unicodedata.normalize("NFC", text)


def fold_tone_style(text: str) -> str:
    """Return ``text`` with old-style tone placement moved to the new style."""
    decomposed = unicodedata.normalize("NFD", text)

    def move(match: re.Match[str]) -> str:
        first, second, tone = match.groups()
        # "ua", "oy" and the like match too (one class of letters scans faster than two
        # branches) and stay as they are; no pair can start inside them.
        return first + tone + second if second in _PAIRS[first] else match.group()

    folded, moved = _OLD_STYLE.subn(move, decomposed)
    # Nothing moved: composing the text itself gives the same, and at once if it is NFC.
    return nfc(folded) if moved else nfc(text)


def strip_diacritics(text: str) -> str:
    """Return ``text`` without tone marks and vowel marks ("Đồng Khởi" -> "Dong Khoi")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfc("".join(c for c in decomposed if not unicodedata.combining(c)))


def search_form(text: str) -> str:
    """Return ``text`` as search compares it: no marks, no case, single spaces.

    Staff type "dong khoi" as often as "Đồng Khởi"; both find either.
    """
    return squash_spaces(strip_diacritics(text).casefold())


def squash_spaces(text: str) -> str:
    """Return ``text`` with runs of white space collapsed and ends trimmed."""
    return _SPACE.sub(" ", text).strip()


def normalise_title(title: str) -> str:
    """Return the comparison key of an initiative title (case, spaces, tone style)."""
    folded = fold_tone_style(nfc(title)).casefold()
    return squash_spaces(folded.strip(" .;:\"'“”"))
