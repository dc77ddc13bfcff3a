"""Mail appended to a real Dovecot, polled by the real CLI, checked in the reports."""

from __future__ import annotations

import email
import email.policy
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Register
from tests.parsers.test_archives_rar import stored_rar
from tests.parsers.test_ocr import PAGE_ONE, TITLE, scanned_pdf

pytestmark = pytest.mark.dovecot

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "mail"
# Real spam, Outlook and malformed mail from SpamScope/mail-parser (Apache 2.0, see its LICENSE).
CORPUS = ROOT / "tests" / "data" / "public-mail"


def manifest() -> list[dict[str, Any]]:
    with (SAMPLES / "manifest.toml").open("rb") as handle:
        return list(tomllib.load(handle)["message"])


def address_book() -> dict[str, str]:
    with (ROOT / "demo" / "addresses.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["addresses"])


def headers_of(entry: dict[str, Any]) -> email.message.EmailMessage:
    raw = (SAMPLES / entry["file"]).read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def expected_verdict(entry: dict[str, Any]) -> tuple[str | None, str, str | None]:
    """Return (unit, status, timing) the register must reach: the labelled unit, always.

    Every labelled sample names its unit (by address, or by name for personal
    Gmail/Yahoo senders); the unknown sender has no unit and waits for review.
    """
    if entry["kind"] == "auto_reply":
        return None, "ignored", None
    unit = entry["true_unit"] or None
    accepted = unit is not None and entry["documents"] > 0
    return unit, "accepted" if accepted else "needs_review", entry["timing"]


def expected_source(entry: dict[str, Any]) -> str | None:
    """Return the unit_source: a known address first, else the display name (as sampled)."""
    if not entry["true_unit"]:
        return None
    sender = headers_of(entry)["From"].addresses[0].addr_spec.lower()
    return "address" if sender in address_book() else "display_name"


def test_every_sample_mail_reaches_the_submissions_report(register: Register) -> None:
    entries = manifest()
    assert register.dovecot.seed(SAMPLES, folder=register.folder) == len(entries)

    poll = register.run("poll")
    assert f"{len(entries)} thư mới, 0 thư trùng, 0 thư lỗi" in poll.stdout

    rows = {r["message_id"]: r for r in register.json("report", "submissions")["submissions"]}
    assert len(rows) == len(entries)
    for entry in entries:
        row = rows[str(headers_of(entry)["Message-ID"]).strip()]
        unit, status, timing = expected_verdict(entry)
        assert (row["unit"], row["status"], row["timing"]) == (unit, status, timing), entry["file"]
        assert row["unit_source"] == expected_source(entry), entry["file"]
        assert row["received_at"] == entry["received_at"].isoformat(), entry["file"]
        documents = [a for a in row["attachments"] if a["is_document"]]
        assert len(documents) == entry["documents"], entry["file"]
        assert all(a["extract_status"] == "ok" and a["text_chars"] > 0 for a in documents)
        if status != "ignored":
            found = sorted((i["title"], i["authors"]) for i in row["initiatives"])
            assert found == sorted(zip(entry["titles"], entry["authors"], strict=True)), entry[
                "file"
            ]


def test_every_attachment_is_stored_under_its_digest_and_no_half_written_file_is_left(
    register: Register,
) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    files = register.config.parent / "files"
    rows = register.json("report", "submissions")["submissions"]
    digests = {a["sha256"] for row in rows for a in row["attachments"]}
    assert digests
    for digest in digests:
        assert (files / digest[:2] / digest).is_file(), digest
    assert not list(files.glob("*/.tmp-*"))


def test_the_compliance_report_follows_what_was_accepted(register: Register) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    expected: dict[str, str] = {}
    for entry in manifest():
        unit, status, timing = expected_verdict(entry)
        if status == "accepted" and unit:
            on_time = timing in ("early", "on_time") or expected.get(unit) == "on_time"
            expected[unit] = "on_time" if on_time else "late"

    report = register.json("report", "compliance")
    assert report["campaign"] == {
        "name": "Sáng kiến, giải pháp CCHC năm 2024",
        "opens": "2024-05-15",
        "closes": "2024-06-25",
        "timezone": "Asia/Ho_Chi_Minh",
        # Keys grow, never shrink: the campaign's code and the forms it requires.
        "code": "2024",
        "requires": ["soft_file"],
    }
    units = {u["code"]: u for u in report["units"]}  # type: ignore[union-attr]
    assert len(units) == 36
    assert {c: u["status"] for c, u in units.items() if u["status"] != "missing"} == expected
    assert "late" in expected.values() and "on_time" in expected.values()


def test_polling_twice_stores_nothing_twice(register: Register) -> None:
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    second = register.run("poll")
    assert "0 thư mới, 0 thư trùng, 0 thư lỗi" in second.stdout
    assert len(register.json("report", "submissions")["submissions"]) == count  # type: ignore[arg-type]


def test_new_mail_after_a_poll_is_picked_up_alone(register: Register) -> None:
    entries = manifest()
    first, rest = entries[:3], entries[3:]
    for entry in first:
        register.dovecot.append(
            (SAMPLES / entry["file"]).read_bytes(), entry["received_at"], folder=register.folder
        )
    assert "3 thư mới" in register.run("poll").stdout
    for entry in rest:
        register.dovecot.append(
            (SAMPLES / entry["file"]).read_bytes(), entry["received_at"], folder=register.folder
        )
    assert f"{len(rest)} thư mới, 0 thư trùng" in register.run("poll").stdout
    assert len(register.json("report", "submissions")["submissions"]) == len(entries)  # type: ignore[arg-type]


def test_every_public_real_world_message_is_stored_and_none_crashes_the_poll(
    register: Register,
) -> None:
    files = sorted(CORPUS.glob("*.eml"))
    assert files, f"no corpus at {CORPUS}"
    for path in files:
        register.dovecot.append(path.read_bytes(), _received(), folder=register.folder)
    poll = register.run("poll")
    rows = register.json("report", "submissions")["submissions"]
    assert len(rows) == len(files)  # type: ignore[arg-type]
    assert "0 thư trùng" in poll.stdout


def test_a_refused_login_fails_the_poll_and_is_shown_in_status(register: Register) -> None:
    result = register.run("poll", check=False, password="not-the-password")
    assert result.returncode == 1
    assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ" in result.stdout
    checked = register.run("status", check=False)
    assert checked.returncode == 1  # never polled successfully: unhealthy
    status = checked.stdout
    assert "Lỗi lần cuối" in status
    assert "not-the-password" not in result.stdout + result.stderr + status


def _received() -> datetime:
    return datetime(2024, 6, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def test_a_scanned_pdf_and_a_rar_archive_are_read_through_the_poll(register: Register) -> None:
    message = email.message.EmailMessage()
    message["From"] = "UBND xã An Cơ <ubnd.anco.2024@gmail.com>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Xã An Cơ gửi sáng kiến (bản scan và hồ sơ nén)"
    message["Message-ID"] = "<scan-and-rar@gmail.com>"
    message.set_content("Kính gửi Phòng Nội vụ,\n\nTrân trọng.\nUBND xã An Cơ")
    message.add_attachment(
        scanned_pdf(PAGE_ONE), maintype="application", subtype="pdf", filename="Bản scan.pdf"
    )
    docx = (ROOT / "tests" / "data" / "parsers" / "report-an-co.docx").read_bytes()
    message.add_attachment(
        stored_rar(("Hồ sơ/Báo cáo An Cơ.docx", docx)),
        maintype="application",
        subtype="vnd.rar",
        filename="Hồ sơ An Cơ.rar",
    )
    register.dovecot.append(message.as_bytes(), _received(), folder=register.folder)

    assert "1 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout

    [row] = register.json("report", "submissions")["submissions"]  # type: ignore[misc]
    files = {a["filename"]: a for a in row["attachments"]}
    scan = files["Bản scan.pdf"]
    assert (scan["extract_status"], scan["extract_reason"]) == (
        "ok",
        "OCR (tesseract, vie): 1 page",
    )
    member = files["Báo cáo An Cơ.docx"]
    assert (member["parent"], member["extract_status"]) == ("Hồ sơ An Cơ.rar", "ok")
    assert TITLE in [i["title"] for i in row["initiatives"]]
    assert len(row["initiatives"]) == 2  # the scan's and the archived report's
    assert (row["unit"], row["status"]) == ("xa-an-co", "accepted")
