"""The council's initiatives as records: ids, staff's corrections, tags and near-duplicates.

Both shells call these: ``report initiatives`` and the exports (``app.exports``),
``cchc-inbox initiative …``, and the web application when it shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.root import Register
from parsers.campaign import Campaign
from parsers.similarity import SimilarityIndex, name_forms, shared_passages
from parsers.tags import parse_label
from reports.initiatives import (
    InitiativeLine,
    Similar,
    fold_merged,
    list_initiatives,
    tags_of,
)
from store.initiatives import (
    EditRow,
    MergeRefused,
    RecordRow,
    UnknownInitiative,
    correct_record,
    document_texts,
    edit_tags,
    ensure_records,
    find_record,
    merge_record,
    record_edits,
    restore_record,
    split_keys,
    split_record,
    unmerge_record,
    withdraw_record,
)
from store.read import FiledRow, list_filed

__all__ = ["MergeRefused", "SplitRefused", "UnknownInitiative"]


def council_lines(register: Register, campaign: Campaign) -> list[InitiativeLine]:
    """Return the council's list of ``campaign``: one line per distinct initiative of each
    unit, with its record's id, staff's corrections, its tags and its near-duplicates.

    The near-duplicates are looked for among every campaign's initiatives: the
    same text sent by another unit, or again in another year. Only the lines of
    ``campaign`` are tagged and given their near-duplicates' passages: the other
    campaigns' lines are only indexed.
    """
    with register.sessions.begin() as session:
        by_campaign: dict[str, list[FiledRow]] = {campaign.code: []}
        for row in list_filed(session, status="accepted"):
            # Mail of no campaign yet shows in the campaign listed, as list_submissions has it.
            by_campaign.setdefault(row.campaign or campaign.code, []).append(row)
        lines = {
            code: list_initiatives(
                register.roster, group, campaign=code, splits=split_keys(session, code)
            )
            for code, group in by_campaign.items()
        }
        records = {
            code: ensure_records(session, code, [(ln.unit_code, ln.key) for ln in group])
            for code, group in lines.items()
        }
        texts = document_texts(
            session, {m for group in lines.values() for ln in group for m, _ in ln.sources}
        )
    names = [form for unit in register.roster.units for form in name_forms(unit.name)]
    index: SimilarityIndex[int] = SimilarityIndex(names=names, memo=register.memos.signatures)
    listed: list[InitiativeLine] = []
    by_id: dict[int, InitiativeLine] = {}
    text_of: dict[int, str] = {}
    for code, group in lines.items():
        own = {(ln.unit_code, ln.key): records[code][(ln.unit_code, ln.key)] for ln in group}
        of_id = {record.id: record for record in own.values()}
        merged = {r.id: r.merged_into for r in of_id.values() if r.merged_into is not None}
        fixed = [corrected(ln, own[(ln.unit_code, ln.key)]) for ln in group]
        for line in fold_merged(fixed, merged):
            record = of_id[line.id or 0]
            if code == campaign.code:
                tags = tags_of(
                    line,
                    texts,
                    record.tags_added,
                    record.tags_removed,
                    memo=register.memos.tags,
                )
                line = replace(line, tags=tags)
                listed.append(line)
            by_id[record.id] = line
            text_of[record.id] = "\n".join(texts.get(source, "") for source in line.sources)
    index.add_many(text_of.items())
    return [replace(line, similar=_similar(line.id or 0, index, by_id, text_of)) for line in listed]


def _similar(
    record_id: int,
    index: SimilarityIndex[int],
    by_id: Mapping[int, InitiativeLine],
    text_of: Mapping[int, str],
) -> tuple[Similar, ...]:
    """Return the near-duplicates of one record's line, each with the passages both share."""
    return tuple(
        Similar(
            id=pair.second,
            unit=by_id[pair.second].unit_code,
            title=by_id[pair.second].title,
            campaign=by_id[pair.second].campaign,
            similarity=pair.similarity,
            passages=shared_passages(text_of[record_id], text_of[pair.second], index.names_pattern),
        )
        for pair in index.similar_to(record_id)
        if pair.second in by_id
    )


def corrected(line: InitiativeLine, record: RecordRow) -> InitiativeLine:
    """Return ``line`` with its record's id and staff's corrections, which win over the
    values read from the documents."""
    return replace(
        line,
        id=record.id,
        title=line.title if record.title is None else record.title,
        authors=line.authors if record.authors is None else record.authors,
        field=line.field if record.field is None else record.field,
        withdrawn=record.withdrawn_at is not None,
    )


@dataclass(frozen=True)
class InitiativeDetail:
    """One initiative as ``initiative show`` tells it: the line, as read and as corrected."""

    record: RecordRow
    line: InitiativeLine | None  # None: no longer in its campaign's list
    edits: tuple[EditRow, ...]
    # The other listed initiatives of its unit and campaign: what it may be merged into.
    siblings: tuple[InitiativeLine, ...] = ()


def initiative_detail(register: Register, record_id: int) -> InitiativeDetail:
    """Return one initiative by id (raise UnknownInitiative if none has it)."""
    with register.sessions() as session:
        record = find_record(session, record_id)
        edits = tuple(record_edits(session, record_id))
    campaign = register.config.find_campaign(record.campaign)
    line: InitiativeLine | None = None
    siblings: tuple[InitiativeLine, ...] = ()
    if campaign is not None:
        listed = council_lines(register, campaign)
        line = next((ln for ln in listed if ln.id == record_id), None)
        siblings = tuple(ln for ln in listed if ln.unit_code == record.unit and ln.id != record_id)
    return InitiativeDetail(record, line, edits, siblings)


def edit_initiative(
    register: Register,
    record_id: int,
    *,
    title: str | None,
    authors: Sequence[str] | None,
    field: str | None,
    by: str,
) -> RecordRow:
    """Keep staff's corrections of an initiative (raise UnknownInitiative if none has the id)."""
    with register.sessions.begin() as session:
        return correct_record(
            session,
            record_id,
            title=title,
            authors=authors,
            field=field,
            by=by,
            now=register.clock(),
        )


def withdraw_initiative(register: Register, record_id: int, *, by: str) -> RecordRow:
    """Mark an initiative withdrawn (raise UnknownInitiative if none has the id)."""
    with register.sessions.begin() as session:
        return withdraw_record(session, record_id, by=by, now=register.clock())


def restore_initiative(register: Register, record_id: int, *, by: str) -> RecordRow:
    """Undo a withdrawal (raise UnknownInitiative if none has the id)."""
    with register.sessions.begin() as session:
        return restore_record(session, record_id, by=by, now=register.clock())


def merge_initiatives(register: Register, record_id: int, into_id: int, *, by: str) -> RecordRow:
    """List initiative ``record_id`` as part of ``into_id``; raise MergeRefused or
    UnknownInitiative, having written nothing."""
    with register.sessions.begin() as session:
        return merge_record(session, record_id, into_id, by=by, now=register.clock())


def unmerge_initiative(register: Register, record_id: int, *, by: str) -> RecordRow:
    """List a merged initiative on its own again (raise UnknownInitiative if none has the id)."""
    with register.sessions.begin() as session:
        return unmerge_record(session, record_id, by=by, now=register.clock())


#: Why a merge was refused, as staff read it (the CLI and the web pages); ``{id}`` is
#: the record merged, ``{into}`` the one it was to join.
MERGE_REFUSALS = {
    "same": "Không gộp được sáng kiến {id} vào chính nó; chưa ghi gì.",
    "other_campaign": (
        "Không gộp được: sáng kiến {id} và {into} thuộc hai đợt khác nhau; chưa ghi gì."
    ),
    "other_unit": "Không gộp được: sáng kiến {id} và {into} của hai đơn vị khác nhau; chưa ghi gì.",
}


class BadTag(ValueError):
    """A tag is not written ``field:…`` or ``index:…``."""


def tag_initiative(
    register: Register, record_id: int, *, add: Sequence[str], remove: Sequence[str], by: str
) -> RecordRow:
    """Add or remove tags of an initiative by hand; raise BadTag before writing anything."""
    labels = []
    for given in (*add, *remove):
        tag = parse_label(given)
        if tag is None:
            raise BadTag(given)
        labels.append(tag.label)
    added, removed = labels[: len(add)], labels[len(add) :]
    with register.sessions.begin() as session:
        return edit_tags(session, record_id, add=added, remove=removed, by=by, now=register.clock())


class SplitRefused(Exception):
    """A record cannot be split so: it is not listed, others are merged into it, a file
    is not its own, or the files named are none or all of its files."""

    def __init__(self, reason: str, files: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason  # not_listed | merged | unknown_file | no_files | all_files
        self.files = tuple(files)


#: Why a split was refused, as staff read it; ``{id}`` is the record, ``{files}`` the
#: file names at fault.
SPLIT_REFUSALS = {
    "not_listed": (
        "Không tách được: sáng kiến {id} không có trong danh sách của đợt"
        " (đã gộp hoặc đã được phân tích lại khác đi); chưa ghi gì."
    ),
    "merged": (
        "Không tách được: đã có sáng kiến khác gộp vào sáng kiến {id}; hãy bỏ gộp trước."
        " Chưa ghi gì."
    ),
    "unknown_file": "Không tách được: sáng kiến {id} không có tệp {files}; chưa ghi gì.",
    "no_files": "Không tách được: cần chọn ít nhất một tệp của sáng kiến {id}; chưa ghi gì.",
    "all_files": ("Không tách được: phải để lại cho sáng kiến {id} ít nhất một tệp; chưa ghi gì."),
}


def split_initiative(
    register: Register, record_id: int, files: Sequence[str], *, by: str
) -> RecordRow:
    """Split the named files of an initiative off into a new record and return it; raise
    SplitRefused or UnknownInitiative, having written nothing.

    The files are named as sent (``InitiativeLine.filenames``): each copy of a
    file of that name goes with the new record.
    """
    with register.sessions() as session:
        record = find_record(session, record_id)
    campaign = register.config.find_campaign(record.campaign)
    listed = [] if campaign is None else council_lines(register, campaign)
    line = next((ln for ln in listed if ln.id == record_id), None)
    if line is None:
        raise SplitRefused("not_listed")
    if line.merged:
        raise SplitRefused("merged")
    taken = list(dict.fromkeys(f.strip() for f in files if f.strip()))
    unknown = [f for f in taken if f not in line.filenames]
    if unknown:
        raise SplitRefused("unknown_file", unknown)
    if not taken:
        raise SplitRefused("no_files")
    if set(taken) >= set(line.filenames):
        raise SplitRefused("all_files")
    with register.sessions.begin() as session:
        return split_record(session, record_id, taken, by=by, now=register.clock())


def split_refusal(refused: SplitRefused, record_id: int) -> str:
    """Return a refused split as staff read it (the CLI and the web pages)."""
    files = ", ".join(refused.files)
    return SPLIT_REFUSALS[refused.reason].format(id=record_id, files=files)
