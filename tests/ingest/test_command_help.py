"""`--help` of the report and export commands is Vietnamese, with an example to copy."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ingest.cli import main

COMMANDS = [
    ("report",),
    ("report", "compliance"),
    ("report", "submissions"),
    ("report", "initiatives"),
    ("export",),
    ("export", "files"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_help_is_vietnamese_and_shows_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    summary = result.output.split("\n\n")[1].strip()
    assert any(char in summary for char in "ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ")
    assert f"Ví dụ:\n    cchc-inbox {' '.join(command)}" in result.output
