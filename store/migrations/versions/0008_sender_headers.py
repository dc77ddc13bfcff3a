"""Keep each message's Sender and Reply-To addresses, shown to staff beside From.

Messages stored before this revision get none here (their raw copies are in
blob storage, which migrations do not read): `cchc-inbox reprocess --all`
fills them from the stored mail.

Revision ID: 0008_sender_headers
Revises: 0007_unit_tallies
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_sender_headers"
down_revision: str | Sequence[str] | None = "0007_unit_tallies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("sender", sa.String(length=500), nullable=True))
    op.add_column("messages", sa.Column("reply_to", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("reply_to")
        batch.drop_column("sender")
