"""Initiative records: a stable id per distinct initiative, and the corrections staff make.

Records are upserted when initiatives are listed (``ensure_records``): the
council's list is where an id is first shown, and a listing of one campaign
then gives every initiative in it an id. Migration 0012 filled the records
from the tallies kept so far. A record is keyed like ``unit_initiatives``
(campaign, unit, key: the normalised title, or ``file:`` and the normalised
file name) but, unlike those tallies, never deleted: ``reprocess`` and a
tally rebuild leave it, its id and its corrections as they are. A title that
reads differently after a better extraction is a new key, hence a new record;
the old one is simply no longer listed.

A record that is really two initiatives is split by its files: a new record,
keyed ``split:<first record's id>:<n>``, takes the files named (as sent, in
every copy) and the listing (``split_keys``, read by ``list_initiatives``)
lists them under it. The files are kept on the new record, not on a message,
so the split holds across ``reprocess`` as every record's id does.

Corrections are kept beside the extracted values (None: as read) and win over
them, as review decisions win over the classifier; each change is a row of
``initiative_edits`` (who, when, before, after) that is never changed.
Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Attachment, InitiativeEdit, InitiativeRecord

_CHUNK = 300


class UnknownInitiative(Exception):
    """No initiative record has the id a person gave."""


@dataclass(frozen=True)
class RecordRow:
    id: int
    campaign: str
    unit: str
    key: str
    title: str | None  # staff's correction, or None: as read from the documents
    authors: tuple[str, ...] | None
    field: str | None
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    merged_into: int | None = None
    split_from: int | None = None
    split_files: tuple[str, ...] = ()


class MergeRefused(Exception):
    """Two records cannot be merged: the same one, or of another campaign or unit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # same | other_campaign | other_unit


@dataclass(frozen=True)
class EditRow:
    what: str
    before: Any
    after: Any
    edited_by: str
    edited_at: datetime


def ensure_records(
    session: Session, campaign: str, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], RecordRow]:
    """Return the record of each (unit, key) of ``campaign``, adding those not kept yet."""
    wanted = set(pairs)
    if not wanted:
        return {}
    # The campaign's records read in one query through the unique index's prefix, and
    # only the missing ones inserted: a listing usually adds none, and a statement of
    # hundreds of (unit, key) conditions cost more to build than the rows to read.
    found = _campaign_records(session, campaign, wanted)
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(missing), _CHUNK):
        rows = [
            {"campaign_code": campaign, "unit_code": u, "key": k}
            for u, k in missing[start : start + _CHUNK]
        ]
        # Another listing may add the same records at the same time: theirs are kept.
        session.execute(insert(InitiativeRecord).values(rows).on_conflict_do_nothing())
    return _campaign_records(session, campaign, wanted)


def _campaign_records(
    session: Session, campaign: str, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], RecordRow]:
    query = select(InitiativeRecord).where(InitiativeRecord.campaign_code == campaign)
    return {
        (record.unit_code, record.key): _row(record)
        for record in session.scalars(query)
        if (record.unit_code, record.key) in wanted
    }


def find_record(session: Session, record_id: int) -> RecordRow:
    """Return one record (raise UnknownInitiative if there is none of that id)."""
    record = session.get(InitiativeRecord, record_id)
    if record is None:
        raise UnknownInitiative(record_id)
    return _row(record)


def correct_record(
    session: Session,
    record_id: int,
    *,
    title: str | None = None,
    authors: Sequence[str] | None = None,
    field: str | None = None,
    by: str,
    now: datetime,
) -> RecordRow:
    """Keep staff's title, authors or field (those given) and audit each change."""
    record = _locked(session, record_id)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = title
    if authors is not None:
        changes["authors"] = list(authors)
    if field is not None:
        changes["field"] = field
    for what, value in changes.items():
        before = getattr(record, what)
        if before != value:
            setattr(record, what, value)
            _audit(session, record_id, what, before, value, by, now)
    session.flush()
    return _row(record)


def withdraw_record(session: Session, record_id: int, *, by: str, now: datetime) -> RecordRow:
    """Mark an initiative withdrawn (the unit took it back); a second time changes nothing."""
    record = _locked(session, record_id)
    if record.withdrawn_at is None:
        record.withdrawn_at, record.withdrawn_by = now, by
        _audit(session, record_id, "withdrawn", None, True, by, now)
        session.flush()
    return _row(record)


def restore_record(session: Session, record_id: int, *, by: str, now: datetime) -> RecordRow:
    """Undo a withdrawal (marked by mistake); one not withdrawn changes nothing."""
    record = _locked(session, record_id)
    if record.withdrawn_at is not None:
        record.withdrawn_at, record.withdrawn_by = None, None
        _audit(session, record_id, "withdrawn", True, None, by, now)
        session.flush()
    return _row(record)


def edit_tags(
    session: Session,
    record_id: int,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    by: str,
    now: datetime,
) -> RecordRow:
    """Add or remove tags ("kind:value") by hand; the latest word on a tag wins."""
    record = _locked(session, record_id)
    added = [t for t in (record.tags_added or []) if t not in remove]
    removed = [t for t in (record.tags_removed or []) if t not in add]
    added += [t for t in add if t not in added]
    removed += [t for t in remove if t not in removed]
    before = {"added": record.tags_added or [], "removed": record.tags_removed or []}
    after = {"added": added, "removed": removed}
    if before != after:
        record.tags_added, record.tags_removed = added, removed
        _audit(session, record_id, "tags", before, after, by, now)
        session.flush()
    return _row(record)


def merge_record(
    session: Session, record_id: int, into_id: int, *, by: str, now: datetime
) -> RecordRow:
    """List ``record_id`` as part of ``into_id`` (one initiative kept as two records).

    Both must be of one campaign and one unit. Records merged into ``record_id``
    follow it; merging into a record that is itself merged goes to the one it
    is part of. Raise MergeRefused or UnknownInitiative; nothing is written then.
    """
    record = _locked(session, record_id)
    into = _locked(session, into_id)
    while into.merged_into is not None:
        into = _locked(session, into.merged_into)
    if into.id == record.id:
        raise MergeRefused("same")
    if into.campaign_code != record.campaign_code:
        raise MergeRefused("other_campaign")
    if into.unit_code != record.unit_code:
        raise MergeRefused("other_unit")
    if record.merged_into != into.id:
        _audit(session, record_id, "merged_into", record.merged_into, into.id, by, now)
        record.merged_into = into.id
        followers = select(InitiativeRecord).where(InitiativeRecord.merged_into == record.id)
        for follower in session.scalars(followers.with_for_update()):
            follower.merged_into = into.id
        session.flush()
    return _row(record)


def unmerge_record(session: Session, record_id: int, *, by: str, now: datetime) -> RecordRow:
    """List a merged record on its own again; one that is not merged changes nothing."""
    record = _locked(session, record_id)
    if record.merged_into is not None:
        _audit(session, record_id, "merged_into", record.merged_into, None, by, now)
        record.merged_into = None
        session.flush()
    return _row(record)


def split_record(
    session: Session, record_id: int, files: Sequence[str], *, by: str, now: datetime
) -> RecordRow:
    """Add a record that takes ``files`` (names as sent) from ``record_id``; return it.

    The caller checks the files are the record's and leave it some. A record
    split off another is split again from the same first record: the new one
    takes the files from it.
    """
    record = _locked(session, record_id)
    first = record if record.split_from is None else _locked(session, record.split_from)
    taken = sorted(set(files))
    siblings = select(InitiativeRecord).where(InitiativeRecord.split_from == first.id)
    count = len(list(session.scalars(siblings)))
    added = InitiativeRecord(
        campaign_code=first.campaign_code,
        unit_code=first.unit_code,
        key=f"split:{first.id}:{count + 1}",
        split_from=first.id,
        split_files=taken,
    )
    session.add(added)
    if record.split_from is not None:
        record.split_files = [f for f in record.split_files or [] if f not in taken]
    session.flush()
    _audit(session, record.id, "split", None, {"into": added.id, "files": taken}, by, now)
    _audit(session, added.id, "split_from", None, record.id, by, now)
    session.flush()
    return _row(added)


def split_keys(session: Session, campaign: str) -> dict[tuple[str, str], dict[str, str]]:
    """Return, by (unit, key) of each split record of ``campaign``, the key each of the
    files split off it is listed under."""
    split = select(InitiativeRecord).where(
        InitiativeRecord.campaign_code == campaign, InitiativeRecord.split_from.is_not(None)
    )
    parts = list(session.scalars(split.order_by(InitiativeRecord.id)))
    firsts = {r.split_from for r in parts}
    keys = {
        r.id: (r.unit_code, r.key)
        for r in session.scalars(select(InitiativeRecord).where(InitiativeRecord.id.in_(firsts)))
    }
    found: dict[tuple[str, str], dict[str, str]] = {}
    for part in parts:
        for name in part.split_files or []:
            found.setdefault(keys[part.split_from or 0], {})[name] = part.key
    return found


def record_edits(session: Session, record_id: int) -> list[EditRow]:
    """Return the changes made to a record, oldest first."""
    query = (
        select(InitiativeEdit)
        .where(InitiativeEdit.record_id == record_id)
        .order_by(InitiativeEdit.id)
    )
    return [
        EditRow(e.what, e.before, e.after, e.edited_by, e.edited_at) for e in session.scalars(query)
    ]


def document_texts(session: Session, message_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """Return the text read from each document of the messages, by (message id, file name)."""
    ids = sorted(set(message_ids))
    texts: dict[tuple[int, str], str] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(Attachment.message_id, Attachment.filename, Attachment.text).where(
            Attachment.message_id.in_(ids[start : start + _CHUNK]),
            Attachment.is_document.is_(True),
            Attachment.text.is_not(None),
        )
        for message_id, filename, text in session.execute(query):
            texts[(message_id, filename)] = text or ""
    return texts


def _locked(session: Session, record_id: int) -> InitiativeRecord:
    query = select(InitiativeRecord).where(InitiativeRecord.id == record_id).with_for_update()
    record = session.scalar(query)
    if record is None:
        raise UnknownInitiative(record_id)
    return record


def _audit(
    session: Session, record_id: int, what: str, before: Any, after: Any, by: str, now: datetime
) -> None:
    session.add(
        InitiativeEdit(
            record_id=record_id,
            what=what,
            before=before,
            after=after,
            edited_by=by,
            edited_at=now,
        )
    )


def _row(record: InitiativeRecord) -> RecordRow:
    return RecordRow(
        id=record.id,
        campaign=record.campaign_code,
        unit=record.unit_code,
        key=record.key,
        title=record.title,
        authors=None if record.authors is None else tuple(record.authors),
        field=record.field,
        tags_added=tuple(record.tags_added or ()),
        tags_removed=tuple(record.tags_removed or ()),
        withdrawn_at=record.withdrawn_at,
        withdrawn_by=record.withdrawn_by,
        merged_into=record.merged_into,
        split_from=record.split_from,
        split_files=tuple(record.split_files or ()),
    )
