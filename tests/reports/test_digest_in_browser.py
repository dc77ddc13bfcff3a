"""The HTML digest rendered by a real browser (headless Chromium) at phone width.

Headless Chromium lays pages out at least 500 px wide, a large phone.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reports.digest import build_digest, digest_window, render_html
from store.read import MailboxRow
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROBE = """<script>
const table = document.getElementById("units");
document.body.setAttribute("data-probe", JSON.stringify({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  rows: [...table.querySelectorAll("tr.unit")].map(r => r.innerText.replace(/\\s+/g, " ").trim()),
  tableHeight: table.getBoundingClientRect().height,
  tableVisible: getComputedStyle(table).display !== "none",
}));
</script>"""

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)"
)


def rendered(html: str, tmp_path: Path) -> dict[str, object]:
    page = tmp_path / "digest.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=390,844",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    match = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert match, result.stdout[-2000:] + result.stderr[-2000:]
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert isinstance(probe, dict)
    return probe


def test_the_unit_table_shows_on_a_phone_screen_without_sideways_scrolling(tmp_path: Path) -> None:
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 26, 9, 15, tzinfo=ICT), timing="late"),
        submission(
            3,
            None,
            datetime(2024, 6, 20, 10, 0, tzinfo=ICT),
            status="needs_review",
            reasons=("unknown_unit",),
            subject="Gửi sáng kiến " + "rất-dài-không-có-khoảng-trắng" * 4,
            sender="nguoi.gui.co.dia.chi.rat.dai.khong.ngat.dong" + "x" * 80 + "@gmail.com",
        ),
    ]
    box = MailboxRow(
        "phongnv", "INBOX", 1, 3, None, datetime(2024, 6, 27, 6, 0, tzinfo=ICT), None, 3
    )
    day = date(2024, 6, 27)
    digest = build_digest(ROSTER, CAMPAIGN, day, digest_window(CAMPAIGN, day, None), rows, [box])
    probe = rendered(render_html(digest), tmp_path)
    assert probe["rows"] == [
        "UBND xã Thái Bình Đã nộp đúng hạn 1 0",
        "UBND xã An Cơ Nộp trễ 0 1",
        "Phòng Tư pháp Chưa nộp 0 0",
    ]
    assert probe["tableVisible"] is True
    assert isinstance(probe["tableHeight"], int | float) and probe["tableHeight"] > 40
    assert probe["scrollWidth"] <= probe["innerWidth"]  # type: ignore[operator]
