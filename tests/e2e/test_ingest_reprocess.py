"""`cchc-inbox reprocess` re-analyses stored raw mail after a roster change, without IMAP."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import make_engine, make_session_factory
from store.read import list_submissions
from store.write import mark_failed
from tests.e2e.conftest import ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message, set_config_value

pytestmark = pytest.mark.dovecot
DEMO_BOOK = ROOT / "demo" / "addresses.toml"


def units_by_message_id(register: Register) -> dict[str, str | None]:
    rows = register.json("report", "submissions")["submissions"]
    return {r["message_id"]: r["unit"] for r in rows}  # type: ignore[index, union-attr]


def learn_addresses(register: Register, tmp_path: Path, lines: str) -> None:
    book = tmp_path / "addresses.toml"
    book.write_text(DEMO_BOOK.read_text(encoding="utf-8") + lines, encoding="utf-8")
    set_config_value(
        register.config, f'addresses_file = "{DEMO_BOOK}"', f'addresses_file = "{book}"'
    )


def cut_off_imap(register: Register) -> None:
    text = register.config.read_text(encoding="utf-8")
    register.config.write_text(
        text.replace(f"port = {register.dovecot.port}\n", "port = 1\n"), encoding="utf-8"
    )


def test_reprocess_all_applies_a_new_address_book_to_stored_mail_without_imap(
    register: Register, tmp_path: Path
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    register.run("poll")
    assert set(units_by_message_id(register).values()) == {None}

    learn_addresses(register, tmp_path, '"canbo1@example.vn" = "xa-an-binh"\n')
    cut_off_imap(register)
    out = register.run("reprocess", "--all").stdout
    assert "Đã phân tích lại 3 thư: 3 thành công, 0 thư lỗi" in out
    assert units_by_message_id(register) == {
        "<gen-0@test.cchc>": None,
        "<gen-1@test.cchc>": "xa-an-binh",
        "<gen-2@test.cchc>": None,
    }


def test_reprocess_by_id_touches_only_the_messages_named(
    register: Register, tmp_path: Path
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    register.run("poll")
    rows = register.json("report", "submissions")["submissions"]
    ids = {r["message_id"]: r["id"] for r in rows}  # type: ignore[index, union-attr]

    learn_addresses(
        register,
        tmp_path,
        '"canbo0@example.vn" = "xa-an-co"\n"canbo2@example.vn" = "xa-an-binh"\n',
    )
    cut_off_imap(register)
    register.run("reprocess", str(ids["<gen-2@test.cchc>"]))
    assert units_by_message_id(register) == {
        "<gen-0@test.cchc>": None,
        "<gen-1@test.cchc>": None,
        "<gen-2@test.cchc>": "xa-an-binh",
    }


def test_reprocess_of_an_unknown_id_says_so_and_fails(register: Register) -> None:
    result = register.run("reprocess", "424242", check=False)
    assert result.returncode == 1
    assert "Không tìm thấy thư số: 424242" in result.stderr


def test_reprocess_failed_retries_only_messages_whose_analysis_failed(
    register: Register, database_url: str
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    register.run("poll")
    sessions = make_session_factory(make_engine(database_url))
    with sessions.begin() as session:
        failed_id = list_submissions(session)[1].id
        mark_failed(session, failed_id, "RuntimeError: parser bug fixed since")
    out = register.run("reprocess", "--failed").stdout
    assert "Đã phân tích lại 1 thư: 1 thành công, 0 thư lỗi" in out
    with sessions() as session:
        rows = list_submissions(session)
    assert all(r.parse_status == "ok" for r in rows)
    assert all("parse_failed" not in r.reasons for r in rows)


def test_reprocess_wants_exactly_one_selection(register: Register) -> None:
    result = register.run("reprocess", "--all", "--failed", check=False)
    assert result.returncode == 2
    assert "chọn đúng một trong --all, --failed hoặc các số thư (ID)" in result.stderr


def test_reprocess_keeps_a_unit_that_staff_assigned_by_hand(register: Register) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    register.run("poll")
    rows = register.json("report", "submissions")["submissions"]
    ids = {r["message_id"]: r["id"] for r in rows}  # type: ignore[index, union-attr]
    register.run("review", "assign", str(ids["<gen-0@test.cchc>"]), "xa-an-co", "--by", "test")

    register.run("reprocess", "--all")
    assert units_by_message_id(register) == {
        "<gen-0@test.cchc>": "xa-an-co",
        "<gen-1@test.cchc>": None,
    }
