"""Turn a raw message into everything the register records about it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from parsers.campaign import Campaign
from parsers.classify import Classification, DocumentSummary, classify
from parsers.documents import Extraction, extract_text, is_document
from parsers.initiatives import InitiativeInfo, find_initiative
from parsers.mail import MailAttachment, ParsedMessage, parse_message


@dataclass(frozen=True)
class Rules:
    """Everything classification depends on besides the message."""

    campaign: Campaign
    address_book: Mapping[str, str]
    own_addresses: frozenset[str]


@dataclass(frozen=True)
class AnalysedAttachment:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    is_document: bool
    extraction: Extraction | None
    initiative: InitiativeInfo | None
    parent: str | None = None


@dataclass(frozen=True)
class Analysis:
    message: ParsedMessage
    attachments: tuple[AnalysedAttachment, ...]
    classification: Classification


def analyse(raw: bytes, received_at: datetime, rules: Rules) -> Analysis:
    """Parse, extract and classify ``raw``, received by the server at ``received_at``."""
    message = parse_message(raw)
    attachments = tuple(_analyse_attachment(a) for a in message.attachments)
    documents = [
        DocumentSummary(a.filename, a.extraction.status)
        for a in attachments
        if a.extraction is not None
    ]
    classification = classify(
        message, documents, received_at, rules.campaign, rules.address_book, rules.own_addresses
    )
    return Analysis(message, attachments, classification)


def _analyse_attachment(attachment: MailAttachment) -> AnalysedAttachment:
    document = is_document(attachment.filename, attachment.content_type)
    extraction = (
        extract_text(attachment.filename, attachment.content_type, attachment.data)
        if document
        else None
    )
    initiative = find_initiative(extraction.text) if extraction and extraction.text else None
    return AnalysedAttachment(
        filename=attachment.filename,
        content_type=attachment.content_type,
        data=attachment.data,
        sha256=hashlib.sha256(attachment.data).hexdigest(),
        is_document=document,
        extraction=extraction,
        initiative=initiative,
    )
