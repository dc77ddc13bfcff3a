"""The command line starts light: a command is imported when it runs; `--help` lists all.

Start-up time itself is measured by bench/startup.py, never asserted here; these
tests keep the heavy libraries out of the paths that do not need them.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import ingest.commands
from ingest.cli import COMMANDS, load_command, main
from tests.cli import ROOT, run_cli, write_local_config
from tests.conftest import scratch_postgres

#: What only some commands need: the web application, Alembic, the document readers,
#: the spreadsheet writer, the templates, the password hashes.
HEAVY = ("flask", "alembic", "mako", "openpyxl", "pypdf", "docx", "jinja2", "argon2")


def modules_after(code: str) -> set[str]:
    """Run ``code`` in a new interpreter; return the modules it loaded."""
    script = f"import sys\n{code}\nprint(' '.join(sys.modules), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def run_main(*args: str) -> str:
    """Return the code that runs `cchc-inbox ARGS` and carries on after its exit."""
    return (
        "from ingest.cli import main\n"
        f"try:\n    main({list(args)!r}, prog_name='cchc-inbox')\n"
        "except SystemExit:\n    pass"
    )


def test_the_command_line_starts_without_loading_the_web_or_the_readers() -> None:
    loaded = packages(modules_after(run_main("--help")))
    assert "ingest" in loaded and "click" in loaded
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy"}), loaded & {*HEAVY, "sqlalchemy"}


def test_a_commands_help_loads_that_command_alone() -> None:
    loaded = modules_after(run_main("status", "--help"))
    commands = {name for name in loaded if name.startswith("ingest.commands.")}
    assert commands == {
        "ingest.commands.context",
        "ingest.commands.status",
        "ingest.commands.usage",
    }


def test_status_reads_a_sqlite_register_without_sqlalchemy_alembic_the_web_or_the_readers(
    tmp_path: Path,
) -> None:
    config = write_local_config(tmp_path)
    assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
    loaded = packages(modules_after(run_main("--config", str(config), "status")))
    assert "sqlite3" in loaded  # it did read the register
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy"}), loaded & {*HEAVY, "sqlalchemy"}


def test_status_reads_a_postgresql_register_through_psycopg_without_sqlalchemy(
    tmp_path: Path,
) -> None:
    with scratch_postgres() as url:
        config = write_local_config(
            tmp_path, ('url = "sqlite:///var/cchc-inbox.db"', f'url = "{url}"')
        )
        assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
        loaded = packages(modules_after(run_main("--config", str(config), "status")))
    assert "psycopg" in loaded  # it did read the register
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy"}), loaded & {*HEAVY, "sqlalchemy"}


def test_status_on_a_missing_sqlite_register_says_to_run_db_upgrade_and_creates_nothing(
    tmp_path: Path,
) -> None:
    config = write_local_config(tmp_path)
    done = run_cli("--config", str(config), "status")
    assert done.exit_code == 2
    database = tmp_path / "var" / "cchc-inbox.db"
    assert f"chưa có cơ sở dữ liệu {database}: hãy chạy `cchc-inbox db upgrade`" in done.output
    assert not database.exists()


def first_paragraph(command: click.Command) -> str:
    """Return what click shortens into the command's line in its group's listing."""
    words = (command.help or "").split("\n\n")[0].split()
    return " ".join(words[1:] if words[:1] == ["\b"] else words)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_is_listed_by_the_first_paragraph_of_its_own_help(name: str) -> None:
    where, summary = COMMANDS[name]
    command = load_command(where)
    assert command.name == name
    assert summary == first_paragraph(command)
    # The stand-in listed in its place carries only the help text.
    assert command.short_help is None and not command.hidden and not command.deprecated


@pytest.mark.parametrize("columns", ["50", "80", "120"])
def test_the_listing_is_the_same_before_and_after_the_commands_load(columns: str) -> None:
    load_all = "from ingest.cli import COMMANDS, main\nfor name in COMMANDS:\n    main.get_command(None, name)\n"
    fresh, loaded = (
        subprocess.run(
            [sys.executable, "-c", first + run_main("--help")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin", "COLUMNS": columns},
        ).stdout
        for first in ("", load_all)
    )
    assert loaded == fresh
    assert "Lệnh:\n  campaign" in fresh
    assert "\n  check-config  Kiểm tra cấu hình" in fresh


def test_every_command_defined_in_ingest_commands_is_on_the_command_line() -> None:
    defined: set[click.Command] = set()
    for module in pkgutil.iter_modules(ingest.commands.__path__, "ingest.commands."):
        found = vars(importlib.import_module(module.name)).values()
        defined |= {value for value in found if isinstance(value, click.Command)}
    below = {
        sub
        for group in defined
        if isinstance(group, click.Group)
        for sub in group.commands.values()
    }
    ctx = click.Context(main)
    listed = {main.get_command(ctx, name) for name in main.list_commands(ctx)}
    assert defined - below == listed


def test_a_mistyped_command_is_matched_against_every_command_loaded_or_not() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "reprot"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "không có lệnh `reprot` — có phải ý bạn là `report`?" in done.stderr
