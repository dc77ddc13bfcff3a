"""`cchc-inbox report …`: reports read from the register."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.context import FORMATS, Context, emit, pass_context
from ingest.config import load_roster
from reports.compliance import assess_compliance
from reports.render import (
    COMPLIANCE_HEADINGS,
    SUBMISSION_HEADINGS,
    as_csv,
    as_table,
    compliance_cells,
    compliance_json,
    submission_cells,
    submissions_json,
)
from store.db import make_session_factory
from store.read import list_submissions

OUTPUT = click.Path(path_type=Path, dir_okay=False)


@click.group()
def report() -> None:
    """Reports read from the register."""


@report.command("compliance")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--output", type=OUTPUT, default=None)
@pass_context
def report_compliance(context: Context, fmt: str, output: Path | None) -> None:
    """Each unit's standing: on time, late or missing."""
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session)
    units = assess_compliance(roster, config.campaign, rows)
    if fmt == "json":
        text = compliance_json(units, config.campaign)
    else:
        cells = compliance_cells(units, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(COMPLIANCE_HEADINGS, cells)
        if fmt == "table":
            text = f"{config.campaign.name}\n\n{text}"
    emit(text, output)


@report.command("submissions")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--output", type=OUTPUT, default=None)
@pass_context
def report_submissions(context: Context, fmt: str, output: Path | None) -> None:
    """Every stored message with its unit, timing and status."""
    config = context.config
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session)
    if fmt == "json":
        text = submissions_json(rows, config.campaign)
    else:
        cells = submission_cells(rows, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(SUBMISSION_HEADINGS, cells)
    emit(text, output)
