"""The outbox against a real SMTP server on loopback and a real database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from app.config import SmtpConfig
from outbound.mailing import OutgoingMail, build_message, new_message_id, parse_address
from outbound.outbox import deliver_due
from outbound.smtp import send_via_smtp
from store.db import SessionFactory
from store.outbox import ClaimedMail, NewMail, enqueue, list_outbox
from tests.smtp_sandbox import SmtpSandbox, free_port

SENDER = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"
START = datetime(2024, 6, 26, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Crash(BaseException):
    """The process dies (power cut, OOM kill): nothing after it runs."""


def smtp_config(port: int, attempts: int = 3) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1",
        port=port,
        security="none",
        username=None,
        password_env=None,
        password_file=None,
        sender=SENDER,
        timeout=10,
        max_attempts=attempts,
        retry_after=timedelta(minutes=1),
    )


def queue(sessions: SessionFactory, key: str, subject: str = "Báo cáo ngày 25/06/2024") -> str:
    message_id = new_message_id(parse_address(SENDER), "digest")
    raw = build_message(
        OutgoingMail(SENDER, ("vanthu@tayninh.gov.vn",), subject, "Nội dung báo cáo"),
        message_id,
        START,
    )
    with sessions.begin() as session:
        enqueue(
            session,
            NewMail("digest", key, message_id, SENDER, ("vanthu@tayninh.gov.vn",), subject, raw),
            START,
        )
    return message_id


def deliver(sessions: SessionFactory, config: SmtpConfig, clock: Clock, transport=None):  # type: ignore[no-untyped-def]
    return deliver_due(
        sessions,
        transport or (lambda mail: send_via_smtp(config, None, mail)),
        clock,
        max_attempts=config.max_attempts,
        retry_after=config.retry_after,
    )


def statuses(sessions: SessionFactory) -> list[str]:
    with sessions() as session:
        return [r.status for r in list_outbox(session)]


def test_a_queued_mail_reaches_the_smtp_server_once(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    message_id = queue(sessions, "digest:2024-06-26")
    clock = Clock()
    report = deliver(sessions, smtp_config(smtp_server.port), clock)
    again = deliver(sessions, smtp_config(smtp_server.port), clock)
    assert (report.sent, again.sent) == (1, 0)
    [received] = smtp_server.received
    assert received.rcpt_tos == ["vanthu@tayninh.gov.vn"]
    assert received.mail_from == "phongnv-cth@tayninh.gov.vn"
    assert received.message["Message-ID"] == message_id
    assert received.message["Subject"] == "Báo cáo ngày 25/06/2024"
    assert statuses(sessions) == ["sent"]


def test_a_crash_between_send_and_commit_does_not_send_twice_on_restart(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    queue(sessions, "receipt:1")
    config = smtp_config(smtp_server.port)
    clock = Clock()

    def send_then_die(mail: ClaimedMail) -> None:
        send_via_smtp(config, None, mail)
        raise Crash

    with pytest.raises(Crash):
        deliver(sessions, config, clock, transport=send_then_die)
    assert len(smtp_server.received) == 1

    # The restarted worker, right away and after the claim's lease ran out.
    deliver(sessions, config, clock)
    clock.now += timedelta(hours=1)
    report = deliver(sessions, config, clock)
    assert len(smtp_server.received) == 1
    assert report.sent == 0
    assert statuses(sessions) == ["uncertain"]


def test_a_temporary_refusal_is_retried_after_a_backoff(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    queue(sessions, "digest:2024-06-26")
    smtp_server.refuse = ["451 4.3.0 try again later", "451 4.3.0 try again later"]
    config = smtp_config(smtp_server.port, attempts=5)
    clock = Clock()
    assert deliver(sessions, config, clock).retried == 1
    clock.now += timedelta(seconds=59)
    assert deliver(sessions, config, clock).retried == 0  # not due yet
    clock.now += timedelta(seconds=1)
    assert deliver(sessions, config, clock).retried == 1  # second attempt, now 2 minutes
    clock.now += timedelta(minutes=1)
    assert deliver(sessions, config, clock).sent == 0
    clock.now += timedelta(minutes=1)
    assert deliver(sessions, config, clock).sent == 1
    assert len(smtp_server.received) == 1
    with sessions() as session:
        [row] = list_outbox(session)
    assert (row.status, row.attempts) == ("sent", 3)


def test_a_permanent_refusal_is_not_retried(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    queue(sessions, "digest:2024-06-26")
    smtp_server.refuse = ["554 5.7.1 rejected"]
    clock = Clock()
    report = deliver(sessions, smtp_config(smtp_server.port), clock)
    clock.now += timedelta(days=1)
    deliver(sessions, smtp_config(smtp_server.port), clock)
    assert report.failed == 1
    assert smtp_server.received == []
    assert statuses(sessions) == ["failed"]


def test_a_server_that_is_down_is_retried_then_given_up(sessions: SessionFactory) -> None:
    queue(sessions, "digest:2024-06-26")
    config = smtp_config(free_port(), attempts=2)
    clock = Clock()
    assert deliver(sessions, config, clock).retried == 1
    clock.now += timedelta(minutes=1)
    assert deliver(sessions, config, clock).failed == 1
    with sessions() as session:
        [row] = list_outbox(session)
    assert row.status == "failed"
    assert row.last_error and "không kết nối được" in row.last_error


def test_a_subject_from_a_stranger_cannot_add_recipients(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    queue(sessions, "receipt:9", subject="Re: Sáng kiến\r\nBcc: attacker@evil.example\r\n\r\nX")
    deliver(sessions, smtp_config(smtp_server.port), Clock())
    [received] = smtp_server.received
    assert received.rcpt_tos == ["vanthu@tayninh.gov.vn"]
    assert received.message["Bcc"] is None
    assert received.message["Subject"] == "Re: Sáng kiến Bcc: attacker@evil.example X"


def test_workers_racing_over_the_outbox_send_each_mail_once(
    sessions: SessionFactory, smtp_server: SmtpSandbox
) -> None:
    for n in range(24):
        queue(sessions, f"reminder:{n}")
    config = smtp_config(smtp_server.port)
    clock = Clock()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            deliver(sessions, config, clock)
        except BaseException as error:  # reported below, a thread cannot raise into pytest
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = sorted(m.message["Message-ID"] for m in smtp_server.received)
    assert len(ids) == 24
    assert len(set(ids)) == 24
    assert statuses(sessions) == ["sent"] * 24
