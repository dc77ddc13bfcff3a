"""The HTML digest on a 360 px phone, laid out by a real headless Chromium.

Headless Chromium will not make its window narrower than 500 px, so the digest
is shown in a 360 px frame: the frame is the page's viewport, as a phone's
screen is. A probe inside the digest reports its layout to the outer page; the
screenshot (``digest-360.png`` in the test's tmp_path) is for a person to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.config import load_roster
from reports.digest import build_digest, digest_window, render_html
from store.read import MailboxRow
from tests.reports.rows import CAMPAIGN, submission

ROOT = Path(__file__).resolve().parents[2]
ICT = timezone(timedelta(hours=7))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = 360

# Inside the digest: every short word that the browser broke across two lines,
# and the widths that show whether anything outside the unit table overflows.
PROBE = """<script>
const split = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  for (const match of node.data.matchAll(/[^\\s]+/g)) {
    const word = match[0];
    if (word.length > 15 || /[-@\\/.]/.test(word)) continue;  // long tokens may break
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + word.length);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) split.push(word);
  }
}
const table = document.getElementById("units");
const wrapper = table.parentElement;
parent.postMessage(JSON.stringify({
  innerWidth: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  split: split,
  wrapperWidth: wrapper.getBoundingClientRect().width,
  wrapperScrolls: getComputedStyle(wrapper).overflowX,
  tableWidth: table.getBoundingClientRect().width,
  rows: [...table.querySelectorAll("tr.unit")].length,
}), "*");
</script>"""
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="{src}" style="width:{width}px;height:{height}px;border:0"></iframe>
<script>
window.addEventListener("message", e => document.body.setAttribute("data-probe", e.data));
</script></body></html>"""

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)"
)


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=3000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def digest_html() -> str:
    """A digest of the shipped roster (long office names) with late and missing units."""
    roster = load_roster(ROOT / "units.toml")
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 26, 9, 15, tzinfo=ICT), timing="late"),
        submission(3, "phong-ld-tbxh", datetime(2024, 6, 26, 10, 0, tzinfo=ICT), timing="late"),
        submission(
            4,
            None,
            datetime(2024, 6, 26, 11, 0, tzinfo=ICT),
            status="needs_review",
            reasons=("unknown_unit",),
            subject="Gửi sáng kiến trễ hạn của Trung tâm Giáo dục nghề nghiệp",
            sender="nguoi.gui.co.dia.chi.rat.dai.khong.ngat.dong" + "x" * 40 + "@gmail.com",
        ),
    ]
    box = MailboxRow(
        "phongnv", "INBOX", 1, 4, None, datetime(2024, 6, 27, 6, 0, tzinfo=ICT), None, 4
    )
    day = date(2024, 6, 27)
    window = digest_window(CAMPAIGN, day, None)
    return render_html(build_digest(roster, CAMPAIGN, day, window, rows, [box]))


def test_the_digest_at_360_px_breaks_no_word_and_only_the_table_may_scroll(
    tmp_path: Path,
) -> None:
    html = digest_html()
    (tmp_path / "digest.html").write_text(html.replace("</body>", PROBE + "</body>"), "utf-8")
    (tmp_path / "screen.html").write_text(html, encoding="utf-8")
    for name, src in (("probe.html", "digest.html"), ("shot.html", "screen.html")):
        frame = FRAME.format(src=src, width=PHONE, height=4000)
        (tmp_path / name).write_text(frame, encoding="utf-8")
    dom = chromium(
        tmp_path, "--window-size=500,800", "--dump-dom", (tmp_path / "probe.html").as_uri()
    )
    match = re.search(r'data-probe="([^"]*)"', dom)
    assert match, dom[-2000:]
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    chromium(
        tmp_path,
        "--window-size=500,4000",
        f"--screenshot={tmp_path / 'digest-360.png'}",
        (tmp_path / "shot.html").as_uri(),
    )
    assert (tmp_path / "digest-360.png").stat().st_size > 0
    assert probe["innerWidth"] == PHONE
    assert probe["split"] == []
    assert probe["scrollWidth"] <= PHONE  # nothing outside the table's own scroller overflows
    assert probe["wrapperScrolls"] == "auto"
    assert probe["wrapperWidth"] <= PHONE
    assert probe["rows"] == 27  # the required units
