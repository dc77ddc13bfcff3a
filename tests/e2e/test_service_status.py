"""`status` as a health check, and `check-config`, against the real Dovecot, databases, SMTP."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from store.db import make_engine, make_session_factory
from store.write import mark_failed
from tests.e2e.conftest import ROOT, Register
from tests.e2e.test_digest import configure_mail
from tests.smtp_sandbox import SmtpSandbox, free_port, smtp_server

__all__ = ["smtp_server"]
#: For what does not depend on the database backend, SQLite alone.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SAMPLES = ROOT / "tests" / "data" / "mail"


def status_json(register: Register, *args: str) -> tuple[int, dict[str, object]]:
    result = register.run("status", "--format", "json", *args, check=False)
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return result.returncode, data


def test_status_is_unhealthy_before_the_first_successful_poll(register: Register) -> None:
    code, data = status_json(register)
    assert code == 1
    assert data["healthy"] is False
    [box] = data["mailboxes"]  # type: ignore[misc]
    assert (box["mailbox"], box["problem"], box["last_success_at"]) == (
        "phongnv",
        "never_polled",
        None,
    )


def test_status_reports_progress_queues_and_the_last_digest_and_exits_0_when_recent(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    register.run("digest", "--date", "2024-06-26", "--send")
    code, data = status_json(register)
    assert code == 0
    [box] = data["mailboxes"]  # type: ignore[misc]
    assert box["healthy"] is True
    assert box["last_uid"] == count and box["messages"] == count
    assert isinstance(box["uidvalidity"], int)
    assert box["last_error"] is None
    queues = data["queues"]
    assert isinstance(queues, dict)
    assert sum(queues[k] for k in ("pending", "needs_review", "accepted", "ignored")) == count
    assert queues["pending"] == 0 and queues["needs_review"] > 0
    assert data["outbox"] == {"pending": 0, "sending": 0, "sent": 1, "failed": 0, "uncertain": 0}
    digest = data["last_digest"]
    assert isinstance(digest, dict)
    assert (digest["for_date"], digest["status"]) == ("2024-06-26", "sent")
    text = register.run("status").stdout
    assert "Tình trạng: BÌNH THƯỜNG" in text
    assert "Bản tin hằng ngày gần nhất: ngày 26/06/2024, đã gửi lúc" in text


def test_status_exits_1_when_the_last_successful_poll_is_older_than_max_age(
    register: Register,
) -> None:
    register.run("poll")
    time.sleep(2)
    code, data = status_json(register, "--max-age", "1s")
    assert code == 1
    assert data["mailboxes"][0]["problem"] == "stale"  # type: ignore[index]
    result = register.run("status", "--max-age", "1s", check=False)
    assert result.returncode == 1
    assert "Tình trạng: CÓ VẤN ĐỀ — không đọc được hộp thư phongnv" in result.stdout
    assert register.run("status", "--max-age", "1h").returncode == 0


@sqlite_only
def test_status_follows_stale_after_from_the_config(register: Register) -> None:
    register.run("poll")
    time.sleep(2)
    text = register.config.read_text(encoding="utf-8")
    register.config.write_text(
        text.replace('poll_every = "5m"\n', 'poll_every = "5m"\nstale_after = "1s"\n')
    )
    assert register.run("status", check=False).returncode == 1


def test_status_is_unhealthy_while_a_failed_message_waits_for_a_person_and_says_so(
    register: Register, database_url: str
) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    assert register.run("status").returncode == 0
    with make_session_factory(make_engine(database_url)).begin() as session:
        mark_failed(session, 1, "ValueError: unreadable")  # as a poison message leaves it

    code, data = status_json(register)
    assert code == 1
    assert data["healthy"] is False
    assert data["problems"] == ["analysis_failed"]
    assert all(box["healthy"] for box in data["mailboxes"])  # type: ignore[union-attr]
    text = register.run("status", check=False).stdout
    assert "Tình trạng: CÓ VẤN ĐỀ — 1 thư phân tích lỗi chưa ai xử lý" in text
    assert "BÌNH THƯỜNG" not in text

    register.run("review", "ignore", "1", "--reason", "thư hỏng")  # a person decided
    code, data = status_json(register)
    assert (code, data["problems"]) == (0, [])


# ---------------------------------------------------------------- check-config


def test_check_config_on_a_working_setup_says_so_and_exits_0(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    result = register.run("check-config")
    out = result.stdout
    assert "[ LỖI ]" not in out
    assert "Danh sách đơn vị" in out and "36 đơn vị" in out
    assert "lược đồ mới nhất" in out
    # scripts/setup installs every reader: nothing is left unread on this machine.
    assert "[ OK ] Đọc tệp .doc (Word 97): có antiword" in out
    assert "[ OK ] Giải nén tệp .rar: có libarchive" in out
    assert "[ OK ] Đọc bản quét PDF (OCR): có tesseract với dữ liệu tiếng Việt" in out
    assert f"thư mục {register.folder} có 0 thư (máy chủ có IDLE)" in out
    assert "kết nối và chào hỏi (EHLO) được; không gửi thư nào" in out
    assert out.rstrip().endswith("Cấu hình dùng được.")
    assert smtp_server.received == []


@sqlite_only
def test_check_config_names_a_refused_login_without_the_password(register: Register) -> None:
    result = register.run("check-config", check=False, password="wrong-secret-123")
    assert result.returncode == 1
    assert "[ LỖI ] Hộp thư phongnv:" in result.stdout
    assert "wrong-secret-123" not in result.stdout + result.stderr


@sqlite_only
def test_check_config_warns_when_ocr_and_doc_readers_are_missing(register: Register) -> None:
    # A PATH with Python but without antiword, tesseract or pdftoppm.
    bare = register.config.parent / "bin"
    bare.mkdir()
    result = register.run("check-config", check=False, path=str(bare))
    assert result.returncode == 0, result.stdout  # warnings, not errors: the rest still works
    assert "[CẢNH BÁO] Đọc tệp .doc (Word 97): chưa cài antiword" in result.stdout
    assert (
        "[CẢNH BÁO] Đọc bản quét PDF (OCR): không dùng được (tesseract is not installed)"
        in result.stdout
    )


@sqlite_only
def test_check_config_names_a_missing_folder(register: Register) -> None:
    text = register.config.read_text(encoding="utf-8")
    register.config.write_text(text.replace(f'folder = "{register.folder}"', 'folder = "Khong-co"'))
    result = register.run("check-config", check=False)
    assert result.returncode == 1
    assert "không có thư mục 'Khong-co'" in result.stdout


@sqlite_only
def test_check_config_reports_an_unreachable_smtp_server(register: Register) -> None:
    configure_mail(register, SmtpSandbox(port=free_port()))  # nothing listens there
    result = register.run("check-config", check=False)
    assert result.returncode == 1
    assert "[ LỖI ] Máy chủ gửi thư 127.0.0.1" in result.stdout


@sqlite_only
def test_check_config_on_a_database_never_upgraded_changes_nothing(
    register: Register, tmp_path: Path
) -> None:
    database = tmp_path / "new" / "fresh.db"
    text = register.config.read_text(encoding="utf-8")
    start = text.index('url = "')
    end = text.index('"\n', start + 7)
    register.config.write_text(text[:start] + f'url = "sqlite:///{database}' + text[end:])
    result = register.run("check-config", check=False)
    assert result.returncode == 1
    assert "chưa có, hãy chạy `cchc-inbox db upgrade`" in result.stdout
    assert not database.exists() and not database.parent.exists()


@sqlite_only
def test_check_config_reports_an_unreachable_database(register: Register) -> None:
    text = register.config.read_text(encoding="utf-8")
    start = text.index('url = "')
    end = text.index('"\n', start + 7)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    register.config.write_text(text[:start] + f'url = "{url}' + text[end:])
    result = register.run("check-config", check=False)
    assert result.returncode == 1
    assert "[ LỖI ] Cơ sở dữ liệu" in result.stdout and "không kết nối được" in result.stdout


@sqlite_only
def test_check_config_on_an_invalid_file_names_the_key(register: Register) -> None:
    text = register.config.read_text(encoding="utf-8")
    register.config.write_text(text.replace('poll_every = "5m"', 'poll_every = "often"'))
    result = register.run("check-config", check=False)
    assert result.returncode == 1
    assert "[ LỖI ] Tệp cấu hình" in result.stdout and "[schedule].poll_every" in result.stdout


@sqlite_only
def test_status_exits_1_with_one_line_when_the_database_is_unreachable(
    register: Register,
) -> None:
    text = register.config.read_text(encoding="utf-8")
    start = text.index('url = "')
    end = text.index('"\n', start + 7)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    register.config.write_text(text[:start] + f'url = "{url}' + text[end:])
    result = register.run("status", check=False)
    assert result.returncode == 1
    assert "Không kết nối được cơ sở dữ liệu" in result.stderr
    assert "Traceback" not in result.stderr
