"""Decide who sent a message, whether it is a submission and whether it was on time."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from parsers.campaign import Campaign, Timing, judge_timing
from parsers.documents import ExtractStatus
from parsers.mail import ParsedMessage
from parsers.roster import find_unit_by_address


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


@dataclass(frozen=True)
class Classification:
    unit: str | None
    unit_source: UnitSource | None
    timing: Timing | None
    status: Status
    reasons: tuple[str, ...]


def classify(
    message: ParsedMessage,
    documents: Sequence[DocumentSummary],
    received_at: datetime,
    campaign: Campaign,
    address_book: Mapping[str, str],
    own_addresses: frozenset[str],
) -> Classification:
    """Classify one parsed message; a pure function of its inputs."""
    if _is_automatic(message) or message.from_address in own_addresses:
        return Classification(None, None, None, Status.IGNORED, ("automatic",))

    reasons: list[str] = []
    unit = find_unit_by_address(message.from_address, address_book)
    source = UnitSource.ADDRESS if unit else None
    if unit is None:
        reasons.append("unknown_unit")
    if not documents:
        reasons.append("no_document")
    if any(d.extract_status is not ExtractStatus.OK for d in documents):
        reasons.append("unreadable_attachment")

    timing = judge_timing(received_at, campaign)
    if timing is Timing.LATE:
        reasons.append("late")
    elif timing is Timing.EARLY:
        reasons.append("early")

    blocking = {"unknown_unit", "no_document"}
    status = Status.NEEDS_REVIEW if blocking.intersection(reasons) else Status.ACCEPTED
    return Classification(unit, source, timing, status, tuple(reasons))


def _is_automatic(message: ParsedMessage) -> bool:
    auto = (message.auto_submitted or "").strip().lower()
    if auto and auto != "no":
        return True
    local = message.from_address.split("@", 1)[0]
    return local in {"mailer-daemon", "postmaster"}
