"""Split initiatives: a record staff split off another, and the files it took.

Records are never deleted, so the column naming the record split from needs no
foreign key (and SQLite adds it without rebuilding the table).

Revision ID: 0015_initiative_split
Revises: 0014_council
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_initiative_split"
down_revision: str | Sequence[str] | None = "0014_council"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("initiative_records", sa.Column("split_from", sa.Integer(), nullable=True))
    op.add_column("initiative_records", sa.Column("split_files", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("initiative_records", "split_files")
    op.drop_column("initiative_records", "split_from")
