"""Field and index tags detected from an initiative's text, each with its sentence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.fields import comparable
from parsers.tags import (
    BY_HAND,
    Tag,
    apply_edits,
    compared_lines,
    detect_tags,
    has_marks,
    parse_label,
    sentences,
)
from parsers.text import search_form, strip_diacritics

THU_TUC = "Cải cách thủ tục hành chính"
SO = "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"
CONG_VU = "Cải cách chế độ công vụ"


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("- Lĩnh vực áp dụng sáng kiến: cải cách thủ tục hành chính.", None, THU_TUC),
        ("3. Lĩnh vực áp dụng: Thủ tục hành chính một cửa", None, THU_TUC),
        ("Lĩnh vực: TTHC", None, THU_TUC),
        # The older wordings of the fields.
        ("Lĩnh vực áp dụng: hiện đại hoá hành chính", None, SO),
        (
            "Lĩnh vực: xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức",
            None,
            CONG_VU,
        ),
        ("Lĩnh vực áp dụng: xây dựng chính quyền số", None, SO),
        # Decomposed (NFD) text, as some mailers send it.
        (
            unicodedata.normalize("NFD", "Lĩnh vực áp dụng: cải cách tài chính công"),
            None,
            "Cải cách tài chính công",
        ),
        # The field the document states (or staff corrected) comes first.
        ("Mô tả: thủ tục hành chính ở xã.", "Cải cách thể chế", "Cải cách thể chế"),
        # No stated field: a field named outright anywhere.
        (
            "Sáng kiến phục vụ cải cách tổ chức bộ máy hành chính nhà nước.",
            None,
            "Cải cách tổ chức bộ máy hành chính nhà nước",
        ),
        # Written without marks: compared without marks.
        ("Linh vuc ap dung: cai cach the che", None, "Cải cách thể chế"),
    ],
)
def test_the_field_is_tagged_with_the_sentence_that_names_it(
    text: str, field: str | None, expected: str
) -> None:
    tags = [t for t in detect_tags(text, field) if t.kind == "field"]
    assert [t.value for t in tags] == [expected]
    assert tags[0].evidence


@pytest.mark.parametrize(
    ("sentence", "index"),
    [
        ("Góp phần nâng cao Chỉ số CCHC của huyện.", "PAR INDEX"),
        ("Cải thiện chỉ số PAR INDEX năm 2024.", "PAR INDEX"),
        ("Nâng cao chỉ số hài lòng của người dân (SIPAS).", "SIPAS"),
        ("Điểm PAPI của tỉnh tăng.", "PAPI"),
        ("Đóng góp vào ICT Index của tỉnh.", "ICT Index"),
        ("Cải thiện chỉ số năng lực cạnh tranh cấp tỉnh.", "PCI"),
        ("Chỉ số PCI tăng 2 bậc.", "PCI"),
    ],
)
def test_an_index_is_tagged_with_its_sentence_as_evidence(sentence: str, index: str) -> None:
    text = f"Tên sáng kiến: Số hóa hồ sơ.\n{sentence}\nHiệu quả: tiết kiệm thời gian."
    tags = [t for t in detect_tags(text) if t.kind == "index"]
    assert tags == [Tag("index", index, sentence)]


@pytest.mark.parametrize(
    "text",
    [
        "Phần mềm PCIe của máy chủ.",  # PCI inside another word
        "Ứng dụng tra cứu hồ sơ đất đai.",
        "Chỉ số hài hước của cán bộ.",
    ],
)
def test_a_word_that_only_contains_an_index_name_is_not_a_tag(text: str) -> None:
    assert [t for t in detect_tags(text) if t.kind == "index"] == []


def test_a_marked_text_does_not_match_a_field_that_differs_only_by_marks() -> None:
    # "thê chê" (other marks) is not "thể chế": marks count when the text has them.
    assert detect_tags("Lĩnh vực áp dụng: thê chê mới") == ()


def test_a_long_sentence_is_cut_at_a_word_as_evidence() -> None:
    text = "Sáng kiến nâng chỉ số PAPI " + "rất " * 200
    [tag] = detect_tags(text)
    assert len(tag.evidence) <= 302 and tag.evidence.endswith("…")


def test_sentences_split_at_lines_and_ends_of_sentences() -> None:
    assert sentences("Một. Hai; ba\n\nbốn") == ["Một.", "Hai;", "ba", "bốn"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("index:papi", Tag("index", "PAPI", BY_HAND)),
        ("field:cải cách thể chế", Tag("field", "Cải cách thể chế", BY_HAND)),
        ("index:Chỉ số mới", Tag("index", "Chỉ số mới", BY_HAND)),
        ("PAPI", None),
        ("topic:PAPI", None),
        ("index:", None),
    ],
)
def test_a_tag_staff_type_is_kind_colon_value(label: str, expected: Tag | None) -> None:
    assert parse_label(label) == expected


def test_staff_add_and_remove_tags_over_the_detected_ones() -> None:
    detected = detect_tags("Lĩnh vực: cải cách thể chế. Nâng chỉ số PCI.")
    tags = apply_edits(detected, added=["index:PAPI"], removed=["field:Cải cách thể chế"])
    assert [t.label for t in tags] == ["index:PCI", "index:PAPI"]
    assert tags[1].evidence == BY_HAND


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Lĩnh vực áp dụng: Cải cách Thể chế.\nNâng cao Chỉ số  HÀI LÒNG của người dân.", None),
        (
            "Lĩnh vực áp dụng: Cải cách Thể chế.\nNâng cao Chỉ số  HÀI LÒNG của người dân.",
            "thể chế",
        ),
        ("LINH VUC: Cai cach THE CHE.\nNang cao chi so  SIPAS.", None),
    ],
)
def test_detect_tags_gives_each_sentence_as_written_as_evidence(
    text: str, field: str | None
) -> None:
    # Compared without case and with single spaces, shown as the document has it.
    field_sentence, index_sentence = sentences(text)
    assert [t.evidence for t in detect_tags(text, field)] == [field_sentence, index_sentence]


def test_detect_tags_prefers_the_stated_field_over_one_named_earlier_outright() -> None:
    text = "Sáng kiến về cải cách thủ tục hành chính.\nLĩnh vực: cải cách thể chế."
    [tag] = detect_tags(text)
    assert (tag.value, tag.evidence) == ("Cải cách thể chế", "Lĩnh vực: cải cách thể chế.")


@given(st.text(alphabet="aAđĐeEoOuUyY .Ωǅ\u0300\u0301\u0302\u0323\u0303àÀệỆươ\u2126", max_size=12))
def test_has_marks_is_whether_stripping_the_marks_changes_the_text(text: str) -> None:
    assert has_marks(text) == (strip_diacritics(text) != text)


@given(
    st.text(alphabet="oOuUaAyYđĐİß \n.;\t\u0300\u0301\u0302\u0323\u2126àỳậ", max_size=30),
    st.booleans(),
)
def test_compared_lines_are_each_sentence_as_compared_alone(text: str, marked: bool) -> None:
    pool = sentences(text)
    form = comparable if marked else search_form
    expected = [form(s) for s in pool]
    assert (compared_lines(pool, marked).split("\n") if pool else []) == expected
