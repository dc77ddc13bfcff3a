"""The shipped systemd unit is valid and says what the README promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT

UNIT = ROOT / "deploy" / "cchc-inbox.service"
WEB_UNIT = ROOT / "deploy" / "cchc-inbox-web.service"
INSTALLED = "/opt/cchc-inbox/.venv/bin/cchc-inbox"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("shipped", [UNIT, WEB_UNIT], ids=["worker", "web"])
def test_systemd_analyze_verifies_the_unit_with_real_executables(
    tmp_path: Path, shipped: Path
) -> None:
    executable = Path(sys.executable).parent / "cchc-inbox"
    assert executable.exists(), "pip install -e . creates the console script"
    text = shipped.read_text(encoding="utf-8")
    assert INSTALLED in text
    unit = tmp_path / shipped.name
    unit.write_text(text.replace(INSTALLED, str(executable)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    complaints = [line for line in result.stderr.splitlines() if shipped.name in line]
    assert complaints == []


def test_a_broken_executable_path_is_caught_by_the_verification(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze")
    unit = tmp_path / "cchc-inbox.service"
    unit.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")  # /opt does not exist here
    if Path(INSTALLED).exists():
        pytest.skip("installed for real on this machine")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0


def test_the_unit_runs_db_upgrade_first_restarts_on_failure_but_not_on_a_fatal_config() -> None:
    lines = set(UNIT.read_text(encoding="utf-8").splitlines())
    assert f"ExecStartPre={INSTALLED} db upgrade" in lines
    assert f"ExecStart={INSTALLED} serve" in lines
    assert {"Restart=on-failure", "RestartPreventExitStatus=2"} <= lines
    assert {"User=cchc-inbox", "ProtectSystem=strict", "NoNewPrivileges=yes"} <= lines
    assert "ReadWritePaths=/var/lib/cchc-inbox" in lines
    assert "EnvironmentFile=-/etc/cchc-inbox/secrets.env" in lines


def test_the_web_unit_serves_without_privileges_and_writes_only_the_data_folder() -> None:
    lines = set(WEB_UNIT.read_text(encoding="utf-8").splitlines())
    assert f"ExecStart={INSTALLED} web" in lines
    assert {"User=cchc-inbox", "NoNewPrivileges=yes", "CapabilityBoundingSet="} <= lines
    assert {"ProtectSystem=strict", "ReadWritePaths=/var/lib/cchc-inbox"} <= lines
    assert {"Restart=on-failure", "RestartPreventExitStatus=2"} <= lines
