"""The submissions report as staff read it: numbered rows, Vietnamese reasons, a table that fits."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from ingest.commands.review import REASON_LABELS as REASON_WORDS
from parsers.classify import BLOCKING
from reports.digest import REASON_LABELS as DIGEST_LABELS
from reports.render import (
    REASON_LABELS,
    SUBMISSION_HEADINGS,
    as_csv,
    columns,
    submission_cells,
    submission_table,
    submissions_json,
)
from reports.xlsx import submissions_xlsx
from store.read import SubmissionRow
from tests.reports.rows import CAMPAIGN, submission

ICT = timezone(timedelta(hours=7))
IGNORED = {"auto_reply", "bounce", "bulk", "own_mail"}


def three_rows() -> list[SubmissionRow]:
    return [
        submission(17, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        submission(
            42,
            None,
            datetime(2024, 6, 21, 10, 0, tzinfo=ICT),
            status="needs_review",
            reasons=("unknown_unit", "early"),
        ),
        submission(
            43, None, datetime(2024, 6, 22, 8, 0, tzinfo=ICT), status="ignored", reasons=("bulk",)
        ),
    ]


def csv_rows(rows: list[SubmissionRow]) -> list[dict[str, str]]:
    text = as_csv(SUBMISSION_HEADINGS, submission_cells(rows, CAMPAIGN))
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_stt_numbers_the_rows_and_the_message_id_has_its_own_column() -> None:
    rows = csv_rows(three_rows())
    assert [(r["STT"], r["Mã thư"]) for r in rows] == [("1", "17"), ("2", "42"), ("3", "43")]
    sheet = load_workbook(io.BytesIO(submissions_xlsx(three_rows(), CAMPAIGN)))["Thư nhận được"]
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (2, 3, 4)] == [
        (1, 17),
        (2, 42),
        (3, 43),
    ]
    assert sheet["B1"].value == "Mã thư"
    table = submission_table(three_rows(), CAMPAIGN).splitlines()
    assert table[0].split()[:3] == ["STT", "Mã", "thư"]
    assert table[2].split()[:2] == ["1", "17"]


def test_reason_codes_are_shown_as_vietnamese_labels_in_the_csv_the_workbook_and_the_table() -> (
    None
):
    expected = "Không rõ đơn vị gửi (địa chỉ lạ), Gửi trước ngày bắt đầu"
    rows = csv_rows(three_rows())
    assert rows[1]["Ghi chú"] == expected
    assert rows[2]["Ghi chú"] == "Thư gửi hàng loạt"
    sheet = load_workbook(io.BytesIO(submissions_xlsx(three_rows(), CAMPAIGN)))["Thư nhận được"]
    assert sheet.cell(3, SUBMISSION_HEADINGS.index("Ghi chú") + 1).value == expected
    table = submission_table(three_rows(), CAMPAIGN)
    assert "Không rõ đơn vị gửi" in table
    assert "unknown_unit" not in table and "bulk" not in table


def test_the_json_keeps_the_reason_codes() -> None:
    data = json.loads(submissions_json(three_rows(), CAMPAIGN))
    assert [r["reasons"] for r in data["submissions"]] == [[], ["unknown_unit", "early"], ["bulk"]]
    assert [r["id"] for r in data["submissions"]] == [17, 42, 43]


def test_every_reason_code_has_one_label_shared_by_reports_digest_and_review() -> None:
    codes = BLOCKING | IGNORED | {"unreadable_attachment", "late", "early", "parse_failed"}
    assert codes - REASON_LABELS.keys() == set()
    assert DIGEST_LABELS is REASON_LABELS
    assert REASON_WORDS is REASON_LABELS


def test_the_submissions_table_fits_a_160_column_terminal() -> None:
    long = submission(
        123456,
        "xa-thai-binh",
        datetime(2024, 6, 20, 9, 15, tzinfo=ICT),
        subject="Báo cáo sáng kiến cải cách hành chính năm 2024 của Ủy ban nhân dân " * 5,
        sender="van.thu.uy.ban.nhan.dan.xa.thai.binh.huyen.chau.thanh@tayninh.gov.vn",
        reasons=("unreadable_attachment", "auth_failed", "late"),
    )
    wide = replace(long, id=7, subject="报告" * 80 + "\x1b[2J", from_name="📨" * 40)
    rows = [replace(long, id=n) for n in range(1, 12)] + [wide]
    table = submission_table(rows, CAMPAIGN)
    assert max(columns(line) for line in table.splitlines()) <= 160
    assert "\x1b" not in table
    assert "Báo cáo sáng kiến cải cách" in table  # a long subject is cut, not dropped


def test_the_csv_keeps_every_column_and_the_whole_subject() -> None:
    subject = "Báo cáo sáng kiến cải cách hành chính năm 2024 " * 5
    row = submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT), subject=subject)
    [parsed] = csv_rows([row])
    assert list(parsed) == list(SUBMISSION_HEADINGS)
    assert parsed["Tiêu đề"] == subject
    assert parsed["Tệp đính kèm"] == "sang-kien.docx"
