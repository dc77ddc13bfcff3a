"""What a decision tells the person who takes it (the same words in the CLI and the web)."""

from __future__ import annotations

from datetime import UTC, datetime

from app import review
from app.root import Register
from store.decisions import Seen, seen_now
from tests.store.register import store_message

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)


def store_waiting(register: Register, **options: object) -> int:
    return store_message(
        register.sessions,
        1,
        RECEIVED,
        unit=None,
        status="needs_review",
        reasons=("unknown_unit",),
        **options,  # type: ignore[arg-type]
    )


def test_assigning_a_message_with_an_initiative_says_the_unit_has_sent_on_time(
    register: Register,
) -> None:
    message_id = store_waiting(register)
    outcome = review.assign(register, message_id, "xa-an-co", by="lan")
    assert outcome.recorded
    assert outcome.lines == (
        f"Thư {message_id}: đã gán cho UBND xã An Cơ (xa-an-co).",
        "Thư được tính: 1 sáng kiến, đúng hạn.",
        "Tình trạng của UBND xã An Cơ: Đã nộp đúng hạn.",
    )


def test_accepting_a_message_without_a_document_says_the_unit_is_still_missing(
    register: Register,
) -> None:
    message_id = store_message(
        register.sessions,
        1,
        RECEIVED,
        unit="phong-y-te",
        status="needs_review",
        reasons=("no_document",),
        files=(),
    )
    outcome = review.accept(register, message_id, by="lan")
    assert outcome.recorded
    assert outcome.lines == (
        f"Thư {message_id}: đã chấp nhận là hồ sơ của Phòng Y tế.",
        "Thư không có tệp văn bản nào nên không tính được sáng kiến nào.",
        "Tình trạng của Phòng Y tế: vẫn Chưa nộp.",
    )


def test_assigning_a_message_that_is_still_blocked_says_what_still_blocks_it(
    register: Register,
) -> None:
    message_id = store_message(
        register.sessions,
        1,
        RECEIVED,
        unit=None,
        status="needs_review",
        reasons=("unknown_unit", "no_document"),
        files=(),
    )
    outcome = review.assign(register, message_id, "xa-an-co", by="lan")
    assert outcome.recorded
    assert outcome.lines[1] == (
        "Thư vẫn cần xem xét (không có tệp văn bản đính kèm): "
        "chấp nhận thư nếu vẫn tính là hồ sơ của đơn vị."
    )
    assert outcome.lines[2] == "Tình trạng của UBND xã An Cơ: vẫn Chưa nộp."


def test_a_decision_against_a_state_someone_else_changed_names_them_and_writes_nothing(
    register: Register,
) -> None:
    message_id = store_waiting(register)
    with register.sessions() as session:
        seen = seen_now(session, message_id)
    assert review.assign(register, message_id, "xa-an-co", by="lan", seen=seen).recorded
    outcome = review.assign(register, message_id, "xa-thai-binh", by="minh", seen=seen)
    assert (outcome.recorded, outcome.refusal) == (False, "conflict")
    assert outcome.text == (
        f"Thư {message_id} vừa được lan quyết định lúc 21/06/2024 09:00 "
        "(gán cho đơn vị UBND xã An Cơ). Quyết định của bạn chưa được ghi: "
        "hãy xem lại thư rồi quyết định lại nếu vẫn cần."
    )
    with register.sessions() as session:
        assert seen_now(session, message_id) != Seen(None)
    again = review.assign(
        register, message_id, "xa-thai-binh", by="minh", seen=seen_now_of(register, message_id)
    )
    assert again.recorded


def seen_now_of(register: Register, message_id: int) -> Seen:
    with register.sessions() as session:
        return seen_now(session, message_id)


def test_impossible_decisions_are_refused_with_a_reason(register: Register) -> None:
    message_id = store_waiting(register)
    refusals = [
        review.assign(register, message_id, "xa-khong-co", by="lan"),
        review.accept(register, message_id, by="lan"),
        review.ignore(register, 99999, by="lan"),
    ]
    assert [(o.recorded, o.refusal) for o in refusals] == [
        (False, "unknown_unit"),
        (False, "needs_unit"),
        (False, "unknown_message"),
    ]
    assert refusals[1].text == (
        f"Thư {message_id} chưa có đơn vị: hãy gán đơn vị trước khi chấp nhận."
    )


def test_ignoring_a_counted_message_says_it_counts_for_no_unit(register: Register) -> None:
    message_id = store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    outcome = review.ignore(register, message_id, by="lan", reason="thư trùng")
    assert outcome.lines == (
        f"Thư {message_id}: đã bỏ qua, không tính là hồ sơ.",
        "Thư không được tính cho đơn vị nào.",
    )


def test_every_decision_and_every_refusal_is_in_the_audit_trail(register: Register) -> None:
    from store.accounts import list_events

    message_id = store_waiting(register)
    review.assign(register, message_id, "xa-an-co", by="lan", address="10.0.0.5")
    review.accept(register, 99999, by="minh")
    with register.sessions() as session:
        events, total = list_events(session, limit=10)
    assert total == 2
    assert [(e.actor, e.action, e.target, e.detail, e.address, e.ok) for e in events] == [
        ("minh", "accept", "message:99999", "unknown_message", None, False),
        ("lan", "assign", f"message:{message_id}", "xa-an-co", "10.0.0.5", True),
    ]
