"""Decide who sent a message, whether it is a submission and whether it was on time."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from parsers.campaign import Campaign, Timing, attribute
from parsers.documents import ExtractStatus
from parsers.mail import ParsedMessage
from parsers.roster import find_unit_by_address, stands_for
from parsers.text import fold_tone_style
from parsers.units import UnitNames, signature_block, strip_diacritics


class Status(enum.StrEnum):
    ACCEPTED = "accepted"
    NEEDS_REVIEW = "needs_review"
    IGNORED = "ignored"


class UnitSource(enum.StrEnum):
    ADDRESS = "address"
    DISPLAY_NAME = "display_name"
    SUBJECT = "subject"
    BODY = "body"
    DOCUMENT = "document"
    FORWARDED = "forwarded"
    MANUAL = "manual"


@dataclass(frozen=True)
class DocumentSummary:
    """What classification needs to know of one attached document."""

    filename: str
    extract_status: ExtractStatus
    # The issuing body from the document header ("UBND HUYỆN CHÂU THÀNH PHÒNG TƯ PHÁP").
    issuer: str = ""
    # The document's text, where a campaign's keywords are looked for.
    text: str = ""


@dataclass(frozen=True)
class Classification:
    unit: str | None
    unit_source: UnitSource | None
    timing: Timing | None
    status: Status
    reasons: tuple[str, ...]
    # Units the evidence pointed at when it did not settle on one (or was not trusted).
    candidates: tuple[str, ...] = ()
    # The campaign the message belongs to (its code; ``timing`` is judged against it),
    # the campaigns the rule could not tell apart, and the message judged against
    # every campaign (what a person's choice of campaign takes its timing from).
    campaign: str | None = None
    campaign_candidates: tuple[str, ...] = ()
    timings: Mapping[str, Timing] = field(default_factory=dict)


# Reasons that keep a message out of the register until a person decides.
BLOCKING = frozenset(
    {
        "unknown_unit",
        "ambiguous_unit",
        "ambiguous_sender",
        "foreign_area",
        "no_document",
        "auth_failed",
        "parse_failed",
        "ambiguous_campaign",
        "no_receive_time",
    }
)
# Reasons that follow from the campaign a message is put in.
_CAMPAIGN_REASONS = frozenset({"ambiguous_campaign", "early", "late"})
# Reasons about who sent a message: a person's assignment settles them.
_UNIT_REASONS = frozenset(
    {"unknown_unit", "ambiguous_unit", "ambiguous_sender", "foreign_area", "auth_failed"}
)


def classify(
    message: ParsedMessage,
    documents: Sequence[DocumentSummary],
    received_at: datetime,
    campaigns: Sequence[Campaign],
    address_book: Mapping[str, str],
    own_addresses: frozenset[str],
    names: UnitNames | None = None,
    trusted_authserv_ids: frozenset[str] = frozenset(),
    successors: Mapping[str, tuple[date, str]] | None = None,
) -> Classification:
    """Classify one parsed message; a pure function of its inputs.

    ``address_book`` holds the roster's addresses and the learned ones;
    ``names`` the roster's unit names; ``trusted_authserv_ids`` whose
    Authentication-Results headers to believe; ``successors`` the units merged
    or renamed (Roster.successors): mail of one that had ended when it arrived
    counts for its successor, with the reason ``successor_unit``.
    """
    ignored = ignore_reason(message, own_addresses)
    if ignored:
        return Classification(None, None, None, Status.IGNORED, (ignored,))

    reasons: list[str] = []
    unit, source, candidates, problem = identify(message, documents, address_book, names)
    if problem:
        reasons.append(problem)
    if authentication_failed(message.authentication_results, trusted_authserv_ids):
        # Possible impersonation: the claimed unit is only a candidate.
        candidates = tuple(sorted({*candidates, *([unit] if unit else [])}))
        unit, source = None, None
        reasons.append("auth_failed")
    if unit is not None and is_new_sender_address(message, unit, address_book):
        reasons.append("new_sender_address")
    if reply_to_differs(message):
        reasons.append("reply_to_differs")
    if not documents:
        reasons.append("no_document")
    if any(d.extract_status is not ExtractStatus.OK for d in documents):
        reasons.append("unreadable_attachment")

    subject = "\n".join([message.subject, *(f.subject for f in message.forwarded)])
    belongs = attribute(received_at, campaign_text(message, documents), campaigns, subject)
    timing = belongs.timings[belongs.campaign] if belongs.campaign else None
    reasons += _timing_reasons(belongs.campaign, timing)
    if unit is not None and successors:
        zone = next((c.zone for c in campaigns if c.code == belongs.campaign), campaigns[0].zone)
        heir = stands_for(unit, received_at.astimezone(zone).date(), successors)
        if heir != unit:
            unit = heir
            reasons.append("successor_unit")

    status = Status.NEEDS_REVIEW if BLOCKING.intersection(reasons) else Status.ACCEPTED
    return Classification(
        unit,
        source,
        timing,
        status,
        tuple(reasons),
        candidates,
        campaign=belongs.campaign,
        campaign_candidates=belongs.candidates,
        timings=belongs.timings,
    )


#: Characters of each document in which campaign keywords are looked for (the
#: title page names the report; a long annex adds nothing but time).
CAMPAIGN_TEXT_CHARS = 20_000


def without_receive_time(verdict: Classification) -> Classification:
    """Return ``verdict`` of a message whose server receive time is unknown.

    Its timing was judged against a stand-in time (when it was imported), which
    no one may count on: a person decides (reason ``no_receive_time``). Ignored
    mail stays ignored.
    """
    if verdict.status is Status.IGNORED or "no_receive_time" in verdict.reasons:
        return verdict
    return replace(
        verdict, status=Status.NEEDS_REVIEW, reasons=(*verdict.reasons, "no_receive_time")
    )


def campaign_text(message: ParsedMessage, documents: Sequence[DocumentSummary]) -> str:
    """Return what a message says, where a campaign's keywords are looked for."""
    parts = [message.subject, message.body_text, *(f.subject for f in message.forwarded)]
    parts += [d.text[:CAMPAIGN_TEXT_CHARS] for d in documents]
    return "\n".join(part for part in parts if part)


def _timing_reasons(campaign: str | None, timing: Timing | None) -> list[str]:
    if campaign is None:
        return ["ambiguous_campaign"]
    if timing is Timing.LATE:
        return ["late"]
    if timing is Timing.EARLY:
        return ["early"]
    return []


def identify(
    message: ParsedMessage,
    documents: Sequence[DocumentSummary],
    address_book: Mapping[str, str],
    names: UnitNames | None,
) -> tuple[str | None, UnitSource | None, tuple[str, ...], str | None]:
    """Return (unit, source, candidates, problem) from the message's evidence.

    Addresses come first (the From address, then a forwarded original
    sender); the units the message names (display name, subject, signature,
    document issuer) confirm them or, without a known address, decide alone.
    Any disagreement leaves the unit to a person. Sender and Reply-To are
    never evidence: anyone may write them, and they do not say who wrote.
    """
    texts = _naming_texts(message, documents)
    named = _named_units(texts, names)
    content = {code for _, codes in named for code in codes}
    # A forward is judged by what it carries, not by who forwarded it.
    carried = {c for source, codes in named if source in _CARRIED for c in codes}

    def lookup(addresses: Iterable[str | None]) -> set[str]:
        found = (find_unit_by_address(a, address_book) for a in addresses if a)
        return {code for code in found if code}

    if message.sender_ambiguous:
        # Several From addresses, or a group: none of them is the sender for certain.
        found = lookup(message.from_addresses)
        return None, None, tuple(sorted(found | content)), "ambiguous_sender"
    tiers = (
        (UnitSource.ADDRESS, lookup([message.from_address])),
        (UnitSource.FORWARDED, lookup(f.from_address for f in message.forwarded)),
    )
    for source, units in tiers:
        if not units:
            continue
        named_here = carried if source is UnitSource.FORWARDED else content
        if len(units) == 1 and (not named_here or units <= named_here):
            return units.pop(), source, (), None
        return None, None, tuple(sorted(units | named_here)), "ambiguous_unit"
    if content and names is not None and any(names.foreign_places(t) for _, t in texts):
        # "UBND thị trấn Châu Thành, …, tỉnh Bến Tre": a namesake elsewhere.
        return None, None, tuple(sorted(content)), "foreign_area"
    if len(content) == 1:
        unit = content.pop()
        first = next(source for source, codes in named if unit in codes)
        return unit, first, (), None
    if content:
        return None, None, tuple(sorted(content)), "ambiguous_unit"
    return None, None, (), "unknown_unit"


_CARRIED = frozenset({UnitSource.DOCUMENT, UnitSource.FORWARDED})


def is_new_sender_address(
    message: ParsedMessage, unit: str, address_book: Mapping[str, str]
) -> bool:
    """Return True when ``unit`` has known addresses and the From address is none of them.

    Such mail was taken for the unit by what it says (a name, a forward), which
    anyone can write: the unit's own addresses should hear of it.
    """
    if find_unit_by_address(message.from_address, address_book) == unit:
        return False
    return unit in address_book.values()


def reply_to_differs(message: ParsedMessage) -> bool:
    """Return True when Sender or Reply-To holds an address that is not a From address."""
    senders = {a.lower() for a in (*message.from_addresses, message.from_address) if a}
    others = {a.lower() for a in (message.sender_address, *message.reply_to) if a}
    return bool(others - senders)


def _naming_texts(
    message: ParsedMessage, documents: Sequence[DocumentSummary]
) -> list[tuple[UnitSource, str]]:
    """Return the texts in which a message names its sender, with where each comes from."""
    # Who forwarded a message (their name, their signature) did not send it.
    forwarder = bool(message.forwarded)
    texts = [
        (UnitSource.DISPLAY_NAME, "" if forwarder else message.from_name),
        (UnitSource.SUBJECT, message.subject),
        (UnitSource.BODY, "" if forwarder else signature_block(message.body_text)),
        *((UnitSource.DOCUMENT, d.issuer) for d in documents),
        *((UnitSource.FORWARDED, f.from_name) for f in message.forwarded),
        *((UnitSource.FORWARDED, f.subject) for f in message.forwarded),
    ]
    return [(source, text) for source, text in texts if text]


def _named_units(
    texts: Sequence[tuple[UnitSource, str]], names: UnitNames | None
) -> list[tuple[UnitSource, frozenset[str]]]:
    if names is None:
        return []
    found = [(source, names.find(text)) for source, text in texts if text]
    return [(source, codes) for source, codes in found if codes]


# --- ignored mail -------------------------------------------------------------

_VACATION = (
    "tra loi tu dong",
    "tu dong tra loi",
    "thu tra loi tu dong",
    "out of office",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "vacation",
)
_BOUNCE_SUBJECTS = (
    "undelivered mail returned to sender",
    "undeliverable",
    "delivery status notification",
    "mail delivery failed",
    "returned mail",
    "delivery failure",
)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})


def ignore_reason(message: ParsedMessage, own_addresses: frozenset[str]) -> str | None:
    """Return why ``message`` is not a person's submission, or None when it may be."""
    if message.from_address.lower() in own_addresses:
        return "own_mail"
    local = message.from_address.split("@", 1)[0].lower()
    subject = strip_diacritics(fold_tone_style(message.subject)).casefold().strip()
    if (
        local in _BOUNCE_SENDERS
        or message.content_type.lower().startswith("multipart/report")
        or subject.startswith(_BOUNCE_SUBJECTS)
    ):
        return "bounce"
    auto = (message.auto_submitted or "").strip().lower()
    autoreply = (message.x_autoreply or "").strip().lower()
    precedence = (message.precedence or "").strip().lower()
    if (
        (auto and auto != "no")
        or (autoreply and autoreply not in {"no", "false", "0"})
        or precedence == "auto_reply"
        or subject.startswith(_VACATION)
    ):
        return "auto_reply"
    if message.list_headers or precedence in _BULK_PRECEDENCE:
        return "bulk"
    return None


# --- sender authentication ------------------------------------------------------

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*(dkim|spf|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)


def authentication_failed(headers: Sequence[str], trusted: frozenset[str]) -> bool:
    """Return True when a trusted server recorded dkim, spf or dmarc as failed.

    Headers from any other authserv-id are ignored: anyone can write one. A
    failed DKIM signature next to a passing one is not a failure.
    """
    results: dict[str, set[str]] = {}
    wanted = {t.lower() for t in trusted}
    for header in headers:
        parts = _COMMENT.sub("", header).split(";")
        authserv = parts[0].split()
        if not authserv or authserv[0].lower() not in wanted:
            continue
        for part in parts[1:]:
            match = _RESULT.match(part)
            if match:
                results.setdefault(match.group(1).lower(), set()).add(match.group(2).lower())
    dkim = results.get("dkim", set())
    return (
        "fail" in results.get("spf", set())
        or "fail" in results.get("dmarc", set())
        or ("fail" in dkim and "pass" not in dkim)
    )


# --- decisions by staff ---------------------------------------------------------


class Action(enum.StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    IGNORE = "ignore"
    CAMPAIGN = "campaign"  # put the message in a campaign


@dataclass(frozen=True)
class Decision:
    """A person's decision on one message (the store keeps who and when)."""

    action: Action
    unit: str | None = None
    campaign: str | None = None


def apply_decisions(verdict: Classification, decisions: Iterable[Decision]) -> Classification:
    """Return ``verdict`` after the staff ``decisions``, oldest first; the last word wins."""
    for decision in decisions:
        if decision.action is Action.ASSIGN:
            reasons = tuple(r for r in verdict.reasons if r not in _UNIT_REASONS)
            status = verdict.status
            if status is Status.NEEDS_REVIEW and not BLOCKING.intersection(reasons):
                status = Status.ACCEPTED
            verdict = replace(
                verdict,
                unit=decision.unit,
                unit_source=UnitSource.MANUAL,
                status=status,
                reasons=reasons,
            )
        elif decision.action is Action.CAMPAIGN:
            verdict = _put_in_campaign(verdict, decision.campaign)
        elif decision.action is Action.ACCEPT:
            verdict = replace(verdict, status=Status.ACCEPTED)
        else:
            verdict = replace(verdict, status=Status.IGNORED)
    return verdict


def _put_in_campaign(verdict: Classification, campaign: str | None) -> Classification:
    """Return ``verdict`` with the message in ``campaign``, timed as it was judged there.

    A campaign the message was never judged against (added to the configuration
    since) leaves it without a timing, so it counts nowhere until it is analysed
    again (``reprocess``).
    """
    timing = verdict.timings.get(campaign) if campaign else None
    kept = [r for r in verdict.reasons if r not in _CAMPAIGN_REASONS]
    reasons = tuple(kept + _timing_reasons(campaign, timing))
    status = verdict.status
    if status is Status.NEEDS_REVIEW and not BLOCKING.intersection(reasons):
        status = Status.ACCEPTED
    return replace(
        verdict,
        campaign=campaign,
        campaign_candidates=(),
        timing=timing,
        reasons=reasons,
        status=status,
    )
