"""`campaign list` and `campaign show` describe the configuration: no database is needed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run_cli, write_local_config


def test_campaign_show_describes_the_shipped_campaign_before_any_database_exists(
    tmp_path: Path,
) -> None:
    config = write_local_config(tmp_path)
    shown = run_cli("--config", str(config), "campaign", "show", "2024", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert (data["code"], data["requires"], data["closes"]) == ("2024", ["soft_file"], "2024-06-25")
    listed = run_cli("--config", str(config), "campaign", "list")
    assert listed.exit_code == 0 and "Bản điện tử (thư điện tử)" in listed.stdout
    assert not (tmp_path / "var").exists()


def test_an_unknown_campaign_code_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    result = run_cli("--config", str(config), "campaign", "show", "2019")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Không có đợt mã '2019' trong cấu hình (các đợt đã cấu hình: 2024). "
        "Xem `cchc-inbox campaign list`."
    ]
