"""Turn a raw message into everything the register records about it."""

from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from parsers.archives import Unpacked, container_kind, unpack
from parsers.campaign import Campaign
from parsers.classify import Classification, DocumentSummary, classify
from parsers.documents import (
    Extraction,
    ExtractStatus,
    document_kind,
    extract_text,
    is_document,
    suffix_of,
)
from parsers.initiatives import InitiativeInfo, find_initiative
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.mail import (
    ForwardedOrigin,
    MailAttachment,
    ParsedMessage,
    parse_message,
    safe_filename,
)
from parsers.outlook import OutlookRead, is_outlook_item, read_outlook_item
from parsers.photos import is_photo
from parsers.units import UnitNames, issuer_block

# Reads one document: (filename, content type, bytes, limits) -> Extraction.
Extractor = Callable[[str, str, bytes, Limits], Extraction]
# Reads one Outlook item (.msg): (bytes, limits) -> OutlookRead.
ItemReader = Callable[[bytes, Limits], OutlookRead]


@dataclass(frozen=True)
class _Readers:
    """What reads a document and an Outlook item; the shell may time-limit both."""

    extract: Extractor
    read_item: ItemReader


@dataclass(frozen=True)
class Rules:
    """Everything classification depends on besides the message."""

    campaigns: tuple[Campaign, ...]
    address_book: Mapping[str, str]
    own_addresses: frozenset[str]
    # The roster's unit names (None: identify by address only).
    names: UnitNames | None = None
    # authserv-ids whose Authentication-Results headers are believed.
    trusted_authserv_ids: frozenset[str] = frozenset()
    # What one attachment may cost to read.
    limits: Limits = DEFAULT_LIMITS
    # Units merged or renamed: their last day and successor (Roster.successors).
    successors: Mapping[str, tuple[date, str]] = field(default_factory=dict)


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
    # An attached Outlook item's sender, subject and date (read like a forwarded .eml).
    origin: ForwardedOrigin | None = None


@dataclass(frozen=True)
class Analysis:
    message: ParsedMessage
    attachments: tuple[AnalysedAttachment, ...]
    classification: Classification


def analyse(
    raw: bytes,
    received_at: datetime,
    rules: Rules,
    extract: Extractor = extract_text,
    read_item: ItemReader = read_outlook_item,
) -> Analysis:
    """Parse, extract and classify ``raw``, received by the server at ``received_at``.

    ``extract`` reads one document and ``read_item`` one attached Outlook item;
    the shell passes ones that stop at a time limit (ingest/extraction.py).
    """
    readers = _Readers(extract, read_item)
    message = parse_message(raw)
    attachments = tuple(
        analysed
        for attachment in message.attachments
        for analysed in _analyse_attachment(attachment, rules.limits, readers)
    )
    origins = tuple(
        a.origin for a in attachments if a.origin is not None and a.origin not in message.forwarded
    )
    if origins:
        message = dataclasses.replace(message, forwarded=message.forwarded + origins)
    documents = [
        DocumentSummary(a.filename, a.extraction.status, _issuer(a), a.extraction.text)
        for a in attachments
        if a.extraction is not None
    ]
    classification = classify(
        message,
        documents,
        received_at,
        rules.campaigns,
        rules.address_book,
        rules.own_addresses,
        rules.names,
        rules.trusted_authserv_ids,
        rules.successors,
    )
    return Analysis(message, attachments, classification)


def _issuer(attachment: AnalysedAttachment) -> str:
    """Return the issuing body of a document: parsed with the initiative, else its header."""
    if attachment.initiative is not None and attachment.initiative.issuer:
        return attachment.initiative.issuer
    return issuer_block(attachment.extraction.text) if attachment.extraction else ""


def _analyse_attachment(
    attachment: MailAttachment,
    limits: Limits = DEFAULT_LIMITS,
    readers: _Readers = _Readers(extract_text, read_outlook_item),
) -> tuple[AnalysedAttachment, ...]:
    """Analyse one attachment; an archive gives itself and its members (``parent`` set)."""
    if attachment.in_body and is_photo(suffix_of(attachment.filename), attachment.content_type):
        # A picture the HTML body shows (a logo, a pasted image) is not a page sent in.
        return (
            _record(
                attachment.filename,
                attachment.content_type,
                attachment.data,
                attachment.parent,
                False,
                None,
                None,
            ),
        )
    return tuple(
        _flatten(
            attachment.filename,
            attachment.content_type,
            attachment.data,
            attachment.parent,
            0,
            _Budget(limits.max_members * 2, limits.max_unpacked_bytes * 2),
            limits,
            readers,
        )
    )


class _Budget:
    """What one attachment's archives may still unpack, across all nesting levels."""

    def __init__(self, members: int, size: int) -> None:
        self.members = members
        self.size = size


def _flatten(
    filename: str,
    content_type: str,
    data: bytes,
    parent: str | None,
    depth: int,
    budget: _Budget,
    limits: Limits,
    readers: _Readers,
) -> Iterator[AnalysedAttachment]:
    if is_outlook_item(suffix_of(filename), content_type):
        yield from _outlook_item(
            filename, content_type, data, parent, depth, budget, limits, readers
        )
        return
    kind = container_kind(filename, suffix_of(filename), content_type)
    if kind is None:
        yield _document(filename, content_type, data, parent, limits, readers.extract)
        return
    unpacked = (
        Unpacked(refused=f"archive nested deeper than {limits.max_depth} levels")
        if depth >= limits.max_depth
        else Unpacked(refused="too many archive members in one message")
        if budget.members <= 0 or budget.size <= 0
        else unpack(kind, data, limits)
    )
    problem = _archive_problem(unpacked)
    yield _record(filename, content_type, data, parent, problem is not None, problem, None)
    if problem is not None:
        return
    budget.members -= len(unpacked.members)
    budget.size -= sum(len(m.data) for m in unpacked.members)
    for member in unpacked.members:
        name = safe_filename(member.path)
        member_type = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        if member.encrypted:
            yield _record(
                name,
                member_type,
                b"",
                filename,
                True,
                Extraction(ExtractStatus.ENCRYPTED, "", "encrypted archive member"),
                None,
            )
            continue
        yield from _flatten(
            name, member_type, member.data, filename, depth + 1, budget, limits, readers
        )


def _outlook_item(
    filename: str,
    content_type: str,
    data: bytes,
    parent: str | None,
    depth: int,
    budget: _Budget,
    limits: Limits,
    readers: _Readers,
) -> Iterator[AnalysedAttachment]:
    """Yield an Outlook item (.msg), then its attachments with ``parent`` naming it."""
    read = (
        OutlookRead(refused=f"archive nested deeper than {limits.max_depth} levels")
        if depth >= limits.max_depth
        else OutlookRead(refused="too many archive members in one message")
        if budget.members <= 0 or budget.size <= 0
        else readers.read_item(data, limits)
    )
    item = read.item
    if item is None:
        problem = _archive_problem(Unpacked(refused=read.refused, broken=read.broken))
        if read.unsupported:
            problem = Extraction(ExtractStatus.UNSUPPORTED, "", read.unsupported)
        yield _record(filename, content_type, data, parent, True, problem, None)
        return
    # Named like a forwarded .eml: the sender's file name, else the item's subject.
    if suffix_of(filename) != ".msg":
        filename = safe_filename(f"{item.subject or 'outlook'}.msg")
    origin = ForwardedOrigin(item.from_address, item.from_name, item.subject, item.date)
    yield dataclasses.replace(
        _record(filename, content_type, data, parent, False, None, None), origin=origin
    )
    budget.members -= len(item.attachments)
    budget.size -= sum(len(m.data) for m in item.attachments)
    for reason in item.skipped:
        yield _record(
            safe_filename(reason.split(":", 1)[0]),
            "application/octet-stream",
            b"",
            filename,
            True,
            Extraction(ExtractStatus.UNSUPPORTED, "", reason),
            None,
        )
    for member in item.attachments:
        name = safe_filename(member.path)
        member_type = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        yield from _flatten(
            name, member_type, member.data, filename, depth + 1, budget, limits, readers
        )


def _archive_problem(unpacked: Unpacked) -> Extraction | None:
    if unpacked.refused:
        return Extraction(ExtractStatus.REFUSED, "", unpacked.refused)
    if unpacked.unsupported:
        return Extraction(ExtractStatus.UNSUPPORTED, "", unpacked.unsupported)
    if unpacked.broken:
        return Extraction(ExtractStatus.ERROR, "", unpacked.broken)
    if unpacked.encrypted:
        return Extraction(ExtractStatus.ENCRYPTED, "", unpacked.encrypted)
    return None


def _document(
    filename: str,
    content_type: str,
    data: bytes,
    parent: str | None,
    limits: Limits,
    extract: Extractor,
) -> AnalysedAttachment:
    photo = is_photo(suffix_of(filename), content_type) and not is_document(filename, content_type)
    document = (
        photo
        or is_document(filename, content_type)
        or document_kind(filename, content_type, data) in (".pdf", ".doc")
    )
    extraction = extract(filename, content_type, data, limits) if document else None
    if photo and extraction is not None and extraction.status is ExtractStatus.EMPTY:
        # Not a page of text (a logo, a snapshot, or no OCR here): a picture, as before.
        document, extraction = False, None
    initiative = find_initiative(extraction.text) if extraction and extraction.text else None
    return _record(filename, content_type, data, parent, document, extraction, initiative)


def _record(
    filename: str,
    content_type: str,
    data: bytes,
    parent: str | None,
    document: bool,
    extraction: Extraction | None,
    initiative: InitiativeInfo | None,
) -> AnalysedAttachment:
    return AnalysedAttachment(
        filename=filename,
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        is_document=document,
        extraction=extraction,
        initiative=initiative,
        parent=parent,
    )
