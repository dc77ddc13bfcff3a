"""`cchc-inbox report …`: reports read from the register."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.config import load_roster
from ingest.commands.context import Context, emit, pass_context
from reports.compliance import assess_tallies
from reports.initiatives import INITIATIVE_HEADINGS, initiative_cells, list_initiatives
from reports.render import (
    COMPLIANCE_HEADINGS,
    SUBMISSION_HEADINGS,
    as_csv,
    as_table,
    compliance_cells,
    compliance_json,
    local_iso,
    submission_cells,
    submissions_json,
)
from reports.senders import with_sender_keys
from store.db import make_session_factory
from store.read import list_submissions
from store.tallies import compliance_tallies

OUTPUT = click.Path(path_type=Path, dir_okay=False)
# XLSX_IMPORT: reports.xlsx is imported where a workbook is written: openpyxl
# takes a fifth of a second to import, which every other command would pay.
FORMATS = click.Choice(["table", "json", "csv", "xlsx"])


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
        # Grouped by the database: a few rows per unit, not every message.
        tallies = compliance_tallies(session)
    units = assess_tallies(roster, config.campaign, tallies)
    if fmt == "xlsx":
        from reports.xlsx import compliance_xlsx  # see XLSX_IMPORT

        emit_binary(compliance_xlsx(units, config.campaign), output)
        return
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
    if fmt == "xlsx":
        from reports.xlsx import submissions_xlsx  # see XLSX_IMPORT

        emit_binary(submissions_xlsx(rows, config.campaign), output)
        return
    if fmt == "json":
        text = with_sender_keys(submissions_json(rows, config.campaign), rows)
    else:
        cells = submission_cells(rows, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(SUBMISSION_HEADINGS, cells)
    emit(text, output)


@report.command("initiatives")
@click.option("--format", "fmt", type=FORMATS, default=None, help="Default: xlsx with --output.")
@click.option("--output", type=OUTPUT, default=None)
@pass_context
def report_initiatives(context: Context, fmt: str | None, output: Path | None) -> None:
    """The council's list: unit, title, field, authors, time, timing, files."""
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session, status="accepted")
    lines = list_initiatives(roster, rows)
    fmt = fmt or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "table")
    if fmt == "xlsx":
        from reports.xlsx import initiatives_xlsx  # see XLSX_IMPORT

        emit_binary(initiatives_xlsx(lines, config.campaign), output)
        return
    if fmt == "json":
        zone = config.campaign.zone
        data = [
            {
                "unit": line.unit_code,
                "unit_name": line.unit_name,
                "title": line.title,
                "field": line.field,
                "authors": list(line.authors),
                "received_at": local_iso(line.received_at, zone),
                "timing": line.timing,
                "files": list(line.filenames),
            }
            for line in lines
        ]
        emit(json.dumps({"initiatives": data}, ensure_ascii=False, indent=2) + "\n", output)
        return
    cells = initiative_cells(lines, config.campaign.timezone)
    emit((as_csv if fmt == "csv" else as_table)(INITIATIVE_HEADINGS, cells), output)


def emit_binary(data: bytes, output: Path | None) -> None:
    """Write a binary report to ``output``; a terminal cannot show a workbook."""
    if output is None:
        raise click.UsageError("định dạng xlsx cần --output TỆP (ví dụ --output baocao.xlsx)")
    output.write_bytes(data)
    click.echo(f"Đã ghi {output}", err=True)
