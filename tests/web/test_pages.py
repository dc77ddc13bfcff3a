"""What the pages show and do, on each backend: counts, review, search, downloads, exports."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import update

from app.root import Register
from store.models import Attachment, Message
from tests.store.register import store_message
from tests.web.conftest import csrf_token, log_in
from web.auth import requires

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)
HOSTILE = '<script>window.hacked=1</script><img src=x onerror="window.hacked=2">'


def waiting_message(register: Register, uid: int = 1, **options: object) -> int:
    return store_message(
        register.sessions,
        uid,
        RECEIVED,
        unit=None,
        status="needs_review",
        reasons=("unknown_unit",),
        **options,  # type: ignore[arg-type]
    )


def overview_card(client: FlaskClient, label: str) -> int:
    """Return the number on the overview's card labelled ``label``."""
    page = client.get("/").get_data(as_text=True)
    head, _, _ = page.partition(f'<span class="label">{label}</span>')
    return int(head.rsplit('<span class="number">', 1)[1].split("<", 1)[0])


def test_assigning_from_the_review_page_changes_the_overview_at_once(
    client: FlaskClient, register: Register
) -> None:
    message_id = waiting_message(register)
    log_in(client, "reviewer")
    assert overview_card(client, "Thư cần xem xét") == 1
    missing = overview_card(client, "Chưa nộp")
    token = csrf_token(client, "/review")
    response = client.post(
        f"/review/{message_id}/assign",
        data={"csrf_token": token, "unit": "xa-an-co", "seen": ""},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert f"Thư {message_id}: đã gán cho UBND xã An Cơ (xa-an-co)." in page
    assert "Tình trạng của UBND xã An Cơ: Đã nộp đúng hạn." in page
    assert overview_card(client, "Thư cần xem xét") == 0
    assert overview_card(client, "Chưa nộp") == missing - 1
    detail = client.get(f"/messages/{message_id}").get_data(as_text=True)
    assert "reviewer" in detail and "Gán đơn vị" in detail  # the decision history


def test_a_decision_made_on_a_stale_page_is_refused_and_names_who_decided(
    client: FlaskClient, register: Register
) -> None:
    message_id = waiting_message(register)
    log_in(client, "reviewer")
    token = csrf_token(client, "/review")
    first = {"csrf_token": token, "unit": "xa-an-co", "seen": ""}
    client.post(f"/review/{message_id}/assign", data=first)
    stale = {"csrf_token": token, "unit": "xa-thai-binh", "seen": ""}  # the same old page
    page = client.post(f"/review/{message_id}/assign", data=stale, follow_redirects=True).get_data(
        as_text=True
    )
    assert f"Thư {message_id} vừa được reviewer quyết định" in page
    with register.sessions() as session:
        assert session.get_one(Message, message_id).unit_code == "xa-an-co"


def test_mail_text_is_shown_as_text_on_every_page(client: FlaskClient, register: Register) -> None:
    message_id = waiting_message(
        register,
        subject=HOSTILE,
        from_name=HOSTILE,
        files=((f"{HOSTILE}.docx", HOSTILE),),
    )
    log_in(client, "reviewer")
    for path in ("/messages", f"/messages/{message_id}", "/review", "/messages?q=script"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>window.hacked" not in page, path
        assert "<img src=x" not in page, path
        assert "&lt;script&gt;window.hacked=1&lt;/script&gt;" in page, path


def test_every_page_forbids_inline_script_and_sniffing(client: FlaskClient) -> None:
    log_in(client, "viewer")
    for path in ("/", "/messages", "/review", "/login", "/nowhere"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_search_finds_words_without_marks_or_case(
    client: FlaskClient, register: Register
) -> None:
    wanted = waiting_message(register, 1, subject="Sáng kiến Một cửa điện tử xã Đồng Khởi")
    waiting_message(register, 2, subject="Báo cáo quý III")
    log_in(client, "viewer")
    for query in ("dong khoi", "ĐỒNG KHỞI", "mot cua", "cửa đồng"):
        page = client.get("/messages", query_string={"q": query}).get_data(as_text=True)
        assert f'href="/messages/{wanted}"' in page, query
        assert "Báo cáo quý III" not in page, query
    nothing = client.get("/messages", query_string={"q": "không có"}).get_data(as_text=True)
    assert "Không có thư nào khớp." in nothing


def test_the_list_filters_by_unit_status_timing_and_day(
    client: FlaskClient, register: Register
) -> None:
    early = store_message(
        register.sessions,
        1,
        datetime(2024, 5, 1, 3, 0, tzinfo=UTC),
        unit="xa-an-co",
        timing="early",
    )
    late = store_message(
        register.sessions,
        2,
        datetime(2024, 6, 26, 3, 0, tzinfo=UTC),
        unit="xa-thai-binh",
        timing="late",
    )
    log_in(client, "viewer")

    def listed(**query: str) -> set[int]:
        page = client.get("/messages", query_string=query).get_data(as_text=True)
        return {i for i in (early, late) if f'href="/messages/{i}"' in page}

    assert listed() == {early, late}
    assert listed(unit="xa-an-co") == {early}
    assert listed(timing="late") == {late}
    assert listed(**{"from": "2024-06-26"}) == {late}
    assert listed(to="25/06/2024") == {early}
    assert listed(status="needs_review") == set()


def test_an_attachment_downloads_as_a_file_never_as_a_page(
    client: FlaskClient, register: Register
) -> None:
    message_id = waiting_message(register, files=(("báo cáo.html", None),))
    digest = register.blobs.put(b"<html><script>alert(1)</script></html>")
    with register.sessions.begin() as session:
        session.execute(
            update(Attachment).where(Attachment.message_id == message_id).values(sha256=digest)
        )
        attachment_id = session.query(Attachment.id).filter_by(message_id=message_id).scalar()
    log_in(client, "viewer")
    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "b%C3%A1o%20c%C3%A1o.html" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/attachments/999999").status_code == 404


def test_the_reports_download_as_workbooks_and_csv(client: FlaskClient, register: Register) -> None:
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    log_in(client, "viewer")
    workbook = client.get("/exports/compliance.xlsx")
    assert workbook.headers["Content-Disposition"] == 'attachment; filename="tinh-hinh-nop.xlsx"'
    sheet = load_workbook(io.BytesIO(workbook.data))["Tình hình nộp"]
    rows = {r[0]: r[4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["xa-an-co"] == "Đã nộp đúng hạn"
    listing = client.get("/exports/initiatives.csv").get_data(as_text=True)
    assert listing.startswith("\ufeff")
    assert [r[2] for r in csv.reader(io.StringIO(listing[1:]))][1:] == ["Số hóa hồ sơ"]
    assert client.get("/exports/secrets.xlsx").status_code == 404


def test_the_accepted_files_download_as_one_streamed_zip(
    client: FlaskClient, register: Register
) -> None:
    message_id = store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    digest = register.blobs.put(b"PK fake docx bytes")
    with register.sessions.begin() as session:
        session.execute(
            update(Attachment).where(Attachment.message_id == message_id).values(sha256=digest)
        )
    log_in(client, "viewer")
    response = client.get("/exports/files.zip")
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names[0] == "index.csv"
    [document] = [n for n in names if n.endswith(".docx")]
    assert document.startswith("03 UBND xã An Cơ/")
    assert archive.read(document) == b"PK fake docx bytes"


def test_a_failing_page_shows_a_vietnamese_error_and_no_trace(
    app: Flask, client: FlaskClient
) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals /etc/cchc-inbox")

    app.add_url_rule("/broken", "broken", requires("viewer")(broken))
    log_in(client, "viewer")
    response = client.get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Lỗi máy chủ" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_a_page_that_declares_no_role_is_refused_to_everyone(
    app: Flask, client: FlaskClient
) -> None:
    app.add_url_rule("/undeclared", "undeclared", lambda: "open")
    log_in(client, "admin")
    assert client.get("/undeclared").status_code == 403


def test_a_decision_during_a_long_write_waits_for_it_instead_of_failing(
    client: FlaskClient, register: Register
) -> None:
    # The worker commits a batch while a reviewer clicks: on SQLite the whole
    # database is locked for that moment; the decision must wait, not fail.
    import threading
    import time

    message_id = waiting_message(register)
    log_in(client, "reviewer")
    token = csrf_token(client, "/review")
    holding = threading.Event()

    def write_for_two_seconds() -> None:
        with register.sessions.begin() as session:
            session.execute(update(Message).where(Message.id == message_id).values(size=101))
            holding.set()
            time.sleep(2)

    writer = threading.Thread(target=write_for_two_seconds)
    writer.start()
    assert holding.wait(10)
    response = client.post(
        f"/review/{message_id}/assign",
        data={"csrf_token": token, "unit": "xa-an-co", "seen": ""},
        follow_redirects=True,
    )
    writer.join()
    assert "đã gán cho UBND xã An Cơ" in response.get_data(as_text=True)
    with register.sessions() as session:
        assert session.get_one(Message, message_id).unit_code == "xa-an-co"


def test_an_imported_message_shows_the_file_it_came_from_and_why_it_waits(
    client: FlaskClient, register: Register
) -> None:
    message_id = store_message(
        register.sessions, 1, RECEIVED, status="needs_review", reasons=("no_receive_time",)
    )
    with register.sessions.begin() as session:
        session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(source="import:/srv/export/<b>phongnv</b>.mbox", receive_time_known=False)
        )
    log_in(client, "reviewer")
    page = client.get(f"/messages/{message_id}").get_data(as_text=True)
    assert "nhập từ tệp /srv/export/&lt;b&gt;phongnv&lt;/b&gt;.mbox" in page
    assert "INBOX, UID" not in page  # no IMAP place to show
    assert "Không rõ giờ nhận (thư nhập từ tệp" in page
