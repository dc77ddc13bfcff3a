from __future__ import annotations

import unicodedata

import pytest

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
