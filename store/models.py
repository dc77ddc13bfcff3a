"""ORM models of the register."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import expression, text


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always read them back aware (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


#: Search indexes the migrations create outside the models, one per backend: the
#: SQLite FTS5 table messages_fts (its shadow tables, and triggers that keep it in
#: step with messages.search_text) and the PostgreSQL trigram index. A migration
#: that rebuilds the messages table on SQLite (batch "move and copy") must create
#: the triggers again.
SEARCH_INDEXES = ("messages_fts", "ix_messages_search_trgm")


def is_modelled(name: str | None) -> bool:
    """Whether a schema object is described by these models (for Alembic's comparisons)."""
    return not (name or "").startswith(SEARCH_INDEXES)


#: The predicate of ix_messages_with_reasons; a query must repeat it word for word.
WITH_REASONS = "CAST(reasons AS TEXT) != '[]'"


class MailboxState(Base):
    """Progress and health of one polled folder."""

    __tablename__ = "mailbox_states"
    __table_args__ = (UniqueConstraint("mailbox", "folder"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


#: The UIDVALIDITY of an imported message's row (IMAP's is never 0); its UID is
#: made from its SHA-256, its folder is empty.
IMPORTED_UIDVALIDITY = 0


class Message(Base):
    """One fetched message: its raw copy, where it came from, and its classification."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("mailbox", "folder", "uidvalidity", "uid"),
        Index("ix_messages_identity", "rfc_message_id", "sha256"),
        # Covers the compliance aggregate (status, unit, timing, first receive time).
        Index("ix_messages_counted", "status", "unit_code", "timing", "received_at"),
        Index("ix_messages_unit_code", "unit_code"),
        # The digest's day of mail and every listing's order.
        Index("ix_messages_received_at", "received_at", "id"),
        # A campaign's mail (reports and listings of one campaign).
        Index("ix_messages_campaign", "campaign_code", "received_at"),
        # The review queue: failed analyses (and the poll's pending ones) ...
        Index("ix_messages_parse_status", "parse_status"),
        # ... and messages with reasons (most have none) without reading the table.
        Index(
            "ix_messages_with_reasons",
            "status",
            sqlite_where=text(WITH_REASONS),
            postgresql_where=text(WITH_REASONS),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rfc_message_id: Mapped[str | None] = mapped_column(String(1000))
    date_header: Mapped[datetime | None] = mapped_column(UTCDateTime)
    from_address: Mapped[str | None] = mapped_column(String(500))
    from_name: Mapped[str | None] = mapped_column(String(500))
    # The Sender address and the Reply-To addresses, as the message gave them (never
    # evidence of the unit: shown to staff beside From).
    sender: Mapped[str | None] = mapped_column(String(500))
    reply_to: Mapped[list[str] | None] = mapped_column(JSON)
    subject: Mapped[str | None] = mapped_column(Text)
    # pending: raw stored, not parsed yet; ok: parsed and classified; failed: see parse_error.
    parse_status: Mapped[str] = mapped_column(String(20), default="pending")
    parse_error: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(100))
    unit_source: Mapped[str | None] = mapped_column(String(20))
    timing: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Unit codes the evidence pointed at when it did not settle on one (for review).
    candidates: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # The campaign the message belongs to (its code; parsers.campaign.attribute), the
    # campaigns the rule could not tell apart (for review), and the message judged
    # against every campaign, {"2024": "on_time", "2025": "early"}: what a person's
    # choice of campaign takes its timing from.
    campaign_code: Mapped[str | None] = mapped_column(String(40))
    campaign_candidates: Mapped[list[str] | None] = mapped_column(JSON)
    campaign_timings: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # What the web's search looks in, in parsers.text.search_form: subject, sender,
    # file names and document text. Indexed outside the models (see SEARCH_INDEXES).
    search_text: Mapped[str | None] = mapped_column(Text)
    # Where the message came from: "imap" (polled), or "import:<path>" (cchc-inbox
    # import of an mbox, a Maildir or .eml files; IMPORTED_UIDVALIDITY below).
    # Defaults on the server only: a row written without them (by a register's code
    # of an earlier revision, or a test of an old migration) leaves them out.
    source: Mapped[str] = mapped_column(String(1000), server_default="imap")
    # False when no Received: header of the office's own server gave the receive
    # time of an imported message: received_at is then when it was imported, and
    # the message waits for a person (reason no_receive_time).
    receive_time_known: Mapped[bool] = mapped_column(Boolean, server_default=expression.true())

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Attachment.position"
    )
    initiatives: Mapped[list[Initiative]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Initiative.id"
    )


class Attachment(Base):
    """One attached file (stored by content) and what could be read from it."""

    __tablename__ = "attachments"
    # Covers the search for documents no initiative was read from.
    __table_args__ = (
        Index("ix_attachments_message_document", "message_id", "is_document", "filename"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    is_document: Mapped[bool] = mapped_column(Boolean)
    extract_status: Mapped[str | None] = mapped_column(String(20))
    extract_reason: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    parent: Mapped[str | None] = mapped_column(Text)

    message: Mapped[Message] = relationship(back_populates="attachments")


class Initiative(Base):
    """An initiative named in an attached document."""

    __tablename__ = "initiatives"
    __table_args__ = (
        # Covers the compliance aggregate: a message's title keys without the table.
        Index("ix_initiatives_message_key", "message_id", "title_key", "attachment_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)

    message: Mapped[Message] = relationship(back_populates="initiatives")


class UnitTallyRow(Base):
    """A unit's first counted message in a campaign (kept by ``store.tallies``)."""

    __tablename__ = "unit_tallies"

    campaign_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnitInitiative(Base):
    """One initiative of a unit in a campaign: when its first copy, and first timely
    copy, arrived.

    Kept by ``store.tallies`` from the messages, on every write that changes them.
    """

    __tablename__ = "unit_initiatives"

    campaign_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_on_time_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMail(Base):
    """One outgoing e-mail (digest, receipt, reminder) and its delivery state.

    status: pending -> sending (claimed, attempt recorded) -> sent | pending (retry)
    | failed (gave up) | uncertain (a crash after the claim: maybe delivered).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        UniqueConstraint("rfc_message_id"),
        Index("ix_outbox_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(300))
    rfc_message_id: Mapped[str] = mapped_column(String(300))
    sender: Mapped[str] = mapped_column(String(500))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    reply_to_message: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class DigestRun(Base):
    """A digest that was sent: where its window ended, so the next one starts there."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("for_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    for_date: Mapped[date] = mapped_column(Date)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class ReviewDecision(Base):
    """A person's decision on one message: who, when, what. Rows are never changed."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    # assign | accept | ignore | campaign
    action: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(100))
    # The campaign a person put the message in (action "campaign").
    campaign_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    # The sender address learned with this decision (assign --remember-address).
    remembered_address: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LearnedAddress(Base):
    """A sending address a person tied to a unit; used like the address book."""

    __tablename__ = "learned_addresses"
    __table_args__ = (UniqueConstraint("address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(500))
    unit_code: Mapped[str] = mapped_column(String(100))
    learned_by: Mapped[str] = mapped_column(String(200))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("review_decisions.id"))


class User(Base):
    """A person who signs in to the web application.

    ``session_token`` is part of every session's identity: changing it (a new
    password, the account disabled) ends the account's open sessions.
    """

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # viewer | reviewer | admin | council
    role: Mapped[str] = mapped_column(String(20))
    # A council member's unit (roster code): its initiatives are never assigned to them.
    unit_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    session_token: Mapped[str] = mapped_column(String(64))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Something a person did (or tried) in the web application or the CLI: who, when, what."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at", "id"),
        # Recent failed logins of one account (the login throttle).
        Index("ix_audit_events_actor_action", "actor", "action", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    # login | login_failed | login_throttled | logout | assign | accept | ignore | export | …
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(100))  # the client's IP address
    ok: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """A value the service keeps for itself (the web application's secret key)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PaperCopy(Base):
    """The bound paper copy a unit handed in at the office for a campaign.

    One row per campaign and unit: a second copy replaces the record (``paper
    remove`` first), so the register never counts two. Keyed by the campaign's
    code because a register may keep several campaigns.
    """

    __tablename__ = "paper_copies"
    __table_args__ = (
        UniqueConstraint("campaign_code", "unit_code"),
        CheckConstraint("copies >= 1", name="ck_paper_copies_copies_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_code: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date] = mapped_column(Date)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    received_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InitiativeRecord(Base):
    """One distinct initiative of a unit in a campaign, with a stable id (``store.initiatives``).

    Keyed like ``unit_initiatives`` (campaign, unit, key) but never deleted:
    ``reprocess`` and tally rebuilds leave it and its id alone. What staff
    corrected (title, authors, field, tags, withdrawn) lives here beside the
    values read from the documents, and wins over them; None means "as read".
    """

    __tablename__ = "initiative_records"
    __table_args__ = (UniqueConstraint("campaign_code", "unit_code", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_code: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str] | None] = mapped_column(JSON)
    field: Mapped[str | None] = mapped_column(Text)
    # Tags staff added or removed ("index:PAPI", "field:Cải cách thể chế").
    tags_added: Mapped[list[str] | None] = mapped_column(JSON)
    tags_removed: Mapped[list[str] | None] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    # Staff found it is one initiative with another record (of its campaign and unit):
    # listed as part of that one.
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("initiative_records.id", ondelete="SET NULL")
    )
    # Staff split it off another record (``initiative split``): the first record of
    # the initiative as read, and the files (names as sent) listed here instead.
    split_from: Mapped[int | None] = mapped_column(Integer)
    split_files: Mapped[list[str] | None] = mapped_column(JSON)


class InitiativeEdit(Base):
    """One change staff made to an initiative record: never changed, the audit trail."""

    __tablename__ = "initiative_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_records.id", ondelete="CASCADE"), index=True
    )
    # title | authors | field | tags | withdrawn | merged_into
    what: Mapped[str] = mapped_column(String(20))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    edited_by: Mapped[str] = mapped_column(String(200))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CouncilSheet(Base):
    """One council member assigned one initiative, and the score sheet they fill in.

    ``scores`` maps a criterion's key ([council]) to its points; a submitted
    sheet is locked. Every change is a line of ``audit_events``.
    """

    __tablename__ = "council_sheets"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_records.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_by: Mapped[str] = mapped_column(String(200))
    scores: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class CouncilDecision(Base):
    """The chair's verdict on an initiative: it overrides the scores."""

    __tablename__ = "council_decisions"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("initiative_records.id", ondelete="CASCADE"), primary_key=True
    )
    verdict: Mapped[str] = mapped_column(String(20))  # recognised | not_recognised
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
