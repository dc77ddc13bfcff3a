"""Someone else cannot make a unit look compliant: spoofed senders through Dovecot and `poll`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from reports.render import REASON_LABELS
from tests.e2e.conftest import Register
from tests.e2e.test_digest import configure_mail
from tests.parsers.test_classify import spoof_mail
from tests.smtp_sandbox import SmtpSandbox, smtp_server

pytestmark = pytest.mark.dovecot
__all__ = ["smtp_server"]

UNIT = "vanthu.hoahoi@tayninh.gov.vn"  # xa-hoa-hoi in the demo address book
NAME = "=?utf-8?b?VUJORCB4w6MgSMOyYSBI4buZaQ==?="  # "UBND xã Hòa Hội"
RECEIVED = datetime(2024, 6, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))

# (Message-ID, headers, from, unit, status, reasons, sender, reply_to)
CASES: list[tuple[str, str, str, str | None, str, list[str], str | None, list[str]]] = [
    (
        "<quoted@evil.example>",
        f'From: "{UNIT}" <attacker@evil.example>',
        "attacker@evil.example",
        None,
        "needs_review",
        ["unknown_unit"],
        None,
        [],
    ),
    (
        "<unquoted@evil.example>",
        f"From: {UNIT} <attacker@evil.example>",
        "attacker@evil.example",
        None,
        "needs_review",
        ["unknown_unit"],
        None,
        [],
    ),
    (
        "<two@evil.example>",
        f"From: {UNIT}, attacker@evil.example",
        f"{UNIT}, attacker@evil.example",
        None,
        "needs_review",
        ["ambiguous_sender"],
        None,
        [],
    ),
    (
        "<group@evil.example>",
        f"From: undisclosed: {UNIT}, attacker@evil.example;",
        f"{UNIT}, attacker@evil.example",
        None,
        "needs_review",
        ["ambiguous_sender"],
        None,
        [],
    ),
    (
        "<reply-to@evil.example>",
        f"From: attacker@evil.example\nReply-To: {UNIT}",
        "attacker@evil.example",
        None,
        "needs_review",
        ["unknown_unit", "reply_to_differs"],
        None,
        [UNIT],
    ),
    (
        "<sender@evil.example>",
        f"From: attacker@evil.example\nSender: {UNIT}",
        "attacker@evil.example",
        None,
        "needs_review",
        ["unknown_unit", "reply_to_differs"],
        UNIT,
        [],
    ),
    (
        "<by-name@evil.example>",
        f"From: {NAME} <attacker@evil.example>",
        "attacker@evil.example",
        "xa-hoa-hoi",
        "accepted",
        ["new_sender_address"],
        None,
        [],
    ),
]


def deliver(register: Register, cases: list[tuple[Any, ...]]) -> None:
    for message_id, headers, *_ in cases:
        raw = spoof_mail(headers, message_id)
        register.dovecot.append(raw, RECEIVED, folder=register.folder)


def test_spoofed_senders_are_not_taken_for_the_unit_and_staff_see_every_address(
    register: Register,
) -> None:
    deliver(register, CASES)
    assert f"{len(CASES)} thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout

    rows = {r["message_id"]: r for r in register.json("report", "submissions")["submissions"]}  # type: ignore[union-attr]
    for message_id, _, sent_from, unit, status, reasons, sender, reply_to in CASES:
        row = rows[message_id]
        assert (row["from"], row["unit"], row["status"]) == (sent_from, unit, status), message_id
        assert (row["reasons"], row["sender"], row["reply_to"]) == (reasons, sender, reply_to)
    compliance = {u["code"]: u["status"] for u in register.json("report", "compliance")["units"]}  # type: ignore[union-attr]
    assert compliance["xa-hoa-hoi"] == "on_time"  # by name only, flagged

    listed = json.loads(register.run("review", "list", "--format", "json").stdout)["messages"]
    waiting = {m["from"]: m for m in listed}
    assert len(listed) == sum(1 for c in CASES if c[4] == "needs_review")
    assert waiting[f"{UNIT}, attacker@evil.example"]["reasons"] == ["ambiguous_sender"]
    assert waiting[f"{UNIT}, attacker@evil.example"]["candidates"] == ["xa-hoa-hoi"]
    assert {(m["sender"], tuple(m["reply_to"])) for m in listed} == {
        (None, ()),
        (None, (UNIT,)),
        (UNIT, ()),
    }
    table = register.run("review", "list").stdout
    assert REASON_LABELS["ambiguous_sender"] in table
    assert REASON_LABELS["reply_to_differs"] in table


def test_a_unit_named_from_a_new_address_is_flagged_listed_and_told(
    register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(register, smtp_server)
    deliver(register, [c for c in CASES if c[0] == "<by-name@evil.example>"])
    register.run("poll")

    by_address = {tuple(m.rcpt_tos): m.message for m in smtp_server.received}
    assert set(by_address) == {("attacker@evil.example",), (UNIT,)}
    receipt, copy = by_address[("attacker@evil.example",)], by_address[(UNIT,)]
    assert receipt["In-Reply-To"].strip() == "<by-name@evil.example>"
    text = receipt.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Thư được gửi từ địa chỉ mới attacker@evil.example" in text
    assert UNIT not in str(receipt["To"])
    notice = copy.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Kính gửi UBND xã Hòa Hội," in notice
    assert "từ địa chỉ attacker@evil.example." in notice

    digest = register.run("digest", "--date", "2024-06-21").stdout
    section = digest[digest.index("THƯ TỪ ĐỊA CHỈ MỚI (1)") : digest.index("1. THƯ MỚI")]
    assert "— UBND xã Hòa Hội" in section
    assert "UBND xã Hòa Hội <attacker@evil.example>" in section
