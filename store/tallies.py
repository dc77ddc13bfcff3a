"""Each unit's initiatives, kept current on every write, so reports never read every message.

An initiative is a distinct title key among a unit's counted mail in one
campaign (accepted, with a unit, a campaign and a timing), or, for a document
no title was read from, ``"file:"`` plus its normalised name.
``unit_initiatives`` holds one row per (campaign, unit, key) with the first
time a copy arrived and the first time an early or on-time copy arrived;
``unit_tallies`` holds each unit's first counted message in each campaign.
From these two small tables the standing of every unit at any moment is one
grouped read, whatever the size of the register.

Whatever changes what a message counts for (its unit, status or timing, its
documents and titles) updates them in the same transaction: new mail is added
with ``add_to_unit_tallies``; mail that counted before has its units counted
again with ``refresh_unit_tallies``. ``store.write`` and ``store.decisions`` do.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from parsers.text import normalise_title
from store.models import Attachment, Initiative, Message, UnitInitiative, UnitTallyRow

#: The timings that make a copy of an initiative count as on time.
ON_TIME_TIMINGS = ("early", "on_time")
#: Units refreshed per statement (bound parameters stay few).
_CHUNK = 500


def document_key(filename: str) -> str:
    """Return the initiative key of a document no title was read from: its normalised name."""
    return "file:" + normalise_title(filename)


@dataclass(frozen=True)
class UnitTally:
    """A unit's accepted mail, counted as initiatives (distinct titles or untitled files)."""

    on_time: int  # initiatives with at least one copy received early or on time
    initiatives: int
    first_received_at: datetime  # the unit's first accepted message


@dataclass(frozen=True)
class CountedCopy:
    """One copy of an initiative (``key``) in a counted message; ``key`` None: the message."""

    campaign: str
    unit: str
    key: str | None
    received_at: datetime
    timing: str


@dataclass(frozen=True)
class KeyFirsts:
    campaign: str
    unit: str
    key: str
    first_at: datetime
    first_on_time_at: datetime | None


#: (campaign, unit): what the tallies count apart.
UnitKey = tuple[str, str]


def first_copies(
    copies: Iterable[CountedCopy],
) -> tuple[dict[UnitKey, datetime], list[KeyFirsts]]:
    """Return each (campaign, unit)'s first counted message, and each key's first copies."""
    units: dict[UnitKey, datetime] = {}
    keys: dict[tuple[str, str, str], tuple[datetime, datetime | None]] = {}
    for copy in copies:
        unit = (copy.campaign, copy.unit)
        if unit not in units or copy.received_at < units[unit]:
            units[unit] = copy.received_at
        if copy.key is None:
            continue
        key = (*unit, copy.key)
        first, on_time = keys.get(key, (copy.received_at, None))
        first = min(first, copy.received_at)
        if copy.timing in ON_TIME_TIMINGS:
            on_time = copy.received_at if on_time is None else min(on_time, copy.received_at)
        keys[key] = (first, on_time)
    return units, [KeyFirsts(c, u, k, first, on) for (c, u, k), (first, on) in keys.items()]


def refresh_unit_tallies(session: Session, units: Iterable[str | None]) -> None:
    """Count ``units`` again from their messages (after a write that changed them)."""
    codes = sorted({unit for unit in units if unit})
    if not codes:
        return
    _lock_units(session, codes)
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK]
        session.execute(delete(UnitInitiative).where(UnitInitiative.unit_code.in_(chunk)))
        session.execute(delete(UnitTallyRow).where(UnitTallyRow.unit_code.in_(chunk)))
        _write(session, first_copies(_counted_copies(session, Message.unit_code.in_(chunk))))


def add_to_unit_tallies(session: Session, message_ids: Sequence[int]) -> None:
    """Count messages that counted for nothing before (first analysed, say).

    Only adds: each (unit, key) keeps the earlier of its times. A message that
    counted before must go through ``refresh_unit_tallies``, which also drops
    what it no longer carries.
    """
    if not message_ids:
        return
    units, keys = first_copies(
        _counted_copies(session, Message.id.in_(list(message_ids)), by_id=True)
    )
    if not units:
        return
    _lock_units(session, sorted({unit for _, unit in units}))
    # Each statement is executed for a list of rows (not built with the rows as its
    # VALUES), so it is compiled once per process, not once per call.
    upsert = _upsert_for(session)
    if keys:
        rows = upsert(UnitInitiative)
        session.execute(
            rows.on_conflict_do_update(
                index_elements=[
                    UnitInitiative.campaign_code,
                    UnitInitiative.unit_code,
                    UnitInitiative.key,
                ],
                set_={
                    "first_at": _earlier(UnitInitiative.first_at, rows.excluded.first_at),
                    "first_on_time_at": _earlier(
                        UnitInitiative.first_on_time_at, rows.excluded.first_on_time_at
                    ),
                },
            ),
            _key_rows(keys),
        )
    firsts = upsert(UnitTallyRow)
    session.execute(
        firsts.on_conflict_do_update(
            index_elements=[UnitTallyRow.campaign_code, UnitTallyRow.unit_code],
            set_={"first_at": _earlier(UnitTallyRow.first_at, firsts.excluded.first_at)},
        ),
        _unit_rows(units),
    )


def _upsert_for(session: Session) -> Callable[[type[Any]], Any]:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def _earlier(kept: Any, new: Any) -> ColumnElement[Any]:
    """The earlier of two times, either of which may be null (SQL's MIN of two is not)."""
    return case((new.is_(None), kept), (kept.is_(None), new), (new < kept, new), else_=kept)


def rebuild_unit_tallies(session: Session) -> None:
    """Count every unit again from the messages (a register filled by other means)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE unit_tallies, unit_initiatives IN EXCLUSIVE MODE"))
    session.execute(delete(UnitInitiative))
    session.execute(delete(UnitTallyRow))
    _write(session, first_copies(_counted_copies(session, None)))


def compliance_tallies(
    session: Session, campaign: str, before: datetime | None = None
) -> dict[str, UnitTally]:
    """Return each unit's initiatives in a campaign's counted mail; with ``before``, as it
    stood then.

    The same counts ``reports.compliance.assess_compliance`` derives from every
    row, read from the kept tallies: a row per unit and per initiative.
    """
    on_time: ColumnElement[bool] = UnitInitiative.first_on_time_at.is_not(None)
    known: ColumnElement[bool] = UnitInitiative.first_at.is_not(None)
    if before is not None:
        on_time = and_(on_time, UnitInitiative.first_on_time_at < before)
        known = UnitInitiative.first_at < before
    keys = (
        select(
            UnitInitiative.unit_code.label("unit"),
            func.sum(case((on_time, 1), else_=0)).label("on_time"),
            func.count().label("initiatives"),
        )
        .where(known, UnitInitiative.campaign_code == campaign)
        .group_by(UnitInitiative.unit_code)
        .subquery("keys")
    )
    query = (
        select(UnitTallyRow.unit_code, keys.c.on_time, keys.c.initiatives, UnitTallyRow.first_at)
        .outerjoin(keys, keys.c.unit == UnitTallyRow.unit_code)
        .where(UnitTallyRow.campaign_code == campaign)
    )
    if before is not None:
        query = query.where(UnitTallyRow.first_at < before)
    return {
        unit: UnitTally(int(on or 0), int(total or 0), first)
        for unit, on, total, first in session.execute(query)
    }


def counted_mail() -> ColumnElement[bool]:
    """Return the condition on messages that count: accepted, with a unit, a campaign and
    a timing."""
    return and_(
        Message.status == "accepted",
        Message.unit_code.is_not(None),
        Message.campaign_code.is_not(None),
        Message.timing.is_not(None),
    )


def _counted_copies(
    session: Session, which: ColumnElement[bool] | None, *, by_id: bool = False
) -> Iterator[CountedCopy]:
    """Yield the copies of initiatives in counted mail (of ``which`` messages, or all).

    Both queries start from the messages asked for and reach their rows through
    indexes, so counting a few messages again never reads the whole register.
    With ``by_id`` (``which`` picks messages by id) whether they count is
    checked here: SQLite would otherwise read every counted message's index
    entry rather than look the few ids up. A repeated row (two files of one
    name) changes nothing: only first times count.
    """
    counted = counted_mail() if which is None else and_(counted_mail(), which)
    where = which if by_id and which is not None else counted
    titled = (
        select(
            Message.campaign_code,
            Message.unit_code,
            Initiative.title_key,
            Message.received_at,
            Message.timing,
            Message.status,
        )
        .outerjoin(Initiative, Initiative.message_id == Message.id)
        .where(where)
    )
    for campaign, unit, key, received_at, timing, status in session.execute(titled):
        if counts(status, unit, campaign, timing):
            yield CountedCopy(str(campaign), str(unit), key, received_at, str(timing))
    untitled = (
        select(
            Message.campaign_code,
            Message.unit_code,
            Attachment.filename,
            Message.received_at,
            Message.timing,
            Message.status,
        )
        .join(Attachment, Attachment.message_id == Message.id)
        .where(where, Attachment.is_document.is_(True), ~_has_title())
    )
    for campaign, unit, filename, received_at, timing, status in session.execute(untitled):
        if counts(status, unit, campaign, timing):
            key = document_key(filename)
            yield CountedCopy(str(campaign), str(unit), key, received_at, str(timing))


def counts(status: str | None, unit: str | None, campaign: str | None, timing: str | None) -> bool:
    """Whether a message of these columns counts: ``counted_mail()`` in Python."""
    return status == "accepted" and None not in (unit, campaign, timing)


def _has_title() -> ColumnElement[bool]:
    """Whether a title was read from this document, or from a file of its name in its message.

    A document without one counts by its name; a second copy of a titled file
    (say, in a zip) is that initiative.
    """
    named = aliased(Attachment)
    own_title = select(Initiative.id).where(Initiative.attachment_id == Attachment.id).exists()
    same_name = (
        select(Initiative.id)
        .join(named, named.id == Initiative.attachment_id)
        .where(
            Initiative.message_id == Attachment.message_id, named.filename == Attachment.filename
        )
        .exists()
    )
    return or_(own_title, same_name)


def _write(session: Session, counted: tuple[dict[UnitKey, datetime], list[KeyFirsts]]) -> None:
    units, keys = counted
    if units:
        session.execute(
            insert(UnitTallyRow),
            _unit_rows(units),
        )
    if keys:
        session.execute(
            insert(UnitInitiative),
            _key_rows(keys),
        )


def _unit_rows(units: dict[UnitKey, datetime]) -> list[dict[str, Any]]:
    return [
        {"campaign_code": campaign, "unit_code": unit, "first_at": first}
        for (campaign, unit), first in units.items()
    ]


def _key_rows(keys: list[KeyFirsts]) -> list[dict[str, Any]]:
    return [
        {
            "campaign_code": k.campaign,
            "unit_code": k.unit,
            "key": k.key,
            "first_at": k.first_at,
            "first_on_time_at": k.first_on_time_at,
        }
        for k in keys
    ]


def _lock_units(session: Session, codes: list[str]) -> None:
    """Let one transaction at a time count a unit again (PostgreSQL; SQLite writes one at a time).

    Taken in one statement, in key order, after the messages' own locks, and
    held until commit: the count then sees every change committed before it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_signed32(zlib.crc32(code.encode())) for code in codes})
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(:space, k)"
            " FROM (SELECT unnest(CAST(:keys AS integer[])) AS k ORDER BY 1) AS ordered"
        ),
        {"space": _LOCK_SPACE, "keys": keys},
    )


#: The advisory-lock namespace of unit tallies ("CCHC"), the first half of the two-key form.
_LOCK_SPACE = 0x43434843


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value
