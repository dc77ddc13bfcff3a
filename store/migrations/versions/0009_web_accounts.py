"""The web application: accounts, the audit trail, the service's settings, and search.

``messages.search_text`` holds what the search looks in (subject, sender, file
names, document text, without marks or case), filled here for the messages
already stored. SQLite indexes it with an FTS5 table kept in step by triggers;
PostgreSQL with a trigram index (pg_trgm), when the extension can be created.
Self-contained, as migrations are: the fold below is frozen here.

Revision ID: 0009_web_accounts
Revises: 0008_sender_headers
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_web_accounts"
down_revision: str | Sequence[str] | None = "0008_sender_headers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=100), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at", "id"])
    op.create_index("ix_audit_events_actor_action", "audit_events", ["actor", "action", "at"])
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )
    op.add_column("messages", sa.Column("search_text", sa.Text(), nullable=True))
    _fill_search_text()
    if op.get_bind().dialect.name == "sqlite":
        _create_fts()
    else:
        _create_trigram_index()


SEARCH_CHARS = 100_000
_SPACE = re.compile(r"\s+")


def _search_form(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
    return _SPACE.sub(" ", plain.casefold()).strip()


def _fill_search_text() -> None:
    bind = op.get_bind()
    messages = sa.table(
        "messages",
        sa.column("id", sa.Integer()),
        sa.column("subject", sa.Text()),
        sa.column("from_address", sa.String()),
        sa.column("from_name", sa.String()),
        sa.column("search_text", sa.Text()),
    )
    attachments = sa.table(
        "attachments",
        sa.column("message_id", sa.Integer()),
        sa.column("position", sa.Integer()),
        sa.column("filename", sa.Text()),
        sa.column("text", sa.Text()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(
                messages.c.id, messages.c.subject, messages.c.from_address, messages.c.from_name
            )
            .where(messages.c.id > last)
            .order_by(messages.c.id)
            .limit(500)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        files: dict[int, list[tuple[str, str | None]]] = {}
        for message_id, filename, text in bind.execute(
            sa.select(attachments.c.message_id, attachments.c.filename, attachments.c.text)
            .where(attachments.c.message_id.in_([r[0] for r in rows]))
            .order_by(attachments.c.message_id, attachments.c.position)
        ):
            files.setdefault(message_id, []).append((filename, text))
        for message_id, subject, address, name in rows:
            parts = [subject or "", address or "", name or ""]
            parts += [f for f, _ in files.get(message_id, [])]
            parts += [t for _, t in files.get(message_id, []) if t]
            budget, kept = SEARCH_CHARS, []
            for part in parts:
                if budget <= 0:
                    break
                kept.append(part[:budget])
                budget -= len(kept[-1]) + 1
            bind.execute(
                messages.update()
                .where(messages.c.id == message_id)
                .values(search_text=_search_form(" ".join(kept)) or None)
            )


def _create_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE messages_fts USING fts5("
        "search_text, content='messages', content_rowid='id', tokenize='unicode61')"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        "INSERT INTO messages_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO messages_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")


def _create_trigram_index() -> None:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        # Not allowed to create it: search still works, reading every message.
        return
    op.execute(
        "CREATE INDEX ix_messages_search_trgm ON messages USING gin (search_text gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS messages_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_messages_search_trgm")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("search_text")
    op.drop_table("settings")
    op.drop_index("ix_audit_events_actor_action", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("users")
