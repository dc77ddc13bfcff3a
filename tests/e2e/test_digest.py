"""Digest, receipts, reminders, workbooks and the export through the real CLI.

Mail comes from the real Dovecot; outgoing mail goes to a real SMTP server
(aiosmtpd) on loopback.
"""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.config import load_config
from app.root import open_engine
from outbound.notify import daily_mail
from tests.e2e.conftest import Register
from tests.smtp_sandbox import SmtpSandbox, smtp_server

pytestmark = pytest.mark.dovecot
__all__ = ["smtp_server"]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "mail"


def configure_mail(register: Register, smtp: SmtpSandbox, receipts: bool = True) -> None:
    with register.config.open("a", encoding="utf-8") as handle:
        handle.write(
            f"""
[smtp]
host = "{smtp.host}"
port = {smtp.port}
security = "none"
from = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"
timeout_seconds = 10

[digest]
to = ["lanhdao@tayninh.gov.vn", "phongnv-cth@tayninh.gov.vn"]

[notifications]
receipts = {"true" if receipts else "false"}
reminder_days_before = [7, 2]
"""
        )


def submissions(register: Register) -> list[dict[str, Any]]:
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    return rows


def test_each_accepted_submission_gets_one_threaded_receipt(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    register.run("poll")  # a second poll must not acknowledge anything again
    accepted = {r["message_id"]: r for r in submissions(register) if r["status"] == "accepted"}
    assert accepted
    replies = {m.message["In-Reply-To"].strip(): m for m in smtp_server.received}
    assert len(smtp_server.received) == len(accepted)
    assert set(replies) == set(accepted)
    for message_id, row in accepted.items():
        receipt = replies[message_id]
        assert receipt.rcpt_tos == [row["from"]]
        assert receipt.message["References"].strip() == message_id
        body = receipt.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Phòng Nội vụ đã nhận thư của quý đơn vị" in body
        for attachment in row["attachments"]:
            if attachment["is_document"]:
                assert attachment["filename"] in body
        timing = "trễ hạn" if row["timing"] == "late" else "đúng hạn"
        assert f"Thời hạn: {timing}" in body or row["timing"] == "early"
    listing = register.run("outbox", "list", "--all").stdout
    assert listing.count("đã gửi") == len(accepted)


def test_no_receipt_is_sent_while_receipts_are_off(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    assert smtp_server.received == []


def test_the_digest_of_the_deadline_day_is_printed_and_sent_once(
    register: Register, smtp_server: SmtpSandbox, tmp_path: Path
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    text = register.run("digest", "--date", "2024-06-26").stdout
    assert "Ngày 25/06/2024" in text
    assert "Đã quá hạn chót 1 ngày (25/06/2024)." in text
    assert "- UBND xã Hòa Hội: Đã nộp đúng hạn" in text
    assert "4. THƯ CẦN XEM XÉT" in text
    assert "Không rõ đơn vị gửi (địa chỉ lạ)" in text
    assert "đọc thành công lần cuối" in text

    html_file = tmp_path / "digest.html"
    register.run("digest", "--date", "2024-06-26", "--output", str(html_file))
    assert '<table id="units"' in html_file.read_text(encoding="utf-8")

    sent = register.run("digest", "--date", "2024-06-26", "--send")
    assert "đã gửi 1" in sent.stdout
    register.run("digest", "--date", "2024-06-26", "--send")
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["lanhdao@tayninh.gov.vn", "phongnv-cth@tayninh.gov.vn"]
    assert mail.message["Subject"].startswith("[CCHC] Báo cáo ngày 25/06/2024")
    plain = mail.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert plain.replace("\r\n", "\n").strip() == text.strip()
    assert mail.message.get_body(("html",)) is not None


def test_a_dry_run_sends_nothing(register: Register, smtp_server: SmtpSandbox) -> None:
    configure_mail(register, smtp_server, receipts=False)
    out = register.run("digest", "--date", "2024-06-26", "--send", "--dry-run").stdout
    assert "Tiêu đề: [CCHC] Báo cáo ngày 25/06/2024" in out
    assert "Đến: lanhdao@tayninh.gov.vn, phongnv-cth@tayninh.gov.vn" in out
    assert smtp_server.received == []
    assert "Hộp thư đi trống." in register.run("outbox", "list").stdout


def test_reminders_go_only_to_required_units_still_missing(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    assert "không phải ngày nhắc" in register.run("remind", "--date", "2024-06-22").stdout
    register.run("remind", "--date", "2024-06-23")
    register.run("remind", "--date", "2024-06-23")  # never twice on the same day

    units = register.json("report", "compliance")["units"]
    assert isinstance(units, list)
    missing = {u["code"] for u in units if u["required"] and u["status"] == "missing"}
    with (ROOT / "demo" / "addresses.toml").open("rb") as handle:
        book = tomllib.load(handle)["addresses"]
    expected = {address for address, code in book.items() if code in missing}
    assert expected, "the sample data has a missing unit with a known address"
    got = [tuple(m.rcpt_tos) for m in smtp_server.received]
    assert sorted(a for rcpts in got for a in rcpts) == sorted(expected)
    assert all(m.message["Subject"].startswith("Nhắc gửi sáng kiến") for m in smtp_server.received)


def test_xlsx_reports_open_in_excel_with_vietnamese_headings(
    register: Register, tmp_path: Path
) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    compliance = tmp_path / "tuanthu.xlsx"
    register.run("report", "compliance", "--format", "xlsx", "--output", str(compliance))
    sheet = load_workbook(compliance)["Tình hình nộp"]
    assert sheet["B1"].value == "Đơn vị"
    assert sheet.max_row == 1 + 36
    initiatives = tmp_path / "sangkien.xlsx"
    register.run("report", "initiatives", "--output", str(initiatives))
    listing = load_workbook(initiatives)["Danh sách sáng kiến"]
    accepted_titles = {
        i["title"]
        for r in submissions(register)
        if r["status"] == "accepted"
        for i in r["initiatives"]
    }
    assert {listing.cell(r, 3).value for r in range(2, listing.max_row + 1)} >= accepted_titles
    refused = register.run("report", "submissions", "--format", "xlsx", check=False)
    assert refused.returncode == 2
    assert "--output" in refused.stderr


def test_export_puts_every_accepted_document_in_its_units_folder(
    register: Register, tmp_path: Path
) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    out = tmp_path / "hoso"
    register.run("export", "files", "--output", str(out))
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig"))))
    documents = {
        a["sha256"]
        for r in submissions(register)
        if r["status"] == "accepted"
        for a in r["attachments"]
        if a["is_document"]
    }
    assert {row["SHA-256"] for row in index} == documents
    for row in index:
        path = out / row["Tệp trong thư mục"]
        assert path.is_file()
        assert path.parent.parent == out
        assert row["Tên tệp gốc"] in path.name


def test_the_daily_job_sends_the_digest_and_the_reminders_once(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    config = load_config(register.config)
    engine = open_engine(config)
    try:
        at_seven = datetime(2024, 6, 23, 0, 5, tzinfo=UTC)  # 07:05 in Tây Ninh, 2 days left
        daily_mail(config, engine, lambda: at_seven)
        daily_mail(config, engine, lambda: at_seven)
    finally:
        engine.dispose()
    subjects = [m.message["Subject"] for m in smtp_server.received]
    assert sum(s.startswith("[CCHC] Báo cáo ngày 22/06/2024") for s in subjects) == 1
    reminders = [s for s in subjects if s.startswith("Nhắc gửi sáng kiến")]
    assert reminders and len(reminders) == len(subjects) - 1


def test_sending_without_an_smtp_section_names_the_missing_key(register: Register) -> None:
    result = register.run("digest", "--date", "2024-06-26", "--send", check=False)
    assert result.returncode == 2
    assert "[smtp]" in result.stderr


TWO_OPEN = """[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2024"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"

[[campaigns]]
code = "bc-quy"
name = "Báo cáo CCHC {period}"
every = "quarter"
opens = 2024-04-01
until = 2024-06-30
due_day = 25
timezone = "Asia/Ho_Chi_Minh"
keywords = ["báo cáo CCHC"]
"""


def test_with_two_campaigns_open_the_daily_job_reminds_of_each_once_and_the_digest_shows_both(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    text = register.config.read_text(encoding="utf-8")
    head, rest = text.split("[campaign]\n", 1)
    register.config.write_text(head + TWO_OPEN + rest[rest.index("[schedule]") :], "utf-8")
    configure_mail(register, smtp_server, receipts=False)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    config = load_config(register.config)
    engine = open_engine(config)
    try:
        at_seven = datetime(2024, 6, 23, 0, 5, tzinfo=UTC)  # 2 days before both close
        daily_mail(config, engine, lambda: at_seven)
        daily_mail(config, engine, lambda: at_seven)
    finally:
        engine.dispose()
    received = [m.message for m in smtp_server.received]
    subjects = [m["Subject"] for m in received]
    initiatives = [s for s in subjects if s.startswith("Nhắc gửi sáng kiến")]
    reports = [s for s in subjects if s.startswith("Nhắc gửi Báo cáo CCHC quý II/2024")]
    # No unit sent the quarterly report: each unit with an address is reminded of it,
    # beside the initiatives' reminders to the units still missing there.
    assert initiatives and len(reports) > len(initiatives)
    [digest] = [m for m in received if m["Subject"].startswith("[CCHC] Báo cáo ngày 22/06/2024")]
    body = digest.get_body(("plain",))
    assert body is not None
    assert "CÁC ĐỢT KHÁC ĐANG MỞ (1)" in body.get_content()
    assert "* Báo cáo CCHC quý II/2024: Còn 2 ngày đến hạn chót (25/06/2024)." in body.get_content()
