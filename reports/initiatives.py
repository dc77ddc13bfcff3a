"""The council's list of initiatives: one line per distinct initiative of each unit (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from parsers.fields import field_name
from parsers.memo import Memo, digest_of
from parsers.roster import Roster
from parsers.tags import Tag, apply_edits, detect_tags
from reports.compliance import COUNTING_TIMINGS
from reports.render import TIMING_LABELS, local_iso, local_text
from store.read import InitiativeRow
from store.tallies import document_key

INITIATIVE_HEADINGS = (
    "STT",
    "Đơn vị",
    "Tên sáng kiến",
    "Lĩnh vực",
    "Tác giả",
    "Thời điểm nhận",
    "Thời hạn",
    "Tệp",
)
UNREADABLE_TITLE = "(không đọc được tên sáng kiến)"


@dataclass(frozen=True)
class InitiativeLine:
    unit_code: str
    unit_name: str
    title: str
    field: str | None
    authors: tuple[str, ...]
    received_at: datetime  # the first copy received
    timing: str | None  # the first counting copy's timing, else the first copy's
    filenames: tuple[str, ...]
    # What keys the initiative among its unit's (``store.tallies``: title key or file key).
    key: str = ""
    campaign: str | None = None
    # The newest copy's documents, (message id, file name): where its text is read.
    sources: tuple[tuple[int, str], ...] = ()
    # From the initiative's record (app.initiatives): its id, staff's corrections.
    id: int | None = None
    withdrawn: bool = False
    tags: tuple[Tag, ...] = ()
    similar: tuple[Similar, ...] = ()
    # The ids of the records staff merged into this one (``initiative merge``).
    merged: tuple[int, ...] = ()


@dataclass(frozen=True)
class Similar:
    """Another initiative (of this or another campaign) whose text is nearly the same."""

    id: int
    unit: str
    title: str
    campaign: str | None
    similarity: float  # 0..1
    passages: tuple[str, ...] = ()  # sentences both texts have


class Filed(Protocol):
    """What the list reads of a message: ``store.read.SubmissionRow`` or, cut to this,
    ``store.read.FiledRow``."""

    @property
    def id(self) -> int: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def timing(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def documents(self) -> tuple[str, ...]: ...
    @property
    def initiatives(self) -> tuple[InitiativeRow, ...]: ...


def list_initiatives(
    roster: Roster,
    rows: Iterable[Filed],
    campaign: str | None = None,
    *,
    splits: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> list[InitiativeLine]:
    """Return the accepted initiatives in roster order, then by first receipt.

    A corrected resubmission (same normalised title) is one line: the title,
    field and authors of the newest copy, the time of the first, every file.
    A document whose title could not be read is a line of its own. ``splits``
    (``store.initiatives.split_keys``) lists the files staff split off a
    (unit, key) under the key of the record they split off.
    """
    split = splits or {}

    def keyed(unit: str, key: str, filename: str | None) -> tuple[str, str]:
        moved = split.get((unit, key), {}).get(filename or "")
        return (unit, moved or key)

    # A register holds a handful of field names in 100,000 rows: each is normalised once.
    field_names: dict[str, str] = {}

    def named(field: str) -> str:
        if field not in field_names:
            field_names[field] = field_name(field)
        return field_names[field]

    order = {u.code: i for i, u in enumerate(roster.units)}
    groups: dict[tuple[str, str], list[tuple[Filed, str, str | None, tuple[str, ...]]]] = {}
    files: dict[tuple[str, str], list[str]] = {}
    sources: dict[tuple[str, str], dict[int, list[str]]] = {}
    for row in sorted(rows, key=lambda r: (r.received_at, r.id)):
        if row.status != "accepted" or row.unit is None:
            continue
        titled: set[str] = set()
        for item in row.initiatives:
            key = keyed(row.unit, item.title_key, item.filename)
            # Registers written before parsers.fields hold the lower-case names.
            field = named(item.field) if item.field else None
            groups.setdefault(key, []).append((row, item.title, field, item.authors))
            if item.filename:
                titled.add(item.filename)
                files.setdefault(key, []).append(item.filename)
                sources.setdefault(key, {}).setdefault(row.id, []).append(item.filename)
        for filename in row.documents:
            if filename not in titled:
                key = keyed(row.unit, document_key(filename), filename)
                groups.setdefault(key, []).append((row, UNREADABLE_TITLE, None, ()))
                files.setdefault(key, []).append(filename)
                sources.setdefault(key, {}).setdefault(row.id, []).append(filename)
    lines = []
    for key, copies in groups.items():
        first, newest = copies[0], copies[-1]
        counted = [c[0].timing for c in copies if c[0].timing in COUNTING_TIMINGS]
        unit = roster.by_code(key[0])
        lines.append(
            InitiativeLine(
                unit_code=key[0],
                unit_name=unit.name if unit else key[0],
                title=newest[1],
                field=newest[2],
                authors=newest[3],
                received_at=first[0].received_at,
                timing=counted[0] if counted else first[0].timing,
                filenames=tuple(dict.fromkeys(files.get(key, []))),
                key=key[1],
                campaign=campaign,
                sources=tuple(
                    (newest[0].id, f)
                    for f in dict.fromkeys(sources.get(key, {}).get(newest[0].id, []))
                ),
            )
        )
    return sorted(lines, key=lambda ln: (order.get(ln.unit_code, len(order)), ln.received_at))


def fold_merged(
    lines: Sequence[InitiativeLine], merged_into: Mapping[int, int]
) -> list[InitiativeLine]:
    """Return the lines with each merged record's line folded into the one it is part of.

    The folded line keeps its own title, field and authors, gains the other's
    files, and is received when the first of them was (and timed like it: the
    first counting copy). A line whose target is not listed stays on its own.
    """
    present = {ln.id for ln in lines}
    members: dict[int, list[InitiativeLine]] = {}
    for line in lines:
        target = merged_into.get(line.id or 0)
        if target is not None and target in present:
            members.setdefault(target, []).append(line)
    folded = []
    for line in lines:
        if merged_into.get(line.id or 0) in present:
            continue
        extra = members.get(line.id or 0, [])
        if extra:
            copies = sorted([line, *extra], key=lambda ln: ln.received_at)
            counted = [c.timing for c in copies if c.timing in COUNTING_TIMINGS]
            line = replace(
                line,
                received_at=copies[0].received_at,
                timing=counted[0] if counted else copies[0].timing,
                filenames=tuple(dict.fromkeys(f for c in [line, *extra] for f in c.filenames)),
                sources=tuple(dict.fromkeys(s for c in [line, *extra] for s in c.sources)),
                merged=tuple(sorted(c.id for c in extra if c.id is not None)),
            )
        folded.append(line)
    return folded


def tags_of(
    line: InitiativeLine,
    texts: Mapping[tuple[int, str], str],
    added: Sequence[str] = (),
    removed: Sequence[str] = (),
    *,
    memo: Memo[tuple[Tag, ...]] | None = None,
) -> tuple[Tag, ...]:
    """Return the tags of an initiative line: detected in its documents' ``texts`` (by
    (message id, file name), ``store.initiatives.document_texts``) and its field, then
    staff's additions and removals (``kind:value``). With a ``memo``, the tags detected
    in the same text and field before are taken from it."""
    text = "\n".join(texts.get(source, "") for source in line.sources)
    if memo is None:
        return apply_edits(detect_tags(text, line.field), added, removed)
    digest = digest_of(line.field or "", text)
    detected = memo.get(digest)
    if detected is None:
        detected = detect_tags(text, line.field)
        memo.put(digest, detected)
    return apply_edits(detected, added, removed)


def count_tags(lines: Iterable[InitiativeLine]) -> dict[str, dict[str, int]]:
    """Return how many initiatives carry each tag, by kind ("field", "index") then value;
    withdrawn initiatives are not counted."""
    counts: dict[str, dict[str, int]] = {"field": {}, "index": {}}
    for line in lines:
        if line.withdrawn:
            continue
        for tag in {(t.kind, t.value) for t in line.tags}:
            kind = counts.setdefault(tag[0], {})
            kind[tag[1]] = kind.get(tag[1], 0) + 1
    return counts


def initiative_cells(lines: Iterable[InitiativeLine], zone_name: str) -> list[list[str]]:
    """Return the lines as text cells for the table and CSV formats."""
    zone = ZoneInfo(zone_name)
    return [
        [
            str(n),
            line.unit_name,
            line.title,
            line.field or "",
            "; ".join(line.authors),
            local_text(line.received_at, zone),
            TIMING_LABELS.get(line.timing or "", ""),
            "; ".join(line.filenames),
        ]
        for n, line in enumerate(lines, start=1)
    ]


def initiatives_json(lines: Iterable[InitiativeLine], zone: ZoneInfo) -> str:
    """Return ``report initiatives --format json``: its keys only ever grow."""
    data = [
        {
            "unit": line.unit_code,
            "unit_name": line.unit_name,
            "title": line.title,
            "field": line.field,
            "authors": list(line.authors),
            "received_at": local_iso(line.received_at, zone),
            "timing": line.timing,
            "files": list(line.filenames),
            "id": line.id,
            "withdrawn": line.withdrawn,
            "tags": [{"kind": t.kind, "value": t.value, "evidence": t.evidence} for t in line.tags],
            "merged": list(line.merged),
            "similar": [
                {
                    "id": s.id,
                    "unit": s.unit,
                    "title": s.title,
                    "campaign": s.campaign,
                    "similarity": s.similarity,
                    "passages": list(s.passages),
                }
                for s in line.similar
            ],
        }
        for line in lines
    ]
    return json.dumps({"initiatives": data}, ensure_ascii=False, indent=2) + "\n"
