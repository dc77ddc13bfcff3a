"""The six reform fields: one table, both wordings, old stored names read as the new ones."""

from __future__ import annotations

import pytest

from parsers import tags
from parsers.fields import FIELDS, NAMES, classify_field, field_name

E_GOV = "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("cải cách thủ tục hành chính", "Cải cách thủ tục hành chính"),
        ("xây dựng, phát triển chính quyền điện tử, chính quyền số", E_GOV),
        ("CẢI CÁCH THỂ CHẾ", "Cải cách thể chế"),
        ("Cải cách chế độ công vụ", "Cải cách chế độ công vụ"),
        ("Một lĩnh vực khác", "Một lĩnh vực khác"),
    ],
)
def test_a_stored_field_is_shown_by_its_name_whatever_its_case_or_age(
    stored: str, shown: str
) -> None:
    assert field_name(stored) == shown


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Hiện đại hoá hành chính", E_GOV),
        ("ứng dụng chuyển đổi số", E_GOV),
        ("Cải cách TTHC", "Cải cách thủ tục hành chính"),
        ("đội ngũ cán bộ, công chức", "Cải cách chế độ công vụ"),
        ("Nông nghiệp", None),
    ],
)
def test_either_wording_classifies_as_one_of_the_six_names(text: str, field: str | None) -> None:
    assert classify_field(text) == field


def test_the_tags_read_their_fields_from_the_same_table() -> None:
    assert tuple(tags.FIELDS) == NAMES
    assert all(tags.STATED_FIELDS[f.name] == f.stated for f in FIELDS)
