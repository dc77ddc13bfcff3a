"""Store messages as the worker would leave them (tallies included), for tests of the read side."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from parsers.text import normalise_title, search_form
from store.db import SessionFactory
from store.models import Attachment, Initiative, Message
from store.tallies import refresh_unit_tallies


def store_message(
    sessions: SessionFactory,
    uid: int,
    received_at: datetime,
    unit: str | None = "xa-thai-binh",
    **options: Any,
) -> int:
    """Store a message whose files are (file name, title read from it or None); return its id.

    A file ending in .png is not a document. ``options`` are ``add_message_rows``'s.
    """
    with sessions.begin() as session:
        return add_message_rows(session, uid, received_at, unit, **options)


def add_message_rows(
    session: Session,
    uid: int,
    received_at: datetime,
    unit: str | None = "xa-thai-binh",
    *,
    timing: str | None = "on_time",
    status: str | None = "accepted",
    parse_status: str = "ok",
    reasons: tuple[str, ...] = (),
    subject: str = "Gửi sáng kiến",
    files: tuple[tuple[str, str | None], ...] = (("sang-kien.docx", "Số hóa hồ sơ"),),
    tally: bool = True,
    from_address: str = "tb@tayninh.gov.vn",
    from_name: str = "Văn thư",
    authors: tuple[str, ...] = ("Nguyễn Văn A",),
    sender: str | None = None,
    reply_to: tuple[str, ...] = (),
    campaign: str | None = "2024",
) -> int:
    """Add a message's rows in the caller's transaction; ``tally=False`` leaves the tallies.

    ``files`` are (file name, title read from it or None); a .png is not a document.
    """
    values: dict[str, Any] = {
        "mailbox": "phongnv",
        "folder": "INBOX",
        "uidvalidity": 1,
        "uid": uid,
        "sha256": f"{uid:064x}",
        "size": 100,
        "received_at": received_at,
        "fetched_at": received_at,
        "rfc_message_id": f"<m{uid}@example.vn>",
        "from_address": from_address,
        "from_name": from_name,
        "subject": subject,
        "search_text": search_form(
            " ".join([subject, from_address, from_name, *(f for f, _ in files)])
        ),
        "parse_status": parse_status,
        "unit_code": unit,
        "unit_source": "address" if unit else None,
        "timing": timing,
        "status": status,
        "reasons": list(reasons),
        "candidates": [],
        # A judged message (one with a timing) belongs to ``campaign``.
        "campaign_code": campaign if timing else None,
        "campaign_candidates": [],
        "campaign_timings": {campaign: timing} if campaign and timing else {},
    }
    values |= {"sender": sender, "reply_to": list(reply_to)}
    # Only the columns the database has: a test may fill a register migrated to an
    # older revision (and see it upgraded).
    present = {c["name"] for c in inspect(session.connection()).get_columns("messages")}
    values = {key: value for key, value in values.items() if key in present}
    message_id = session.scalar(insert(Message).values(values).returning(Message.id))
    assert message_id is not None
    for position, (filename, title) in enumerate(files):
        attachment = Attachment(
            message_id=message_id,
            position=position,
            filename=filename,
            content_type="application/pdf",
            size=10 + position,
            sha256=f"{position:064x}",
            is_document=not filename.endswith(".png"),
            extract_status="ok",
            text_chars=10,
        )
        session.add(attachment)
        session.flush()
        if title:
            session.add(
                Initiative(
                    message_id=message_id,
                    attachment_id=attachment.id,
                    title=title,
                    title_key=normalise_title(title),
                    field="Cải cách thủ tục hành chính",
                    authors=list(authors),
                )
            )
    if tally:  # the worker's writes keep the unit's tallies; so must this one
        refresh_unit_tallies(session, [unit])
    return message_id
