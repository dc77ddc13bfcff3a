"""Add review decisions, learned addresses and the candidates of each message.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 07:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("candidates", sa.JSON(), nullable=True))
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("remembered_address", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_review_decisions_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    op.create_index(
        op.f("ix_review_decisions_message_id"), "review_decisions", ["message_id"], unique=False
    )
    op.create_table(
        "learned_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("learned_by", sa.String(length=200), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["review_decisions.id"],
            name=op.f("fk_learned_addresses_decision_id_review_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_addresses")),
        sa.UniqueConstraint("address", name=op.f("uq_learned_addresses_address")),
    )


def downgrade() -> None:
    op.drop_table("learned_addresses")
    op.drop_index(op.f("ix_review_decisions_message_id"), table_name="review_decisions")
    op.drop_table("review_decisions")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("candidates")
