"""Indexes for the reports, so the compliance aggregate and the digest read indexes only.

Three single-column indexes grow into covering ones (same leading column, so
every query that used them still can); the received time, the analysis
status, the initiative's attachment and the messages that carry reasons (a
partial index: most carry none) get their own.

Revision ID: 0006_reports
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# As in store.models (migrations do not import the models, which change).
WITH_REASONS_EXPRESSION = "CAST(reasons AS TEXT)"
WITH_REASONS = f"{WITH_REASONS_EXPRESSION} != '[]'"

revision: str = "0006_reports"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_counted", "messages", ["status", "unit_code", "timing", "received_at"]
    )
    op.drop_index("ix_messages_status", table_name="messages")
    op.create_index("ix_messages_received_at", "messages", ["received_at", "id"])
    op.create_index("ix_messages_parse_status", "messages", ["parse_status"])
    op.create_index(
        "ix_messages_with_reasons",
        "messages",
        ["status"],
        sqlite_where=sa.text(WITH_REASONS),
        postgresql_where=sa.text(WITH_REASONS),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Without statistics on the expression PostgreSQL expects every message
        # to carry reasons, and reads the partial index with parallel workers.
        op.execute(
            f"CREATE STATISTICS st_messages_reasons ON ({WITH_REASONS_EXPRESSION}) FROM messages"
        )
    op.create_index(
        "ix_attachments_message_document", "attachments", ["message_id", "is_document", "filename"]
    )
    op.drop_index("ix_attachments_message_id", table_name="attachments")
    op.create_index(
        "ix_initiatives_message_key", "initiatives", ["message_id", "title_key", "attachment_id"]
    )
    op.drop_index("ix_initiatives_message_id", table_name="initiatives")
    op.create_index("ix_initiatives_attachment_id", "initiatives", ["attachment_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_messages_reasons")
    op.drop_index("ix_initiatives_attachment_id", table_name="initiatives")
    op.create_index("ix_initiatives_message_id", "initiatives", ["message_id"])
    op.drop_index("ix_initiatives_message_key", table_name="initiatives")
    op.create_index("ix_attachments_message_id", "attachments", ["message_id"])
    op.drop_index("ix_attachments_message_document", table_name="attachments")
    op.drop_index("ix_messages_with_reasons", table_name="messages")
    op.drop_index("ix_messages_parse_status", table_name="messages")
    op.drop_index("ix_messages_received_at", table_name="messages")
    op.create_index("ix_messages_status", "messages", ["status"])
    op.drop_index("ix_messages_counted", table_name="messages")
