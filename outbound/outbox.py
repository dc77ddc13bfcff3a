"""Drain the outbox: send due mail, one committed step at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from outbound.smtp import SmtpPermanent, SmtpTemporary, SmtpUncertain
from store.db import SessionFactory
from store.outbox import (
    ClaimedMail,
    claim_next,
    expire_stale_claims,
    mark_failed,
    mark_retry,
    mark_sent,
    mark_uncertain,
)

log = logging.getLogger(__name__)

Transport = Callable[[ClaimedMail], None]
Clock = Callable[[], datetime]

#: A claim older than this belongs to a process that died (an SMTP session lasts
#: at most a few timeouts of 60 s).
CLAIM_LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0


def deliver_due(
    sessions: SessionFactory,
    transport: Transport,
    clock: Clock,
    *,
    max_attempts: int,
    retry_after: timedelta,
    limit: int = 200,
    lease: timedelta = CLAIM_LEASE,
) -> DeliveryReport:
    """Send every due outbox row once; return what happened.

    Why a row is never sent twice, even across a crash:

    1. The claim is its own committed transaction: ``UPDATE … SET status =
       'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'``.
       Only one worker can win it, and the attempt is on disk before a single
       byte goes to the SMTP server.
    2. Only after the server has answered 250 to DATA is the row marked
       ``sent``, in a second transaction.
    3. If the process dies between 1 and 2, the row stays ``sending``; it is
       not ``pending``, so no worker picks it up again. After ``lease`` it
       becomes ``uncertain``: the server may hold the mail, and SMTP offers no
       way to ask. We choose at most once, because a second receipt or digest
       is worse than a late one; a person can look the row's unique Message-ID
       up in the mail server's log and requeue it (``outbox retry ID``). The
       same Message-ID is kept on a requeue, so a mail client that sees both
       copies can still tell they are one.
    4. A failure that certainly did not deliver (refused before or at DATA, no
       connection) goes back to ``pending`` with an exponential backoff, until
       ``max_attempts``; a 5xx refusal fails at once. A connection lost while
       the body was being sent is ``uncertain``, as in 3.
    """
    with sessions.begin() as session:
        stale = expire_stale_claims(session, clock(), lease)
    if stale:
        log.warning("outbox: %d mail(s) interrupted while sending, marked uncertain", stale)
    counts = {"sent": 0, "retried": 0, "failed": 0, "uncertain": 0}
    for _ in range(limit):
        with sessions.begin() as session:
            mail = claim_next(session, clock())
        if mail is None:
            break
        outcome = _send_one(sessions, transport, clock, mail, max_attempts, retry_after)
        counts[outcome] += 1
    return DeliveryReport(**counts)


def _send_one(
    sessions: SessionFactory,
    transport: Transport,
    clock: Clock,
    mail: ClaimedMail,
    max_attempts: int,
    retry_after: timedelta,
) -> str:
    try:
        transport(mail)
    except SmtpUncertain as error:
        log.error("outbox %d: %s", mail.id, error)
        with sessions.begin() as session:
            mark_uncertain(session, mail.id, str(error))
        return "uncertain"
    except SmtpPermanent as error:
        log.error("outbox %d: refused: %s", mail.id, error)
        with sessions.begin() as session:
            mark_failed(session, mail.id, str(error))
        return "failed"
    except SmtpTemporary as error:
        with sessions.begin() as session:
            if mail.attempts >= max_attempts:
                log.error(
                    "outbox %d: giving up after %d attempts: %s", mail.id, mail.attempts, error
                )
                mark_failed(session, mail.id, str(error))
                return "failed"
            delay = min(retry_after * 2 ** (mail.attempts - 1), MAX_BACKOFF)
            log.warning("outbox %d: %s; retrying in %s", mail.id, error, delay)
            mark_retry(session, mail.id, str(error), clock() + delay)
        return "retried"
    with sessions.begin() as session:
        mark_sent(session, mail.id, clock())
    log.info("outbox %d: sent %s", mail.id, mail.rfc_message_id)
    return "sent"
