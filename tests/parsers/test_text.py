from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.text import fold_tone_style, nfc, normalise_title


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà Thạnh", "Hòa Thạnh"),
        ("uỷ ban", "ủy ban"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Uỷ", "Ủy"),
    ],
)
def test_old_tone_placement_folds_to_the_new_style(old: str, new: str) -> None:
    assert fold_tone_style(old) == new


def test_tone_folding_leaves_other_words_alone() -> None:
    assert fold_tone_style("Thành Long, Thạnh, Điền") == "Thành Long, Thạnh, Điền"


@pytest.mark.parametrize("word", ["hoạch", "đoàn", "Hoàng", "toàn", "huyện", "quyết"])
def test_a_pair_followed_by_a_final_letter_keeps_its_mark(word: str) -> None:
    assert fold_tone_style(word) == word


def test_decomposed_text_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa Thạnh")
    assert decomposed != "Hòa Thạnh"
    assert nfc(decomposed) == "Hòa Thạnh"


def test_titles_that_differ_in_case_spacing_and_tone_style_share_a_key() -> None:
    assert normalise_title("  Số hoá hồ sơ  một cửa. ") == normalise_title("số hóa hồ sơ một cửa")


def test_titles_that_differ_by_a_tone_mark_keep_different_keys() -> None:
    assert normalise_title("Hòa Thạnh") != normalise_title("Hòa Thành")


_TONES = "\u0300\u0301\u0303\u0309\u0323"
# The rule as first written: two branches, each pair spelled out.
_PAIR_BEFORE_TONE = re.compile(
    rf"([oO])([aAeE])([{_TONES}])(?![^\W\d_])|([uU])([yY])([{_TONES}])(?![^\W\d_])"
)


def _folded_as_first_written(text: str) -> str:
    def move(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return nfc(_PAIR_BEFORE_TONE.sub(move, unicodedata.normalize("NFD", text)))


@given(st.text(alphabet="oOuUaAeEyYnh 1_àáạảãỳýỵỷỹòọôộ\u0300\u0301\u0302\u0323\u2126", max_size=14))
def test_tone_folding_moves_only_the_marks_of_oa_oe_and_uy_at_the_end_of_a_word(
    text: str,
) -> None:
    assert fold_tone_style(text) == _folded_as_first_written(text)


@pytest.mark.parametrize("word", ["quả", "uà", "oỳ", "Huấn", "Ω"])
def test_tone_folding_leaves_other_pairs_as_they_are_composed(word: str) -> None:
    assert fold_tone_style(word) == nfc(word)
