"""Keep each unit's initiatives in two small tables, so reports read them, not every message.

The tables are filled here from the messages already stored; from now on
every write keeps them current (store/tallies.py, which counts the same way).
Self-contained, as migrations are: the models and store code change later.

Revision ID: 0007_unit_tallies
Revises: 0006_reports
"""

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007_unit_tallies"
down_revision: str | Sequence[str] | None = "0006_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ON_TIME = ("early", "on_time")

# parsers.text.normalise_title as it was when this migration was written, frozen
# here: the keys written by this migration must not change when that code does.
_SPACE = re.compile(r"\s+")
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_STYLE = re.compile(
    rf"([oO])([aAeE])([{_TONES}])(?![^\W\d_])|([uU])([yY])([{_TONES}])(?![^\W\d_])"
)


def _normalise_title(title: str) -> str:
    """Return the comparison key of a title (NFC, tone style, case, spaces, end marks)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", title))

    def move(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    folded = unicodedata.normalize("NFC", _OLD_STYLE.sub(move, decomposed)).casefold()
    return _SPACE.sub(" ", folded.strip(" .;:\"'“”")).strip()


def upgrade() -> None:
    tallies = op.create_table(
        "unit_tallies",
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_code", name=op.f("pk_unit_tallies")),
    )
    initiatives = op.create_table(
        "unit_initiatives",
        sa.Column("unit_code", sa.String(length=100), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_on_time_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("unit_code", "key", name=op.f("pk_unit_initiatives")),
    )
    units: dict[str, datetime] = {}
    keys: dict[tuple[str, str], tuple[datetime, datetime | None]] = {}
    for unit, key, received_at, timing in _counted_copies(op.get_bind()):
        units[unit] = min(units.get(unit, received_at), received_at)
        if key is None:
            continue
        first, on_time = keys.get((unit, key), (received_at, None))
        if timing in ON_TIME:
            on_time = received_at if on_time is None else min(on_time, received_at)
        keys[(unit, key)] = (min(first, received_at), on_time)
    if units:
        op.bulk_insert(tallies, [{"unit_code": u, "first_at": t} for u, t in units.items()])
    if keys:
        op.bulk_insert(
            initiatives,
            [
                {"unit_code": u, "key": k, "first_at": first, "first_on_time_at": on_time}
                for (u, k), (first, on_time) in keys.items()
            ],
        )


def _counted_copies(
    connection: sa.Connection,
) -> list[tuple[str, str | None, datetime, str]]:
    """(unit, initiative key or None, received, timing) of every counted message's copies."""
    messages = sa.table(
        "messages",
        sa.column("id", sa.Integer()),
        sa.column("unit_code", sa.String()),
        sa.column("received_at", sa.DateTime(timezone=True)),
        sa.column("timing", sa.String()),
        sa.column("status", sa.String()),
    )
    attachments = sa.table(
        "attachments",
        sa.column("id", sa.Integer()),
        sa.column("message_id", sa.Integer()),
        sa.column("filename", sa.Text()),
        sa.column("is_document", sa.Boolean()),
    )
    titles = sa.table(
        "initiatives",
        sa.column("id", sa.Integer()),
        sa.column("message_id", sa.Integer()),
        sa.column("attachment_id", sa.Integer()),
        sa.column("title_key", sa.Text()),
    )
    counted = sa.and_(
        messages.c.status == "accepted",
        messages.c.unit_code.is_not(None),
        messages.c.timing.is_not(None),
    )
    m = messages.c
    copies: list[tuple[str, str | None, datetime, str]] = [
        (unit, key, received, timing)
        for unit, key, received, timing in connection.execute(
            sa.select(m.unit_code, titles.c.title_key, m.received_at, m.timing)
            .select_from(messages.outerjoin(titles, titles.c.message_id == m.id))
            .where(counted)
        )
    ]
    # A document counts by its name unless a title was read from a file of that name.
    named = attachments.alias("named")
    has_title = (
        sa.select(titles.c.id)
        .select_from(titles.join(named, named.c.id == titles.c.attachment_id))
        .where(
            titles.c.message_id == attachments.c.message_id,
            named.c.filename == attachments.c.filename,
        )
        .exists()
    )
    own_title = sa.select(titles.c.id).where(titles.c.attachment_id == attachments.c.id).exists()
    untitled = (
        sa.select(attachments.c.message_id, attachments.c.filename)
        .where(attachments.c.is_document.is_(True), ~own_title, ~has_title)
        .distinct()
        .subquery()
    )
    for unit, filename, received, timing in connection.execute(
        sa.select(m.unit_code, untitled.c.filename, m.received_at, m.timing)
        .select_from(messages.join(untitled, untitled.c.message_id == m.id))
        .where(counted)
    ):
        copies.append((unit, "file:" + _normalise_title(filename), received, timing))
    return copies


def downgrade() -> None:
    op.drop_table("unit_initiatives")
    op.drop_table("unit_tallies")
