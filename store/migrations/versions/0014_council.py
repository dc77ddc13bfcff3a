"""The council: members' units, assignments with their score sheets, the chair's decisions.

Revision ID: 0014_council
Revises: 0013_message_source
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_council"
down_revision: str | Sequence[str] | None = "0013_message_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("unit_code", sa.String(length=100), nullable=True))
    op.create_table(
        "council_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["initiative_records.id"],
            name=op.f("fk_council_sheets_record_id_initiative_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_council_sheets_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sheets")),
        sa.UniqueConstraint("record_id", "user_id", name=op.f("uq_council_sheets_record_id")),
    )
    op.create_index(op.f("ix_council_sheets_record_id"), "council_sheets", ["record_id"])
    op.create_index(op.f("ix_council_sheets_user_id"), "council_sheets", ["user_id"])
    op.create_table(
        "council_decisions",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["initiative_records.id"],
            name=op.f("fk_council_decisions_record_id_initiative_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_council_decisions")),
    )


def downgrade() -> None:
    op.drop_table("council_decisions")
    op.drop_index(op.f("ix_council_sheets_user_id"), table_name="council_sheets")
    op.drop_index(op.f("ix_council_sheets_record_id"), table_name="council_sheets")
    op.drop_table("council_sheets")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("unit_code")
