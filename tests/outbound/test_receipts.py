"""Receipts queued in the outbox from the register, on a real database (both backends)."""

from __future__ import annotations

import email
import email.message
import email.policy
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from app.config import load_config
from outbound.notify import enqueue_receipts
from parsers.roster import Roster, Unit, UnitKind
from store.db import SessionFactory
from store.models import LearnedAddress, OutboxMail
from tests.outbound.test_outbox_delivery import smtp_config
from tests.store.register import store_message

ROOT = Path(__file__).resolve().parents[2]
ICT = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 20, 3, 0, tzinfo=UTC)
CONFIG = replace(load_config(ROOT / "config.toml"), smtp=smtp_config(2525))
ROSTER = Roster(
    units=(
        Unit("xa-hoa-hoi", "UBND xã Hòa Hội", UnitKind.COMMUNE, True, ("hoahoi@tayninh.gov.vn",)),
        Unit("xa-an-co", "UBND xã An Cơ", UnitKind.COMMUNE, True),
    ),
    addresses={"vanthu.hoahoi@tayninh.gov.vn": "xa-hoa-hoi"},
)


@dataclass(frozen=True)
class Queued:
    recipients: tuple[str, ...]
    to: str
    in_reply_to: str | None
    subject: str
    text: str


def queued(sessions: SessionFactory) -> dict[str, Queued]:
    """Return the outbox by dedupe key, each mail as its recipients and headers say."""
    with sessions() as session:
        rows = session.execute(
            select(OutboxMail.dedupe_key, OutboxMail.recipients, OutboxMail.raw)
        ).all()
    found = {}
    for key, recipients, raw in rows:
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(mail, email.message.EmailMessage)
        body = mail.get_body(("plain",))
        assert body is not None
        found[key] = Queued(
            tuple(recipients),
            str(mail["To"]),
            mail["In-Reply-To"],
            str(mail["Subject"]),
            body.get_content(),
        )
    return found


def learn(sessions: SessionFactory, address: str, unit: str) -> None:
    with sessions.begin() as session:
        session.add(
            LearnedAddress(address=address, unit_code=unit, learned_by="lan", learned_at=NOW)
        )


def test_mail_from_a_new_address_is_acknowledged_and_copied_to_every_known_address(
    sessions: SessionFactory,
) -> None:
    learn(sessions, "chutich.hoahoi@gmail.com", "xa-hoa-hoi")
    learn(sessions, "other@gmail.com", "xa-an-co")
    ident = store_message(
        sessions,
        1,
        datetime(2024, 6, 20, 9, 0, tzinfo=ICT),
        "xa-hoa-hoi",
        reasons=("new_sender_address",),
        from_address="attacker@evil.example",
    )
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 2
    mails = queued(sessions)
    assert set(mails) == {f"receipt:{ident}", f"receipt-copy:{ident}"}
    receipt, copy = mails[f"receipt:{ident}"], mails[f"receipt-copy:{ident}"]
    # The sender is answered alone: the unit's addresses are not shown to it.
    assert (receipt.recipients, receipt.to) == (("attacker@evil.example",), "attacker@evil.example")
    assert receipt.in_reply_to == f"<m{ident}@example.vn>"
    assert "Thư được gửi từ địa chỉ mới attacker@evil.example" in receipt.text
    assert copy.recipients == (
        "hoahoi@tayninh.gov.vn",
        "vanthu.hoahoi@tayninh.gov.vn",
        "chutich.hoahoi@gmail.com",
    )
    assert copy.in_reply_to is None
    assert copy.subject == (
        "Bản sao xác nhận: thư nhân danh UBND xã Hòa Hội từ địa chỉ mới attacker@evil.example"
    )
    assert "Nếu quý đơn vị không gửi thư này, xin báo ngay cho Phòng Nội vụ." in copy.text
    # Queued once: a later poll adds nothing.
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 0


def test_mail_from_a_known_address_gets_one_receipt_and_no_copy(sessions: SessionFactory) -> None:
    ident = store_message(
        sessions,
        1,
        datetime(2024, 6, 20, 9, 0, tzinfo=ICT),
        "xa-hoa-hoi",
        from_address="vanthu.hoahoi@tayninh.gov.vn",
    )
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 1
    [(key, receipt)] = queued(sessions).items()
    assert (key, receipt.recipients) == (f"receipt:{ident}", ("vanthu.hoahoi@tayninh.gov.vn",))
    assert "địa chỉ mới" not in receipt.text


def test_a_new_address_without_a_usable_sender_still_reaches_the_unit(
    sessions: SessionFactory,
) -> None:
    ident = store_message(
        sessions,
        1,
        datetime(2024, 6, 20, 9, 0, tzinfo=ICT),
        "xa-hoa-hoi",
        reasons=("new_sender_address",),
        from_address="",
    )
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 1
    assert list(queued(sessions)) == [f"receipt-copy:{ident}"]
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 0


def test_a_learned_address_that_is_no_single_address_is_skipped_not_a_failure(
    sessions: SessionFactory,
) -> None:
    # `review assign --remember-address` on a From with two addresses learns them as one text.
    learn(sessions, "a@gmail.com, b@gmail.com", "xa-hoa-hoi")
    ident = store_message(
        sessions,
        1,
        datetime(2024, 6, 20, 9, 0, tzinfo=ICT),
        "xa-hoa-hoi",
        reasons=("new_sender_address",),
        from_address="attacker@evil.example",
    )
    assert enqueue_receipts(sessions, CONFIG, ROSTER, NOW) == 2
    assert queued(sessions)[f"receipt-copy:{ident}"].recipients == (
        "hoahoi@tayninh.gov.vn",
        "vanthu.hoahoi@tayninh.gov.vn",
    )
