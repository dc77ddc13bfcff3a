"""Record the bound paper copy each unit hands in at the office, per campaign.

Revision ID: 0010_paper_copies
Revises: 0009_web_accounts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_paper_copies"
down_revision: str | Sequence[str] | None = "0009_web_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_code", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("copies >= 1", name="ck_paper_copies_copies_positive"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_copies")),
        sa.UniqueConstraint(
            "campaign_code", "unit_code", name=op.f("uq_paper_copies_campaign_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("paper_copies")
