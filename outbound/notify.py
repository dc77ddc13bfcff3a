"""Queue the digest, receipts and reminders in the outbox, and send what is due.

Gather rows (store), compute and render (reports), build the mail safely
(outbound.mailing), queue it (store.outbox); delivery is outbound.outbox.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from app.campaigns import open_campaigns, select_campaign
from app.config import Config, SmtpConfig, load_roster
from app.root import utc_now
from outbound.mailing import BadAddress, OutgoingMail, build_message, new_message_id, parse_address
from outbound.outbox import Clock, DeliveryReport, Transport, deliver_due
from outbound.smtp import read_smtp_password, send_via_smtp
from parsers.campaign import Campaign
from parsers.roster import Roster, Unit
from reports.compliance import assess_tallies
from reports.digest import Digest, render_html, units_to_remind
from reports.digest import render_text as render_digest_text
from reports.digest_sources import gather_digest
from reports.notices import Notice, receipt_notice, reminder_notice
from store.db import Engine, SessionFactory, make_session_factory
from store.decisions import learned_addresses
from store.outbox import NewMail, accepted_without_receipt, enqueue, record_digest_run
from store.paper import paper_copies_by_unit
from store.read import SubmissionRow, submissions_by_id
from store.tallies import compliance_tallies

log = logging.getLogger(__name__)

DEFAULT_SIGNATURE = "Phòng Nội vụ"


class NotConfigured(Exception):
    """Sending was asked for but [smtp] (or [digest].to) is missing."""


def prepare_digest(
    sessions: SessionFactory,
    config: Config,
    roster: Roster,
    for_date: date,
    campaign: Campaign | None = None,
) -> Digest:
    """Return the digest dated ``for_date`` (covering the day before) from the register,
    of ``campaign`` (by default the one that day falls in), with the standing of every
    other campaign open that day after it."""
    covered = for_date - timedelta(days=1)
    campaign = campaign or select_campaign(config, None, covered)
    others = [c for c in open_campaigns(config, covered) if c.code != campaign.code]
    return gather_digest(sessions, roster, campaign, for_date, others)


def digest_mail(config: Config, digest: Digest, now: datetime) -> NewMail:
    smtp = _smtp(config)
    if not config.digest.to:
        raise NotConfigured("[digest].to")
    message_id = new_message_id(parse_address(smtp.sender), "digest")
    outgoing = OutgoingMail(
        sender=smtp.sender,
        to=config.digest.to,
        subject=digest.subject,
        text=render_digest_text(digest),
        html=render_html(digest),
    )
    return NewMail(
        kind="digest",
        dedupe_key=f"digest:{digest.for_date.isoformat()}",
        rfc_message_id=message_id,
        sender=smtp.sender,
        recipients=config.digest.to,
        subject=digest.subject,
        raw=build_message(outgoing, message_id, now),
    )


def enqueue_digest(
    sessions: SessionFactory, config: Config, digest: Digest, now: datetime
) -> int | None:
    """Queue the digest once per date and remember its window; return the outbox id.

    None when the digest of that date is already queued: then whoever queued it
    (perhaps a `digest --send` running at the same moment) also recorded its window.
    """
    mail = digest_mail(config, digest, now)
    window = digest.window
    with sessions.begin() as session:
        outbox_id = enqueue(session, mail, now)
        if outbox_id is not None:
            record_digest_run(session, digest.for_date, window.since, window.until, now, outbox_id)
    return outbox_id


def enqueue_receipts(
    sessions: SessionFactory, config: Config, roster: Roster, now: datetime
) -> int:
    """Queue one receipt per accepted message that has none; return how many mails were queued.

    Only accepted messages qualify (never ignored mail, auto-replies or the
    mailbox's own mail); the dedupe key ``receipt:<message id>`` and the
    query make a second receipt impossible. Mail taken for a unit from an
    address it never used (``new_sender_address``) also sends a copy to the
    unit's known addresses (``receipt-copy:<message id>``), so that the real
    unit learns of it; the sender is not shown those addresses.
    """
    smtp = _smtp(config)
    sender = parse_address(smtp.sender)
    signature = sender.display_name or DEFAULT_SIGNATURE
    own = config.mailboxes[0].username
    with sessions() as session:
        rows = submissions_by_id(session, accepted_without_receipt(session))
        learned = learned_addresses(session)
    queued = 0
    for row in rows:
        unit = roster.by_code(row.unit or "")
        unit_name = unit.name if unit else (row.unit or "")
        receipt = _receipt(row, unit_name, config, own, signature, now)
        mails = [receipt] if receipt else []
        sent_from = (row.from_address or "").lower()
        known = tuple(
            a
            for a in _usable(unit_addresses(roster, row.unit or "", learned))
            if a.lower() != sent_from
        )
        if NEW_ADDRESS in row.reasons and known:
            mails.append(_receipt_copy(row, unit_name, known, config, own, signature, now))
        if not mails:
            continue
        with sessions.begin() as session:
            queued += sum(1 for mail in mails if enqueue(session, mail, now) is not None)
    return queued


NEW_ADDRESS = "new_sender_address"


def _usable(addresses: tuple[str, ...]) -> list[str]:
    """Return the addresses mail can be sent to; a learned text that is none is skipped.

    (`review assign --remember-address` on a From with several addresses learns them
    as one text: one bad address must not stop every receipt.)
    """
    usable = []
    for address in addresses:
        try:
            usable.append(parse_address(address).addr_spec)
        except BadAddress as error:
            log.warning("receipt copy not sent to %r: %s", address, error)
    return usable


def _receipt(
    row: SubmissionRow, unit_name: str, config: Config, own: str, signature: str, now: datetime
) -> NewMail | None:
    """Return the receipt to the message's sender, or None when it has no usable address."""
    if not row.from_address:
        return None
    try:
        to = parse_address(row.from_address).addr_spec
    except BadAddress as error:
        log.warning("no receipt for message %d: %s", row.id, error)
        return None
    notice = receipt_notice(row, unit_name, config.campaign_of(row.campaign), own, signature)
    return _receipt_mail(
        row, notice, (to,), f"receipt:{row.id}", config, now, in_reply_to=row.message_id
    )


def _receipt_copy(
    row: SubmissionRow,
    unit_name: str,
    known: tuple[str, ...],
    config: Config,
    own: str,
    signature: str,
    now: datetime,
) -> NewMail:
    """Return the copy of a receipt to the unit's known addresses (not a reply: they never
    saw the message)."""
    notice = receipt_notice(
        row, unit_name, config.campaign_of(row.campaign), own, signature, copy=True
    )
    return _receipt_mail(row, notice, known, f"receipt-copy:{row.id}", config, now)


def _receipt_mail(
    row: SubmissionRow,
    notice: Notice,
    to: tuple[str, ...],
    dedupe_key: str,
    config: Config,
    now: datetime,
    in_reply_to: str | None = None,
) -> NewMail:
    smtp = _smtp(config)
    message_id = new_message_id(parse_address(smtp.sender), "receipt")
    outgoing = OutgoingMail(
        sender=smtp.sender,
        to=to,
        subject=notice.subject,
        text=notice.text,
        in_reply_to=in_reply_to,
    )
    return NewMail(
        kind="receipt",
        dedupe_key=dedupe_key,
        rfc_message_id=message_id,
        sender=smtp.sender,
        recipients=to,
        subject=notice.subject,
        raw=build_message(outgoing, message_id, now),
        reply_to_message=row.id,
    )


def enqueue_reminders(
    sessions: SessionFactory,
    config: Config,
    roster: Roster,
    today: date,
    now: datetime,
    campaign: Campaign | None = None,
) -> int:
    """Queue reminders of ``campaign`` (by default today's) to required units still missing
    a required form, on the configured days only (a unit whose file arrived is reminded of
    its paper copy, if required)."""
    campaign = campaign or select_campaign(config, None, today)
    days_left = (campaign.closes - today).days
    if days_left not in config.reminder_days(campaign):
        return 0
    smtp = _smtp(config)
    sender = parse_address(smtp.sender)
    signature = sender.display_name or DEFAULT_SIGNATURE
    own = config.mailboxes[0].username
    queued = 0
    for unit, lacking in reminders_due(sessions, roster, campaign):
        to = unit_addresses(roster, unit.code)
        if not to:
            log.info("reminder: %s has no known address", unit.code)
            continue
        notice = reminder_notice(unit, campaign, today, own, signature, lacking)
        message_id = new_message_id(sender, "reminder")
        outgoing = OutgoingMail(sender=smtp.sender, to=to, subject=notice.subject, text=notice.text)
        mail = NewMail(
            kind="reminder",
            # One reminder per unit, day and campaign: two campaigns open on the same
            # day each remind of their own.
            dedupe_key=f"reminder:{campaign.code}:{unit.code}:{today.isoformat()}",
            rfc_message_id=message_id,
            sender=smtp.sender,
            recipients=to,
            subject=notice.subject,
            raw=build_message(outgoing, message_id, now),
        )
        with sessions.begin() as session:
            if enqueue(session, mail, now) is not None:
                queued += 1
    return queued


def reminders_due(
    sessions: SessionFactory, roster: Roster, campaign: Campaign
) -> list[tuple[Unit, tuple[str, ...]]]:
    """Return the required units lacking a form ``campaign`` requires now, with the forms
    they lack."""
    with sessions() as session:
        tallies = compliance_tallies(session, campaign.code)
        papers = paper_copies_by_unit(session, campaign.code)
    return units_to_remind(assess_tallies(roster, campaign, tallies, papers))


def unit_addresses(
    roster: Roster, code: str, learned: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """Return a unit's known addresses: the roster's, the address book's, then ``learned``."""
    found = [e for u in roster.units if u.code == code for e in u.emails]
    found += sorted(e for e, c in roster.addresses.items() if c == code)
    found += sorted(e for e, c in (learned or {}).items() if c == code)
    return tuple(dict.fromkeys(found))


def smtp_transport(config: Config, environ: Mapping[str, str]) -> Transport:
    """Return the function that hands one outbox row to the configured SMTP server."""
    smtp = _smtp(config)
    password = read_smtp_password(smtp, environ)
    return lambda mail: send_via_smtp(smtp, password, mail)


def deliver(config: Config, sessions: SessionFactory, clock: Clock) -> DeliveryReport:
    smtp = _smtp(config)
    return deliver_due(
        sessions,
        smtp_transport(config, os.environ),
        clock,
        max_attempts=smtp.max_attempts,
        retry_after=smtp.retry_after,
    )


def after_poll(config: Config, engine: Engine, clock: Clock = utc_now) -> None:
    """Queue and send receipts for newly accepted mail, when receipts are on.

    Called after every poll; a failure here is logged and never fails the poll.
    """
    if not config.notifications.receipts or config.smtp is None:
        return
    sessions = make_session_factory(engine)
    try:
        roster = load_roster(config.units_file, config.addresses_file)
        queued = enqueue_receipts(sessions, config, roster, clock())
        if queued:
            log.info("queued %d receipt(s)", queued)
        report = deliver(config, sessions, clock)
        if report.sent or report.failed or report.uncertain:
            log.info("outbox: %s", report)
    except Exception:  # the poll already succeeded; mail waits for the next run
        log.exception("receipts could not be queued or sent")


def _smtp(config: Config) -> SmtpConfig:
    if config.smtp is None:
        raise NotConfigured("[smtp]")
    return config.smtp


def daily_mail(config: Config, engine: Engine, clock: Clock = utc_now) -> None:
    """Send the morning digest and the day's reminders (the worker's daily job).

    Does nothing without [smtp]; a failure is logged and the worker goes on.
    """
    if config.smtp is None:
        return
    sessions = make_session_factory(engine)
    try:
        roster = load_roster(config.units_file, config.addresses_file)
        today = clock().astimezone(config.campaign.zone).date()
        if config.digest.to:
            digest = prepare_digest(sessions, config, roster, today)
            enqueue_digest(sessions, config, digest, clock())
        for campaign in open_campaigns(config, today):
            if config.reminder_days(campaign):
                enqueue_reminders(sessions, config, roster, today, clock(), campaign)
        log.info("daily mail: %s", deliver(config, sessions, clock))
    except Exception:  # the worker keeps polling; the outbox keeps what was queued
        log.exception("the daily digest or reminders could not be sent")


def schedule_daily_mail(scheduler: Any, config: Config, engine: Engine) -> None:
    """Add the daily job at [schedule].digest_at (campaign zone) to an APScheduler."""
    if config.smtp is None:
        return
    at = config.schedule.digest_at
    scheduler.add_job(
        daily_mail,
        "cron",
        args=(config, engine),
        hour=at.hour,
        minute=at.minute,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
        id="daily-mail",
    )
