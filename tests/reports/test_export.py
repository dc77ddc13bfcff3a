from __future__ import annotations

import csv
import io
import os
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from reports.export import index_csv, plan_export, safe_name
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
    index = list(csv.reader(io.StringIO(index_csv(plan).lstrip("\ufeff"))))
    assert index[0][:3] == ["Đơn vị", "Tệp trong thư mục", "Tên tệp gốc"]
    assert index[1][1] == "01 UBND xã Thái Bình/2024-06-02 0800 sk.docx"
    assert index[1][5] == "Số hóa hồ sơ một cửa"


def test_the_same_file_sent_twice_is_exported_once() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, 9, 30, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 3, 9, 30, tzinfo=ICT)),
    ]
    assert len(plan_export(ROSTER, rows, "Asia/Ho_Chi_Minh").files) == 1


def test_a_name_of_300_bytes_is_cut_to_255_bytes_on_a_character_boundary() -> None:
    name = safe_name("Ế" * 100 + ".docx")
    assert len(os.fsencode(name)) <= 255
    assert name.endswith(".docx")
    assert set(name.removesuffix(".docx")) == {"Ế"}  # whole characters, nothing half cut


def test_a_long_name_without_an_extension_is_cut_in_bytes_too() -> None:
    name = safe_name("Sáng kiến ỨNG DỤNG CÔNG NGHỆ " + "Ế" * 200 + ".quá-dài-để-là-đuôi-tệp")
    assert len(os.fsencode(name)) <= 255
    assert name.startswith("Sáng kiến ỨNG DỤNG CÔNG NGHỆ Ế")
    assert name == unicodedata.normalize("NFC", name)


def test_every_exported_name_fits_even_when_two_long_names_collide() -> None:
    long = "Ế" * 100 + ".pdf"
    rows = [submission(1, "xa-an-co", datetime(2024, 6, 1, 9, 30, tzinfo=ICT), filename=long)]
    twice = (
        AttachmentRow(long, "application/pdf", 1, "a" * 64, True, "ok", 1, None),
        AttachmentRow(long, "application/pdf", 1, "b" * 64, True, "ok", 1, None),
    )
    rows[0] = replace(rows[0], attachments=twice)
    files = plan_export(ROSTER, rows, "Asia/Ho_Chi_Minh").files
    assert len({f.name for f in files}) == 2
    assert files[1].name.endswith(" (2).pdf")
    assert all(len(os.fsencode(f.name)) <= 255 for f in files)


def test_the_index_says_which_files_were_not_exported_and_why() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, 9, 30, tzinfo=ICT)),
        submission(2, "xa-thai-binh", datetime(2024, 6, 2, 8, 0, tzinfo=ICT)),
    ]
    rows[1] = replace(
        rows[1],
        attachments=(AttachmentRow("b.pdf", "application/pdf", 1, "b" * 64, True, "ok", 1, None),),
    )
    plan = plan_export(ROSTER, rows, "Asia/Ho_Chi_Minh")
    index = list(csv.DictReader(io.StringIO(index_csv(plan, {plan.files[0]: "đĩa đầy"})[1:])))
    assert [row["Tình trạng"] for row in index] == ["Chưa xuất: đĩa đầy", "Đã xuất"]
