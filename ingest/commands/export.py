"""`cchc-inbox export files`: the accepted documents, one folder per unit, with an index."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from app.config import load_roster
from ingest.commands.context import Context, pass_context
from reports.export import plan_export
from store.blobs import BlobStore
from store.db import make_session_factory
from store.read import list_submissions


@click.group()
def export() -> None:
    """Copies of the register for printing and for the council."""


@export.command("files")
@click.option(
    "--output", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder."
)
@pass_context
def export_files(context: Context, output: Path) -> None:
    """Copy every accepted document into OUTPUT/<unit>/ and write OUTPUT/index.csv."""
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session, status="accepted")
    plan = plan_export(roster, rows, config.campaign.timezone)
    blobs = BlobStore(config.storage_dir)
    root = output.resolve()
    missing = 0
    for item in plan.files:
        target = (root / item.folder / item.name).resolve()
        if root not in target.parents:  # safe_name makes this impossible; refuse anyway
            raise click.ClickException(f"tên tệp không an toàn: {item.folder}/{item.name}")
        source = blobs.path_of(item.sha256)
        if not source.exists():
            click.echo(f"Thiếu tệp trong kho lưu trữ: {item.sha256}", err=True)
            missing += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.csv").write_text(plan.index_csv, encoding="utf-8")
    folders = len({f.folder for f in plan.files})
    click.echo(
        f"Đã xuất {len(plan.files) - missing} tệp của {folders} đơn vị vào {root} "
        f"(danh mục: index.csv)"
    )
    if missing:
        raise SystemExit(1)
