"""The council member's pages in a real browser: Debian's Chromium driven by Playwright,
against `cchc-inbox web` (waitress) over a register with two assigned initiatives.

Screenshots go to $CCHC_SCREENSHOTS when set (docs/screenshots), else to the test's
temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import main
from store.db import make_engine, make_session_factory, upgrade_schema
from tests.cli import run_cli, write_local_config
from tests.e2e.test_web_browser import LISTENING
from tests.store.register import store_message

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hoi-dong-mk-4"
HOSTILE = '<img src=x onerror="window.hacked=1">'
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A register on SQLite with two initiatives assigned to tam and lan; `web` started."""
    url = f"sqlite:///{tmp_path / 'register.db'}"
    config = write_local_config(tmp_path, ('url = "sqlite:///var/cchc-inbox.db"', f'url = "{url}"'))
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    for uid, (unit, title) in enumerate(
        (("xa-an-co", "Số hóa hồ sơ một cửa liên thông"), ("xa-bien-gioi", f"Hộp thư {HOSTILE}")),
        1,
    ):
        store_message(
            sessions,
            uid,
            datetime(2024, 6, 20, 2, tzinfo=UTC),
            unit,
            files=((f"{uid}.docx", title),),
        )
    engine.dispose()
    # tam is of xa-an-co: only xa-bien-gioi's initiative is theirs.
    for name, unit in (("tam", ["--unit", "xa-an-co"]), ("lan", [])):
        made = CliRunner().invoke(
            main,
            [
                *("--config", str(config), "users", "add", name, "--role", "council"),
                *unit,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
        )
        assert made.exit_code == 0, made.output
    assert (
        run_cli("--config", str(config), "council", "assign", "--campaign", "2024").exit_code == 0
    )
    log_path = tmp_path / "web.log"
    with log_path.open("w+", encoding="utf-8") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ingest.cli",
                "--config",
                str(config),
                "web",
                "--bind",
                "127.0.0.1:0",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = _wait_for_address(log_path)
            shots = Path(os.environ.get("CCHC_SCREENSHOTS") or tmp_path / "screenshots")
            shots.mkdir(parents=True, exist_ok=True)
            yield base, shots, config
        finally:
            server.terminate()
            assert server.wait(timeout=30) == 0, log_path.read_text()


def _wait_for_address(path: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = LISTENING.search(path.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"cchc-inbox web did not start:\n{path.read_text()}")


def test_a_member_scores_and_submits_a_sheet_in_chromium(
    site: tuple[str, Path, Path],
) -> None:
    base, shots, config = site
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
        page.goto(base + "/login")
        page.fill("input[name=name]", "tam")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/council")
        assert page.evaluate("window.hacked") is None
        assert page.locator("tbody tr").count() == 1  # tam's own unit's is not theirs
        page.screenshot(path=str(shots / "council-desktop.png"), full_page=True)
        page.click("text=Chấm điểm")
        page.fill("input[name=moi]", "27")
        page.fill("input[name=ap-dung]", "20")
        page.fill("input[name=hieu-qua]", "30")
        page.click("button[value=submit]")
        page.wait_for_selector("text=Đã nộp phiếu; phiếu đã khóa.")
        assert "Tổng cộng: 77/100" in page.content()
        assert page.locator("input[name=moi]").is_disabled()
        page.screenshot(path=str(shots / "council-sheet-desktop.png"), full_page=True)
        browser.close()
    results = run_cli("--config", str(config), "council", "results", "--campaign", "2024")
    assert "tam: 77" in results.output
