"""`cchc-inbox db …`: the schema."""

from __future__ import annotations

import logging

import click

from ingest.commands.context import Context, pass_context
from store.db import upgrade_schema


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Create or migrate the schema to the newest version."""
    logging.getLogger("alembic").setLevel(logging.INFO)
    upgrade_schema(context.engine(require_schema=False))
    click.echo("Cơ sở dữ liệu đã được cập nhật.")
