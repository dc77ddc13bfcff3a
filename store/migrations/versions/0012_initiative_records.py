"""Give every distinct initiative of a unit in a campaign a stable id, and audit staff edits.

Revision ID: 0012_initiative_records
Revises: 0011_campaigns

The records are filled from the kept tallies (``unit_initiatives``): every
initiative counted so far gets its id now, in the order its first copy came.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_initiative_records"
down_revision: str | Sequence[str] | None = "0011_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "initiative_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=True),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("tags_added", sa.JSON(), nullable=True),
        sa.Column("tags_removed", sa.JSON(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["initiative_records.id"],
            name=op.f("fk_initiative_records_merged_into_initiative_records"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_records")),
        sa.UniqueConstraint(
            "campaign_code",
            "unit_code",
            "key",
            name=op.f("uq_initiative_records_campaign_code"),
        ),
    )
    op.create_table(
        "initiative_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("edited_by", sa.String(length=200), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["initiative_records.id"],
            name=op.f("fk_initiative_edits_record_id_initiative_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_edits")),
    )
    op.create_index(
        op.f("ix_initiative_edits_record_id"), "initiative_edits", ["record_id"], unique=False
    )
    op.execute(
        "INSERT INTO initiative_records (campaign_code, unit_code, key)"
        " SELECT campaign_code, unit_code, key FROM unit_initiatives"
        " ORDER BY first_at, campaign_code, unit_code, key"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_initiative_edits_record_id"), table_name="initiative_edits")
    op.drop_table("initiative_edits")
    op.drop_table("initiative_records")
