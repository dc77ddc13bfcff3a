"""Staff decisions on messages, as both shells take them (the CLI's `review`, the web's forms).

Each function records one decision in its own transaction and returns an
Outcome: whether it was recorded and, in Vietnamese, what it changed and what
it did not (a message accepted without a document still counts for nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.root import Register
from parsers.classify import Action, Decision
from reports.compliance import UnitStatus, assess_tallies
from reports.render import REASON_LABELS, STATUS_LABELS, TIMING_LABELS, local_text
from store.accounts import record_event
from store.db import Session
from store.decisions import (
    DecisionConflict,
    DecisionRow,
    NeedsUnit,
    Seen,
    StandingMessage,
    UnknownMessage,
    record_decision,
    standing_message,
)
from store.tallies import compliance_tallies

ACTION_WORDS = {
    "assign": "gán cho đơn vị",
    "accept": "chấp nhận",
    "ignore": "bỏ qua",
    "campaign": "xếp vào đợt",
}


@dataclass(frozen=True)
class Outcome:
    """What a decision did, in the words shown to the person who took it."""

    recorded: bool
    lines: tuple[str, ...]
    # Why nothing was recorded: unknown_message, unknown_unit, needs_unit, conflict.
    refusal: str | None = None
    remembered_address: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def assign(
    register: Register,
    message_id: int,
    unit_code: str,
    *,
    by: str,
    remember_address: bool = False,
    seen: Seen | None = None,
    address: str | None = None,
) -> Outcome:
    """Assign the unit that sent a message (and, optionally, learn its address).

    ``address`` is the client's, for the audit trail (the web's; None from the CLI).
    """
    unit = register.roster.by_code(unit_code)
    if unit is None:
        refused = _refused(
            "unknown_unit", f"Không có đơn vị mã {unit_code!r} trong danh sách đơn vị."
        )
        _audit(register, by, "assign", message_id, refused, unit_code, address)
        return refused
    done = f"Thư {message_id}: đã gán cho {unit.name} ({unit.code})."
    return _decide(
        register,
        message_id,
        Decision(Action.ASSIGN, unit.code),
        done,
        by=by,
        remember_address=remember_address,
        seen=seen,
        address=address,
    )


def accept(
    register: Register,
    message_id: int,
    *,
    by: str,
    seen: Seen | None = None,
    address: str | None = None,
) -> Outcome:
    """Accept a message as a submission of the unit it is assigned to."""
    decision = Decision(Action.ACCEPT)
    return _decide(register, message_id, decision, None, by=by, seen=seen, address=address)


def ignore(
    register: Register,
    message_id: int,
    *,
    by: str,
    reason: str | None = None,
    seen: Seen | None = None,
    address: str | None = None,
) -> Outcome:
    """Mark a message as not a submission."""
    done = f"Thư {message_id}: đã bỏ qua, không tính là hồ sơ."
    decision = Decision(Action.IGNORE)
    return _decide(
        register, message_id, decision, done, by=by, reason=reason, seen=seen, address=address
    )


def choose_campaign(
    register: Register,
    message_id: int,
    campaign_code: str,
    *,
    by: str,
    seen: Seen | None = None,
    address: str | None = None,
) -> Outcome:
    """Put a message in a campaign (one the rule could not tell apart from another, or
    the wrong one); its timing is the one it was judged to have there."""
    campaign = register.config.find_campaign(campaign_code)
    if campaign is None:
        known = ", ".join(c.code for c in register.config.campaigns)
        line = f"Không có đợt mã {campaign_code!r} trong cấu hình (các đợt đã cấu hình: {known})."
        refused = _refused("unknown_campaign", line)
        _audit(register, by, "campaign", message_id, refused, campaign_code, address)
        return refused
    with register.sessions() as session:
        try:
            judged: Mapping[str, str] | None = standing_message(session, message_id).timings
        except UnknownMessage:
            judged = None  # recording the decision says so, in the same words as any other
    if judged is not None and campaign.code not in judged:
        refused = _refused(
            "not_judged",
            f"Thư {message_id} chưa được xét theo đợt {campaign.code} (đợt thêm vào cấu hình "
            f"sau khi nhận thư): chạy `cchc-inbox reprocess {message_id}` rồi chọn lại.",
        )
        _audit(register, by, "campaign", message_id, refused, campaign.code, address)
        return refused
    done = f"Thư {message_id}: đã xếp vào đợt {campaign.name} ({campaign.code})."
    decision = Decision(Action.CAMPAIGN, campaign=campaign.code)
    return _decide(register, message_id, decision, done, by=by, seen=seen, address=address)


def _decide(
    register: Register,
    message_id: int,
    decision: Decision,
    done: str | None,
    *,
    by: str,
    reason: str | None = None,
    remember_address: bool = False,
    seen: Seen | None = None,
    address: str | None = None,
) -> Outcome:
    """Record ``decision`` and its line in the audit trail in one transaction."""
    action = decision.action.value
    detail = decision.unit or decision.campaign or reason
    try:
        with register.sessions.begin() as session:
            row = record_decision(
                session,
                message_id,
                decision,
                by=by,
                now=register.clock(),
                reason=reason,
                remember_address=remember_address,
                seen=seen,
            )
            after = standing_message(session, message_id)
            lines = [done or _accepted_line(register, after)]
            lines += _effect_lines(register, session, after, decision)
            record_event(
                session,
                at=row.decided_at,
                actor=by,
                action=action,
                target=f"message:{message_id}",
                detail=detail,
                address=address,
            )
    except UnknownMessage:
        refused: Outcome | None = _refused("unknown_message", f"Không có thư mã {message_id}.")
    except NeedsUnit:
        refused = _refused(
            "needs_unit", f"Thư {message_id} chưa có đơn vị: hãy gán đơn vị trước khi chấp nhận."
        )
    except DecisionConflict as conflict:
        refused = _refused("conflict", _conflict_line(register, conflict.latest))
    else:
        refused = None
    if refused is not None:
        _audit(register, by, action, message_id, refused, detail, address)
        return refused
    if row.remembered_address:
        lines.append(
            f"Đã ghi nhớ địa chỉ {row.remembered_address}: "
            "thư sau từ địa chỉ này được nhận diện tự động."
        )
    return Outcome(True, tuple(lines), remembered_address=row.remembered_address)


def _refused(refusal: str, line: str) -> Outcome:
    return Outcome(False, (line,), refusal=refusal)


def _audit(
    register: Register,
    by: str,
    action: str,
    message_id: int,
    refused: Outcome,
    detail: str | None,
    address: str | None,
) -> None:
    """Record a refused decision in the audit trail (why: the refusal)."""
    with register.sessions.begin() as session:
        record_event(
            session,
            at=register.clock(),
            actor=by,
            action=action,
            target=f"message:{message_id}",
            detail=f"{refused.refusal}: {detail}" if detail else refused.refusal,
            address=address,
            ok=False,
        )


def _unit_name(register: Register, code: str | None) -> str:
    unit = register.roster.by_code(code or "")
    return unit.name if unit else (code or "")


def _accepted_line(register: Register, after: StandingMessage) -> str:
    return f"Thư {after.id}: đã chấp nhận là hồ sơ của {_unit_name(register, after.unit)}."


def _effect_lines(
    register: Register, session: Session, after: StandingMessage, decision: Decision
) -> list[str]:
    """Say what the message now counts for and where its unit stands."""
    lines: list[str] = []
    if after.status == "needs_review":
        labels = ", ".join(REASON_LABELS.get(r, r).lower() for r in after.reasons)
        lines.append(
            f"Thư vẫn cần xem xét ({labels}): chấp nhận thư nếu vẫn tính là hồ sơ của đơn vị."
        )
    elif after.status == "ignored":
        lines.append("Thư không được tính cho đơn vị nào.")
    elif after.documents == 0:
        lines.append("Thư không có tệp văn bản nào nên không tính được sáng kiến nào.")
    else:
        found = f"{after.initiatives} sáng kiến" if after.initiatives else "tệp văn bản"
        timing = TIMING_LABELS.get(after.timing or "", "").lower()
        lines.append(f"Thư được tính: {found}, {timing}." if timing else f"Thư được tính: {found}.")
    if after.unit and decision.action is not Action.IGNORE:
        status = _unit_status(register, session, after.unit, after.campaign)
        name = _unit_name(register, after.unit)
        still = "vẫn " if status is UnitStatus.MISSING else ""
        lines.append(f"Tình trạng của {name}: {still}{STATUS_LABELS[status.value]}.")
    return lines


def _unit_status(
    register: Register, session: Session, code: str, campaign_code: str | None
) -> UnitStatus:
    """Return a unit's standing in the campaign a message belongs to (the default
    campaign for a message of none)."""
    campaign = register.config.campaign_of(campaign_code)
    tallies = compliance_tallies(session, campaign.code)
    for standing in assess_tallies(register.roster, campaign, tallies):
        if standing.unit.code == code:
            return standing.status
    return UnitStatus.MISSING


def _conflict_line(register: Register, latest: DecisionRow) -> str:
    when = local_text(latest.decided_at, register.config.campaign.zone)
    what = ACTION_WORDS.get(latest.action, latest.action)
    if latest.action == "assign":
        what = f"{what} {_unit_name(register, latest.unit)}"
    elif latest.action == "campaign":
        what = f"{what} {latest.campaign}"
    return (
        f"Thư {latest.message_id} vừa được {latest.decided_by} quyết định lúc {when} ({what}). "
        "Quyết định của bạn chưa được ghi: hãy xem lại thư rồi quyết định lại nếu vẫn cần."
    )
