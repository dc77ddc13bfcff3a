"""Several campaigns in one register: each message belongs to one, tallies are per campaign.

A register kept before this revision had one campaign. Its judged messages
(those with a timing) become that campaign's, with the timing they had, and
its tallies move into it: reports read exactly what they read before.
`cchc-inbox db upgrade` names the campaign (the first one configured, whose
code is by default the year it opens); run by hand without one, the code is
the year of the earliest judged message, which is that default for a
campaign whose mail came in the year it opened.

Self-contained, as migrations are: the models and store code change later.

Revision ID: 0011_campaigns
Revises: 0010_paper_copies
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0011_campaigns"
down_revision: str | Sequence[str] | None = "0010_paper_copies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The tallies' columns without the campaign, typed so that SQLite's stored text comes
# back as datetimes (and goes in again as such).
_OLD_TALLIES = sa.table(
    "unit_tallies",
    sa.column("unit_code", sa.String()),
    sa.column("first_at", sa.DateTime(timezone=True)),
)
_OLD_INITIATIVES = sa.table(
    "unit_initiatives",
    sa.column("unit_code", sa.String()),
    sa.column("key", sa.Text()),
    sa.column("first_at", sa.DateTime(timezone=True)),
    sa.column("first_on_time_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("messages", sa.Column("campaign_code", sa.String(length=40), nullable=True))
    op.add_column("messages", sa.Column("campaign_candidates", sa.JSON(), nullable=True))
    op.add_column("messages", sa.Column("campaign_timings", sa.JSON(), nullable=True))
    op.create_index(
        op.f("ix_messages_campaign"), "messages", ["campaign_code", "received_at"], unique=False
    )
    op.add_column(
        "review_decisions", sa.Column("campaign_code", sa.String(length=40), nullable=True)
    )
    code = _campaign_code(bind)
    if code is not None:
        timings = (
            "json_build_object(CAST(:key AS text), timing)"
            if bind.dialect.name == "postgresql"
            else "json_object(:key, timing)"
        )
        bind.execute(
            sa.text(
                f"UPDATE messages SET campaign_code = :code, campaign_timings = {timings}"
                " WHERE timing IS NOT NULL"
            ),
            {"code": code, "key": code},
        )
    units = [dict(r._mapping) for r in bind.execute(sa.select(_OLD_TALLIES))]
    keys = [dict(r._mapping) for r in bind.execute(sa.select(_OLD_INITIATIVES))]
    op.drop_table("unit_tallies")
    op.drop_table("unit_initiatives")
    tallies, initiatives = _create_tallies(with_campaign=True)
    if code is not None:
        _insert(tallies, [{**row, "campaign_code": code} for row in units])
        _insert(initiatives, [{**row, "campaign_code": code} for row in keys])


def downgrade() -> None:
    bind = op.get_bind()
    units: dict[str, Any] = {}
    for unit, first in bind.execute(sa.select(_OLD_TALLIES)):
        units[unit] = min(units.get(unit, first), first)
    keys: dict[tuple[str, str], tuple[Any, Any]] = {}
    for unit, key, first, on_time in bind.execute(sa.select(_OLD_INITIATIVES)):
        kept_first, kept_on_time = keys.get((unit, key), (first, on_time))
        on_times = [t for t in (kept_on_time, on_time) if t is not None]
        keys[(unit, key)] = (min(kept_first, first), min(on_times) if on_times else None)
    op.drop_table("unit_tallies")
    op.drop_table("unit_initiatives")
    tallies, initiatives = _create_tallies(with_campaign=False)
    _insert(tallies, [{"unit_code": u, "first_at": t} for u, t in units.items()])
    _insert(
        initiatives,
        [
            {"unit_code": u, "key": k, "first_at": first, "first_on_time_at": on_time}
            for (u, k), (first, on_time) in keys.items()
        ],
    )
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("campaign_code")
    op.drop_index(op.f("ix_messages_campaign"), table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("campaign_timings")
        batch.drop_column("campaign_candidates")
        batch.drop_column("campaign_code")


def _campaign_code(bind: sa.Connection) -> str | None:
    """Return the code of the register's one campaign until now (None: no judged mail)."""
    given = context.config.attributes.get("campaign_code")
    if given:
        return str(given)
    earliest = bind.execute(
        sa.text("SELECT MIN(received_at) FROM messages WHERE timing IS NOT NULL")
    ).scalar()
    if earliest is None:
        return None
    return str(earliest)[:4]  # a datetime or, on SQLite, its ISO text: the year


def _create_tallies(*, with_campaign: bool) -> tuple[sa.Table, sa.Table]:
    lead = ["campaign_code"] if with_campaign else []
    tallies = op.create_table(
        "unit_tallies",
        *([sa.Column("campaign_code", sa.String(length=40), nullable=False)] if lead else []),
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*lead, "unit_code", name=op.f("pk_unit_tallies")),
    )
    initiatives = op.create_table(
        "unit_initiatives",
        *([sa.Column("campaign_code", sa.String(length=40), nullable=False)] if lead else []),
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_on_time_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(*lead, "unit_code", "key", name=op.f("pk_unit_initiatives")),
    )
    return tallies, initiatives


def _insert(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        op.bulk_insert(table, rows)
