"""The council's work on a campaign's initiatives: assignment, score sheets, results.

Both shells call these (``cchc-inbox council …``, the documents, the web
pages). The rubric is [council]'s (reports.council); the initiatives are the
council's list (app.initiatives.council_lines): withdrawn ones are left out.
Every change is a line of the audit trail the web application keeps.
A request that cannot be met raises ``CouncilRefused`` with the Vietnamese
line to show; nothing is written then.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.initiatives import council_lines
from app.root import Register
from parsers.campaign import Campaign
from reports.council import (
    VERDICTS,
    Outcome,
    Rubric,
    Sheet,
    decide,
    needs_third,
    score_problem,
)
from reports.initiatives import InitiativeLine
from store.accounts import find_user, record_event
from store.council import (
    DecisionRow,
    Member,
    SheetRow,
    add_sheet,
    find_sheet,
    keep_decision,
    keep_scores,
    list_decisions,
    list_members,
    list_sheets,
)
from store.db import Session
from store.initiatives import UnknownInitiative, find_record

__all__ = ["UnknownInitiative"]


class CouncilRefused(Exception):
    """What a person asked cannot be done; ``text`` says why, in Vietnamese."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Assigned:
    record_id: int
    member: str


@dataclass(frozen=True)
class Assignment:
    added: tuple[Assigned, ...]
    # Initiatives that still lack scorers: not enough members outside their unit.
    short: tuple[int, ...]


@dataclass(frozen=True)
class Result:
    line: InitiativeLine
    sheets: tuple[SheetRow, ...]
    outcome: Outcome
    decision: DecisionRow | None


def rubric_of(register: Register) -> Rubric:
    """Return the configured rubric (refuse when the file has no [council] table)."""
    rubric = register.config.council
    if rubric is None:
        raise CouncilRefused(
            f"{register.config.path}: chưa có bảng [council] (thang điểm của hội đồng); "
            "xem mục Council trong README."
        )
    return rubric


def assign(register: Register, campaign: Campaign, *, by: str) -> Assignment:
    """Give every not-withdrawn initiative of ``campaign`` its scorers, evenly.

    Each initiative gets [council] scorers members (one more when its first two
    sheets disagree), never one of its own unit; the member with the fewest
    sheets in the campaign comes first, then by name, so that the result is
    the same on every run. Existing assignments are kept: running it again
    only fills what is missing.
    """
    rubric = rubric_of(register)
    lines = [ln for ln in council_lines(register, campaign) if not ln.withdrawn and ln.id]
    now = register.clock()
    added: list[Assigned] = []
    short: list[int] = []
    with register.sessions.begin() as session:
        members = list_members(session)
        if not members:
            raise CouncilRefused(
                "Chưa có thành viên hội đồng: tạo tài khoản bằng "
                "`cchc-inbox users add TÊN --role council --unit MÃ_ĐƠN_VỊ`."
            )
        sheets = list_sheets(session, [ln.id for ln in lines if ln.id])
        load = {m.id: 0 for m in members}
        held: dict[int, list[SheetRow]] = {}
        for sheet in sheets:
            held.setdefault(sheet.record_id, []).append(sheet)
            if sheet.member_id in load:
                load[sheet.member_id] += 1
        for line in sorted(lines, key=lambda ln: ln.id or 0):
            record_id = line.id or 0
            own = held.get(record_id, [])
            wanted = rubric.scorers + (1 if needs_third(rubric, _sheets(own)) else 0)
            taken = {s.member_id for s in own}
            while len(taken) < wanted:
                member = _next_member(members, load, taken, line.unit_code)
                if member is None:
                    short.append(record_id)
                    break
                add_sheet(session, record_id, member, by, now)
                taken.add(member.id)
                load[member.id] += 1
                added.append(Assigned(record_id, member.name))
                record_event(
                    session,
                    at=now,
                    actor=by,
                    action="council_assign",
                    target=f"initiative {record_id}",
                    detail=member.name,
                )
    return Assignment(tuple(added), tuple(short))


def _next_member(
    members: Sequence[Member], load: Mapping[int, int], taken: set[int], unit: str
) -> Member | None:
    free = [m for m in members if m.id not in taken and m.unit != unit]
    return min(free, key=lambda m: (load[m.id], m.name), default=None)


def score(
    register: Register,
    record_id: int,
    member_name: str,
    scores: Mapping[str, int],
    *,
    submit: bool,
    by: str,
) -> SheetRow:
    """Keep ``member_name``'s scores of ``record_id`` (added to those kept); ``submit``
    locks the sheet, which then needs every criterion."""
    rubric = rubric_of(register)
    problem = score_problem(rubric, scores)
    if problem:
        raise CouncilRefused(problem + " Chưa ghi gì.")
    now = register.clock()
    with register.sessions.begin() as session:
        find_record(session, record_id)  # raises UnknownInitiative
        member = _member(session, member_name)
        sheet = find_sheet(session, record_id, member.id)
        if sheet is None:
            raise CouncilRefused(
                f"Sáng kiến mã {record_id} không được giao cho {member_name} chấm; "
                "chưa ghi gì. Xem `cchc-inbox council results`."
            )
        if sheet.locked:
            raise CouncilRefused(
                f"Phiếu của {member_name} cho sáng kiến mã {record_id} đã nộp và bị khóa; "
                "không sửa được."
            )
        merged = {**sheet.scores, **scores}
        missing = [c.name for c in rubric.criteria if c.key not in merged]
        if submit and missing:
            raise CouncilRefused(
                f"Chưa nộp được: còn thiếu điểm {', '.join(missing)}. Chưa ghi gì."
            )
        kept = keep_scores(session, sheet.id, merged, submit=submit, now=now)
        record_event(
            session,
            at=now,
            actor=by,
            action="council_submit" if submit else "council_score",
            target=f"initiative {record_id}",
            detail=json.dumps(
                {"member": member_name, "before": dict(sheet.scores), "after": merged},
                ensure_ascii=False,
            ),
        )
    return kept


def decide_as_chair(register: Register, record_id: int, verdict: str, *, by: str) -> None:
    """Keep the chair's verdict on ``record_id``: it overrides the scores."""
    if verdict not in VERDICTS:
        raise CouncilRefused(f"Kết luận {verdict!r} không có; chọn {' hoặc '.join(VERDICTS)}.")
    now = register.clock()
    with register.sessions.begin() as session:
        find_record(session, record_id)
        before = keep_decision(session, record_id, verdict, by, now)
        record_event(
            session,
            at=now,
            actor=by,
            action="council_decide",
            target=f"initiative {record_id}",
            detail=json.dumps(
                {"before": None if before is None else before.verdict, "after": verdict}
            ),
        )


def results(register: Register, campaign: Campaign) -> list[Result]:
    """Return each not-withdrawn initiative of ``campaign`` with its sheets and verdict."""
    rubric = rubric_of(register)
    lines = [ln for ln in council_lines(register, campaign) if not ln.withdrawn and ln.id]
    ids = [ln.id or 0 for ln in lines]
    with register.sessions.begin() as session:
        sheets = list_sheets(session, ids)
        decisions = list_decisions(session, ids)
    found = []
    for line in lines:
        own = tuple(s for s in sheets if s.record_id == line.id)
        decision = decisions.get(line.id or 0)
        chair = None if decision is None else (decision.verdict, decision.decided_by)
        found.append(Result(line, own, decide(rubric, _sheets(own), chair), decision))
    return found


def assigned_to(register: Register, campaign: Campaign, member_name: str) -> list[Result]:
    """Return the results of the initiatives assigned to ``member_name``."""
    with register.sessions.begin() as session:
        member = _member(session, member_name)
    return [
        r for r in results(register, campaign) if any(s.member_id == member.id for s in r.sheets)
    ]


def sheets_of(result: Result) -> list[Sheet]:
    """Return a result's submitted sheets as the rubric reads them."""
    return [s for s in _sheets(result.sheets) if s.submitted]


def _member(session: Session, name: str) -> Member:
    user = find_user(session, name)
    if user is None or user.role != "council" or user.disabled:
        raise CouncilRefused(
            f"{name!r} không phải thành viên hội đồng (tài khoản quyền council); chưa ghi gì."
        )
    return Member(user.id, user.name, user.unit)


def _sheets(rows: Sequence[SheetRow]) -> list[Sheet]:
    return [Sheet(r.member, r.scores, r.locked) for r in rows]
