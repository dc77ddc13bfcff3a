from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from reports.export import plan_export, safe_name
from store.read import AttachmentRow
from tests.reports.rows import ROSTER, submission

ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("/abs/path.docx", "_abs_path.docx"),
        ("a\x00b\r\n.pdf", "a_b__.pdf"),
        ("..", "tep"),
        ("  sáng kiến hòa hội.docx ", "sáng kiến hòa hội.docx"),
        ("C:\\Users\\x.doc", "C__Users_x.doc"),
    ],
)
def test_a_file_name_from_a_stranger_becomes_one_harmless_component(
    name: str, expected: str
) -> None:
    assert safe_name(name) == expected


def test_a_very_long_name_keeps_its_extension() -> None:
    name = safe_name("x" * 300 + ".docx")
    assert len(name) <= 120
    assert name.endswith(".docx")


def test_each_unit_gets_its_own_numbered_folder_and_an_index_row_per_file() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, 9, 30, tzinfo=ICT), filename="sk.docx"),
        submission(2, "xa-thai-binh", datetime(2024, 6, 2, 8, 0, tzinfo=ICT), filename="sk.docx"),
        submission(3, None, datetime(2024, 6, 2, 8, 0, tzinfo=ICT), status="needs_review"),
    ]
    rows[1] = replace(
        rows[1],
        attachments=(
            AttachmentRow("sk.docx", "application/pdf", 1, "b" * 64, True, "ok", 1, None),
        ),
    )
    plan = plan_export(ROSTER, rows, "Asia/Ho_Chi_Minh")
    assert [(f.folder, f.name) for f in plan.files] == [
        ("01 UBND xã Thái Bình", "2024-06-02 0800 sk.docx"),
        ("02 UBND xã An Cơ", "2024-06-01 0930 sk.docx"),
    ]
    index = list(csv.reader(io.StringIO(plan.index_csv.lstrip("\ufeff"))))
    assert index[0][:3] == ["Đơn vị", "Tệp trong thư mục", "Tên tệp gốc"]
    assert index[1][1] == "01 UBND xã Thái Bình/2024-06-02 0800 sk.docx"
    assert index[1][5] == "Số hóa hồ sơ một cửa"


def test_the_same_file_sent_twice_is_exported_once() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, 9, 30, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 3, 9, 30, tzinfo=ICT)),
    ]
    assert len(plan_export(ROSTER, rows, "Asia/Ho_Chi_Minh").files) == 1
