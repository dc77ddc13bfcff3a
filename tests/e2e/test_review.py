"""Staff review through the real CLI: list, assign, remember, accept, ignore, reprocess."""

from __future__ import annotations

import json
import tomllib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Register

pytestmark = pytest.mark.dovecot

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "mail"
UNKNOWN = "14-unknown-sender.eml"
DRIVE_LINK = "07-y-te-drive-link.eml"


def entry(name: str) -> dict[str, Any]:
    with (SAMPLES / "manifest.toml").open("rb") as handle:
        return next(e for e in tomllib.load(handle)["message"] if e["file"] == name)


def deliver(register: Register, name: str, raw: bytes | None = None) -> None:
    item = entry(name)
    data = raw if raw is not None else (SAMPLES / name).read_bytes()
    register.dovecot.append(data, item["received_at"], folder=register.folder)


def review_list(register: Register) -> list[dict[str, Any]]:
    messages = json.loads(register.run("review", "list", "--format", "json").stdout)["messages"]
    assert isinstance(messages, list)
    return messages


def submissions(register: Register) -> list[dict[str, Any]]:
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    return rows


def test_an_assigned_and_remembered_sender_is_known_by_address_next_time(
    register: Register,
) -> None:
    deliver(register, UNKNOWN)
    register.run("poll")
    [waiting] = review_list(register)
    assert (waiting["from"], waiting["unit"], waiting["reasons"], waiting["documents"]) == (
        "nva.tn1987@gmail.com",
        None,
        ["unknown_unit"],
        1,
    )
    table = register.run("review", "list").stdout
    assert "1 thư cần xem xét" in table and "Không rõ đơn vị gửi (địa chỉ lạ)" in table

    result = register.run(
        "review", "assign", str(waiting["id"]), "xa-tri-binh", "--remember-address", "--by", "lan"
    )
    assert "đã gán cho UBND xã Trí Bình (xa-tri-binh)" in result.stdout
    assert "Đã ghi nhớ địa chỉ nva.tn1987@gmail.com" in result.stdout
    assert review_list(register) == []
    [row] = submissions(register)
    assert (row["unit"], row["unit_source"], row["status"]) == ("xa-tri-binh", "manual", "accepted")

    # The same person writes again: a new message, identified by the learned address.
    again = (SAMPLES / UNKNOWN).read_bytes().replace(b"@mail.gmail.com>", b".2@mail.gmail.com>", 1)
    deliver(register, UNKNOWN, again)
    assert "1 thư mới" in register.run("poll").stdout
    second = [r for r in submissions(register) if r["id"] != row["id"]]
    assert [(r["unit"], r["unit_source"], r["status"]) for r in second] == [
        ("xa-tri-binh", "address", "accepted")
    ]


def test_decisions_survive_reprocessing(register: Register) -> None:
    deliver(register, UNKNOWN)
    deliver(register, DRIVE_LINK)
    register.run("poll")
    ids = {r["from"]: r["id"] for r in review_list(register)}
    unknown, drive = ids["nva.tn1987@gmail.com"], ids["pyt.chauthanh@tayninh.gov.vn"]
    register.run("review", "assign", str(unknown), "xa-an-binh", "--by", "lan")
    register.run("review", "accept", str(drive), "--by", "minh")

    register.run("reprocess", "--all")
    rows = {r["id"]: r for r in submissions(register)}
    assert (rows[unknown]["unit"], rows[unknown]["unit_source"], rows[unknown]["status"]) == (
        "xa-an-binh",
        "manual",
        "accepted",
    )
    # Accepted by a person although the file is only a drive link: the flag stays visible.
    assert (rows[drive]["unit"], rows[drive]["status"], rows[drive]["reasons"]) == (
        "phong-y-te",
        "accepted",
        ["no_document"],
    )


def test_an_ignored_message_leaves_the_review_list(register: Register) -> None:
    deliver(register, UNKNOWN)
    register.run("poll")
    [waiting] = review_list(register)
    result = register.run("review", "ignore", str(waiting["id"]), "--reason", "thư cá nhân")
    assert "đã bỏ qua" in result.stdout
    assert review_list(register) == []
    assert [r["status"] for r in submissions(register)] == ["ignored"]


def test_impossible_decisions_are_refused_in_vietnamese(register: Register) -> None:
    deliver(register, UNKNOWN)
    register.run("poll")
    [waiting] = review_list(register)
    message_id = str(waiting["id"])

    no_unit = register.run("review", "accept", message_id, check=False)
    assert no_unit.returncode == 2
    assert "chưa có đơn vị: hãy gán đơn vị trước" in no_unit.stderr

    bad_code = register.run("review", "assign", message_id, "xa-khong-co", check=False)
    assert bad_code.returncode == 2
    assert "Không có đơn vị mã 'xa-khong-co'" in bad_code.stderr

    missing = register.run("review", "ignore", "99999", check=False)
    assert missing.returncode == 2
    assert "Không có thư mã 99999" in missing.stderr
    assert len(review_list(register)) == 1


def test_conflicting_names_are_listed_with_their_candidates(register: Register) -> None:
    message = EmailMessage()
    message["From"] = "UBND xã An Cơ <canbo.anco@gmail.com>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "UBND xã Trí Bình gửi sáng kiến CCHC năm 2024"
    message["Message-ID"] = "<conflict.1@gmail.com>"
    message.set_content("Kính gửi Phòng Nội vụ,\n\nGửi sáng kiến qua đường dẫn.\n\nTrân trọng.")
    register.dovecot.append(
        message.as_bytes(), entry(UNKNOWN)["received_at"], folder=register.folder
    )
    register.run("poll")
    [waiting] = review_list(register)
    assert (waiting["unit"], waiting["reasons"], waiting["candidates"]) == (
        None,
        ["ambiguous_unit", "no_document"],
        ["xa-an-co", "xa-tri-binh"],
    )
    table = register.run("review", "list").stdout
    assert (
        "Thư chỉ ra nhiều đơn vị khác nhau, Không có" in table and "xa-an-co, xa-tri-binh" in table
    )
