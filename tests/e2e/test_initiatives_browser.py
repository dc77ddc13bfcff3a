"""Staff's initiative pages in a real browser: Debian's Chromium driven by Playwright,
against `cchc-inbox web` (waitress) over a register whose two units sent one text.

Screenshots go to $CCHC_SCREENSHOTS when set (docs/screenshots), else to the test's
temporary folder. At phone width the page itself never scrolls sideways.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from ingest.cli import main
from store.db import make_engine, make_session_factory, upgrade_schema
from store.models import Attachment
from tests.cli import write_local_config
from tests.e2e.test_council_browser import CHROMIUM, DESKTOP, ROOT, _wait_for_address
from tests.store.register import store_message
from tests.store.test_initiative_records import DESCRIPTION, OTHER

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
PASSWORD = "xet-mat-khau-2"
HOSTILE = '<img src=x onerror="window.hacked=1">'
BIND = ("--bind", "127.0.0.1:0")
PHONE = {"width": 360, "height": 780}
SENT = (
    ("xa-an-co", "Số hóa hồ sơ một cửa liên thông", DESCRIPTION, "XÃ AN CƠ"),
    ("xa-thai-binh", "Một cửa số hóa hồ sơ", DESCRIPTION, "XÃ THÁI BÌNH"),
    ("xa-an-co", f"Tổ tự quản vệ sinh môi trường {HOSTILE}", OTHER, ""),
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A register on SQLite with three initiatives (two near-duplicates); `web` started."""
    url = f"sqlite:///{tmp_path / 'register.db'}"
    config = write_local_config(tmp_path, ('url = "sqlite:///var/cchc-inbox.db"', f'url = "{url}"'))
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    for uid, (unit, title, text, name) in enumerate(SENT, 1):
        message = store_message(
            sessions,
            uid,
            datetime(2024, 6, 10 + uid, 2, tzinfo=UTC),
            unit,
            files=((f"sang-kien-{uid}.docx", title), (f"phu-luc-{uid}.pdf", title)),
            authors=("Nguyễn Văn A", "Trần Thị Bích Ngọc"),
        )
        with sessions.begin() as session:
            session.execute(
                update(Attachment)
                .where(Attachment.message_id == message)
                .values(text=text.format(unit=name, number=uid))
            )
    engine.dispose()
    made = CliRunner().invoke(
        main,
        [
            *("--config", str(config), "users", "add", "lan", "--role", "reviewer"),
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    log_path = tmp_path / "web.log"
    with log_path.open("w+", encoding="utf-8") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "ingest.cli", "--config", str(config), "web", *BIND],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = _wait_for_address(log_path)
            shots = Path(os.environ.get("CCHC_SCREENSHOTS") or tmp_path / "screenshots")
            shots.mkdir(parents=True, exist_ok=True)
            yield base, shots
        finally:
            server.terminate()
            assert server.wait(timeout=30) == 0, log_path.read_text()


def test_staff_read_the_initiatives_and_one_s_near_duplicate_at_desktop_and_phone_width(
    site: tuple[str, Path],
) -> None:
    base, shots = site
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
            page.goto(base + "/login")
            page.fill("input[name=name]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + "/initiatives")
            assert page.locator("tbody tr").count() == 3
            assert page.locator("text=Gần trùng 100%").count() == 2
            _check(page, shots / f"initiatives-{size}.png")
            page.click("text=Số hóa hồ sơ một cửa liên thông")
            page.wait_for_selector("text=Những đoạn cả hai cùng có:")
            _check(page, shots / f"initiative-{size}.png")
        browser.close()


def _check(page: object, path: Path) -> None:
    """Assert nothing ran from mail and nothing overflows the page; save a screenshot."""
    assert page.evaluate("window.hacked") is None  # type: ignore[attr-defined]
    overflow = page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path.name}: the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
