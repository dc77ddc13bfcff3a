"""The web application in a real browser: Debian's Chromium driven by Playwright, against
`cchc-inbox web` (waitress) over a register the real poller filled from Dovecot.

Each test saves screenshots of what it saw (desktop and phone width) under
$CCHC_SCREENSHOTS when set (scripts/screenshots sets docs/screenshots), else
under the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import IO

import pytest

from tests.e2e.conftest import ROOT, Register

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]
SAMPLES = ROOT / "tests" / "data" / "mail"
HOSTILE = '<script>window.hacked=1</script><img src=x onerror="window.hacked=2">'
PASSWORDS = {"admin": "quan-tri-mk-3", "lan": "xet-mat-khau-2", "xem": "xem-mat-khau-1"}
ROLES = {"admin": "admin", "lan": "reviewer", "xem": "viewer"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
LISTENING = re.compile(r"đang chạy tại (http://\S+)")


@dataclass(frozen=True)
class Site:
    base: str
    register: Register
    shots: Path


def deliver_samples(register: Register) -> None:
    import tomllib

    with (SAMPLES / "manifest.toml").open("rb") as handle:
        manifest = tomllib.load(handle)["message"]
    for entry in manifest:
        raw = (SAMPLES / entry["file"]).read_bytes()
        register.dovecot.append(raw, entry["received_at"], folder=register.folder)
    hostile = EmailMessage()
    hostile["From"] = f'"{HOSTILE}" <ke-xau@evil.example>'
    hostile["To"] = "phongnv-cth@tayninh.gov.vn"
    hostile["Subject"] = HOSTILE
    hostile["Message-ID"] = "<hostile@evil.example>"
    hostile.set_content(f"Nội dung {HOSTILE}")
    last = manifest[-1]["received_at"]
    register.dovecot.append(hostile.as_bytes(), last, folder=register.folder)


@pytest.fixture
def site(register: Register, tmp_path: Path) -> Iterator[Site]:
    """Poll the sample mails (and a hostile one), create the accounts, start `web`."""
    yield from _serve(register, tmp_path)


@pytest.fixture
def paper_site(register: Register, tmp_path: Path) -> Iterator[Site]:
    """The site of a campaign that requires the paper copy as well as the file."""
    text = register.config.read_text(encoding="utf-8")
    assert text.count("closes = 2024-06-25") == 1
    text = text.replace(
        "closes = 2024-06-25", 'closes = 2024-06-25\nrequires = ["soft_file", "paper_copy"]'
    )
    register.config.write_text(text, encoding="utf-8")
    yield from _serve(register, tmp_path)


def _serve(register: Register, tmp_path: Path) -> Iterator[Site]:
    deliver_samples(register)
    register.run("poll")
    for name, role in ROLES.items():
        register.run(
            "users", "add", name, "--role", role, "--password-stdin", input=PASSWORDS[name]
        )
    log = (tmp_path / "web.log").open("w+", encoding="utf-8")
    server = register.spawn("web", "--bind", "127.0.0.1:0", output=log)
    try:
        base = _wait_for_address(log, tmp_path / "web.log")
        shots = Path(os.environ.get("CCHC_SCREENSHOTS") or tmp_path / "screenshots")
        shots.mkdir(parents=True, exist_ok=True)
        yield Site(base, register, shots)
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0, (tmp_path / "web.log").read_text()
        log.close()


def _wait_for_address(log: IO[str], path: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = LISTENING.search(path.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"cchc-inbox web did not start:\n{path.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def signed_in(browser: object, site: Site, name: str, viewport: dict[str, int] = DESKTOP) -> object:
    context = browser.new_context(viewport=viewport, locale="vi-VN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(site.base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(site.base + "/")
    return page


def shoot(page: object, site: Site, name: str) -> Path:
    path = site.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def card(page: object, label: str) -> int:
    text = page.locator(f".card:has-text('{label}') .number").inner_text()  # type: ignore[attr-defined]
    return int(text)


def test_a_reviewer_settles_a_message_and_the_overview_follows(browser: object, site: Site) -> None:
    page = signed_in(browser, site, "lan")
    waiting = card(page, "Thư cần xem xét")
    missing = card(page, "Chưa nộp")
    assert waiting == 3  # the unknown sender, the drive link, the hostile mail
    page.click("nav >> text=Cần xem xét")
    item = page.locator("section.item", has_text="Gửi sáng kiến cải cách hành chính")
    item.locator("select[name=unit]").select_option("xa-an-binh")
    item.locator("input[name=remember]").check()
    item.locator("button", has_text="Gán đơn vị").click()
    flash = page.locator(".flashes").inner_text()
    assert "đã gán cho UBND xã An Bình (xa-an-binh)" in flash
    assert "Đã ghi nhớ địa chỉ nva.tn1987@gmail.com" in flash
    page.click("nav >> text=Tổng quan")
    assert card(page, "Thư cần xem xét") == waiting - 1
    assert card(page, "Chưa nộp") == missing - 1
    row = page.locator("tr.unit", has_text="UBND xã An Bình")
    assert "Đã nộp đúng hạn" in row.inner_text()


def test_mail_text_stays_text_in_the_browser(browser: object, site: Site) -> None:
    page = signed_in(browser, site, "xem")
    page.click("nav >> text=Thư đến")
    page.fill("input[name=q]", "window hacked")
    page.click("form.filters button[type=submit]")
    # count() does not wait: wait for the page of results, not the form's own page.
    page.wait_for_url(re.compile(r"[?&]q=window"))
    link = page.locator("#messages a", has_text="<script>")
    assert link.count() == 1
    link.click()
    assert page.locator("h1").inner_text().startswith("Thư #")
    assert HOSTILE in page.locator("h1").inner_text()
    assert page.evaluate("typeof window.hacked") == "undefined"
    assert page.locator("img[src=x]").count() == 0


def test_every_page_at_desktop_and_phone_width(browser: object, site: Site) -> None:
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="vi-VN")  # type: ignore[attr-defined]
        login = context.new_page()
        login.goto(site.base + "/login")
        shoot(login, site, f"login-{label}")
        context.close()
        page = signed_in(browser, site, "admin", viewport)
        first_message = _first_message_path(page, site)
        pages = {
            "overview": "/",
            "messages": "/messages",
            "message": first_message,
            "review": "/review",
            "unit": "/units/xa-thai-binh",
            "exports": "/exports",
            "audit": "/admin/audit",
        }
        for name, path in pages.items():
            page.goto(site.base + path)
            assert page.locator("h1").count() == 1, path
            # Nothing wider than the screen but the tables, which scroll on their own.
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (name, label, overflow)
            shoot(page, site, f"{name}-{label}")
        page.context.close()


def _first_message_path(page: object, site: Site) -> str:
    page.goto(site.base + "/messages?q=thai+binh")  # type: ignore[attr-defined]
    href = page.locator("#messages tr.message a").first.get_attribute("href")  # type: ignore[attr-defined]
    assert href
    return str(href)


def test_what_is_refused(browser: object, site: Site) -> None:
    anonymous = browser.new_context()  # type: ignore[attr-defined]
    page = anonymous.new_page()
    page.goto(site.base + "/review")
    assert page.url.startswith(site.base + "/login")
    response = anonymous.request.get(site.base + "/exports/files.zip", max_redirects=0)
    assert response.status == 302
    anonymous.close()

    reviewer = signed_in(browser, site, "lan")
    assert reviewer.goto(site.base + "/admin/audit").status == 403  # type: ignore[attr-defined]
    assert "Không có quyền" in reviewer.locator("h1").inner_text()  # type: ignore[attr-defined]
    # A forged form, with the reviewer's own cookie but no CSRF token.
    forged = reviewer.context.request.post(  # type: ignore[attr-defined]
        site.base + "/review/1/ignore", form={"seen": "", "reason": "giả"}
    )
    assert forged.status == 400
    reviewer.context.close()  # type: ignore[attr-defined]

    viewer = signed_in(browser, site, "xem")
    viewer.goto(site.base + "/review")  # type: ignore[attr-defined]
    assert viewer.locator("section.item").count() == 3  # type: ignore[attr-defined]
    assert viewer.locator("section.item form").count() == 0  # type: ignore[attr-defined]
    viewer.context.close()  # type: ignore[attr-defined]


def test_a_login_is_throttled_after_repeated_failures(browser: object, site: Site) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    for _ in range(5):
        page.goto(site.base + "/login")
        page.fill("input[name=name]", "lan")
        page.fill("input[name=password]", "doan-sai-mat-khau")
        page.click("button[type=submit]")
        assert "không đúng" in page.locator(".flashes").inner_text()
    page.goto(site.base + "/login")
    page.fill("input[name=name]", "lan")
    page.fill("input[name=password]", PASSWORDS["lan"])
    page.click("button[type=submit]")
    assert "tạm khóa" in page.locator(".flashes").inner_text()
    assert page.url.startswith(site.base + "/login")
    shoot(page, site, "login-throttled")
    context.close()


def test_a_reviewer_records_a_paper_copy_on_the_unit_page_at_desktop_and_phone_width(
    browser: object, paper_site: Site
) -> None:
    for label, viewport, unit in (
        ("desktop", DESKTOP, "xa-an-co"),
        ("phone", PHONE, "xa-hoa-hoi"),
    ):
        page = signed_in(browser, paper_site, "lan", viewport)
        page.goto(f"{paper_site.base}/units/{unit}")  # type: ignore[attr-defined]
        assert page.locator(".badge.missing_paper_copy").inner_text() == "Thiếu bản giấy"  # type: ignore[attr-defined]
        form = page.locator("form[action$='/paper']")  # type: ignore[attr-defined]
        form.locator("input[name=received_on]").fill("20/06/2024")
        form.locator("input[name=copies]").fill("2")
        form.locator("input[name=received_by]").fill("Lan")
        shoot(page, paper_site, f"unit-paper-form-{label}")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()  # type: ignore[attr-defined]
        body = page.locator("body").inner_text()  # type: ignore[attr-defined]
        assert "Đã ghi nhận bản giấy của" in body and "nhận ngày 20/06/2024, 2 bản" in body
        assert page.locator("#paper").get_by_text("20/06/2024").count() >= 1  # type: ignore[attr-defined]
        assert page.locator(".badge.complete").inner_text() == "Đủ hồ sơ"  # type: ignore[attr-defined]
        overflow = page.evaluate(  # type: ignore[attr-defined]
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (label, overflow)
        shoot(page, paper_site, f"unit-paper-{label}")
        page.goto(paper_site.base + "/")  # type: ignore[attr-defined]
        assert page.locator("#units th", has_text="Bản giấy").count() == 1  # type: ignore[attr-defined]
        overflow = page.evaluate(  # type: ignore[attr-defined]
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (label, overflow)
        shoot(page, paper_site, f"overview-paper-{label}")
        page.context.close()  # type: ignore[attr-defined]


def test_the_results_report_downloads_from_the_exports_page(browser: object, site: Site) -> None:
    from docx import Document

    page = signed_in(browser, site, "xem")
    page.goto(site.base + "/exports?campaign=2024")  # type: ignore[attr-defined]
    with page.expect_download() as caught:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Tải báo cáo (.docx)").click()  # type: ignore[attr-defined]
    download = caught.value
    assert download.suggested_filename == "bao-cao-ket-qua-2024.docx"
    doc = Document(download.path())
    assert "PHÒNG NỘI VỤ" in doc.tables[0].rows[0].cells[0].text
    annex = doc.tables[-1]
    assert annex.rows[0].cells[1].text == "Tên sáng kiến" and len(annex.rows) > 1
    page.context.close()  # type: ignore[attr-defined]
