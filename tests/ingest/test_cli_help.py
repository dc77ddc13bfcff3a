"""`--help` is Vietnamese, with an example, and the option names stay as they were."""

from __future__ import annotations

import re

import click
import pytest

from ingest.cli import main
from tests.cli import run_cli

#: The commands whose help this module checks, with their options (names are an interface).
COMMANDS: dict[tuple[str, ...], set[str]] = {
    (): {"--config", "-v", "--verbose", "--trace-imap", "--log-format"},
    ("db",): set(),
    ("db", "upgrade"): set(),
    ("db", "copy"): {"--to"},
    ("poll",): {"--since"},
    ("serve",): set(),
    ("check-config",): set(),
    ("status",): {"--format", "--max-age"},
    ("reprocess",): {"--all", "--failed"},
    ("digest",): {"--date", "--send", "--dry-run", "--output", "--campaign"},
    ("remind",): {"--date", "--dry-run", "--campaign"},
    ("outbox",): set(),
    ("outbox", "list"): {"--all"},
    ("outbox", "send"): {"--dry-run"},
    ("outbox", "retry"): set(),
}
VIETNAMESE = re.compile(r"[à-ỹÀ-Ỹđ]")
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "default:", "required]")


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        # get_command, not .commands: the top group loads each command when asked
        found = command.get_command(click.Context(command), name)
        assert found is not None, name
        command = found
    return command


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: " ".join(p) or "cchc-inbox")
def test_help_is_vietnamese_with_an_example(path: tuple[str, ...]) -> None:
    result = run_cli(*path, "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"Cách dùng: {' '.join(('cchc-inbox', *path))} [TÙY_CHỌN]")
    assert "Ví dụ" in text
    examples = [line for line in text.splitlines() if re.match(r"    (\S+ )?cchc-inbox ", line)]
    assert any(" ".join(path) in line for line in examples), text
    for english in ENGLISH:
        assert english not in text, english
    command = command_at(path)
    assert command.help is not None and VIETNAMESE.search(command.help.splitlines()[0])
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help and VIETNAMESE.search(param.help), param.name


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: " ".join(p) or "cchc-inbox")
def test_option_names_are_unchanged(path: tuple[str, ...]) -> None:
    command = command_at(path)
    names = {n for p in command.params if isinstance(p, click.Option) for n in p.opts}
    assert names == COMMANDS[path]
