"""`status`: the age in the unit given, the configuration file, JSON times in the campaign zone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ingest.commands.status import age_text
from tests.cli import ROOT, run_cli, write_local_config


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(seconds=1), "1 giây"),
        (timedelta(seconds=90), "90 giây"),
        (timedelta(minutes=30), "30 phút"),
        (timedelta(minutes=90), "90 phút"),
        (timedelta(hours=2), "2 giờ"),
        (timedelta(days=1), "1 ngày"),
    ],
)
def test_an_age_is_said_in_the_largest_whole_unit(age: timedelta, text: str) -> None:
    assert age_text(age) == text


@pytest.fixture
def failed_once(tmp_path: Path) -> Path:
    """A register whose mailbox was tried once (no password: no IMAP needed)."""
    config = write_local_config(tmp_path)
    assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
    env = {k: v for k, v in os.environ.items() if k != "CCHC_IMAP_PASSWORD"}
    subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--config", str(config), "poll"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    return config


def test_status_says_the_max_age_in_seconds_when_given_in_seconds(failed_once: Path) -> None:
    result = run_cli("--config", str(failed_once), "status", "--max-age", "1s")
    assert result.exit_code == 1
    assert result.stdout.strip().splitlines()[-1] == (
        "Tình trạng: CÓ VẤN ĐỀ — không đọc được hộp thư phongnv trong 1 giây qua."
    )
    hours = run_cli("--config", str(failed_once), "status", "--max-age", "2h")
    assert hours.stdout.strip().endswith("trong 2 giờ qua.")


def test_status_names_the_configuration_file_it_read(failed_once: Path) -> None:
    result = run_cli("--config", str(failed_once), "status")
    assert result.stdout.splitlines()[0] == f"Cấu hình: {failed_once} (theo --config)"
    data = json.loads(run_cli("--config", str(failed_once), "status", "--format", "json").stdout)
    assert data["config"] == str(failed_once)


def test_status_json_times_carry_the_campaign_zone_s_offset(failed_once: Path) -> None:
    data = json.loads(run_cli("--config", str(failed_once), "status", "--format", "json").stdout)
    checked = datetime.fromisoformat(data["checked_at"])
    attempt = datetime.fromisoformat(data["mailboxes"][0]["last_attempt_at"])
    for moment in (checked, attempt):
        assert moment.utcoffset() == timedelta(hours=7)
    assert data["checked_at"].endswith("+07:00")
    assert data["mailboxes"][0]["last_attempt_at"].endswith("+07:00")
