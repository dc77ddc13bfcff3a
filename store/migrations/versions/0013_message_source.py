"""Where each message came from (IMAP or an imported file) and whether its receive time is known.

Every message stored before this revision was fetched over IMAP with its
INTERNALDATE: it gets source 'imap' and a known receive time.

Revision ID: 0013_message_source
Revises: 0012_initiative_records
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_message_source"
down_revision: str | Sequence[str] | None = "0012_initiative_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "messages",
        sa.Column("source", sa.String(length=1000), nullable=False, server_default="imap"),
    )
    op.add_column(
        "messages",
        sa.Column("receive_time_known", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): no table rebuild, so the
    # search index's triggers on messages stay as they are.
    op.drop_column("messages", "receive_time_known")
    op.drop_column("messages", "source")
