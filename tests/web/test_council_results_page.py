"""`/council/results`: the staff see the council's results, run the assignment, record the
chair's verdict, and download the score sheets from /exports."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime

from docx import Document
from flask.testing import FlaskClient

from app import accounts, council
from app.root import Register
from store.accounts import list_events
from tests.store.register import store_message
from tests.web.conftest import csrf_token, log_in

PASSWORD = "hoi-dong-mk-4"
PATH = "/council/results"
HOSTILE = "Số hóa <script>alert(1)</script> một cửa"
SHEET_TITLE = "PHIẾU ĐÁNH GIÁ GIẢI PHÁP CÔNG NHẬN LÀ SÁNG KIẾN"


def one_initiative(register: Register) -> None:
    """One initiative of xa-an-co (a title with markup) and two members of other units."""
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 20, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("sk.docx", HOSTILE),),
    )
    for name in ("tam", "lan"):
        assert accounts.create(register, name, "council", PASSWORD, by="test").ok


def scored(register: Register) -> int:
    """The initiative assigned to tam and lan, both sheets submitted: 77 and 80."""
    one_initiative(register)
    done = council.assign(register, register.config.campaign, by="test")
    record = done.added[0].record_id
    for member, moi in (("tam", 27), ("lan", 30)):
        council.score(
            register,
            record,
            member,
            {"moi": moi, "ap-dung": 20, "hieu-qua": 30},
            submit=True,
            by=member,
        )
    return record


def page(client: FlaskClient, path: str = PATH) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_results_table_shows_each_members_score_the_mean_and_the_verdict(
    client: FlaskClient, register: Register
) -> None:
    record = scored(register)
    log_in(client, "viewer")
    shown = page(client)
    assert "Kết quả chấm của hội đồng" in shown
    assert "tam: 77" in shown and "lan: 80" in shown and "78.5" in shown
    [result] = council.results(register, register.config.campaign)
    assert result.outcome.verdict == "recognised" and result.outcome.explanation in shown
    assert "Công nhận" in shown and f">{record}</a>" in shown
    assert "Giao chấm" not in shown and "Ghi kết luận" not in shown  # a viewer only looks


def test_the_staff_menu_links_the_council_page_but_a_member_may_not_open_it(
    client: FlaskClient, register: Register
) -> None:
    one_initiative(register)
    log_in(client, "viewer")
    assert f'href="{PATH}"' in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "tam", PASSWORD)
    assert client.get(PATH).status_code == 403
    assert f'href="{PATH}"' not in client.get("/council").get_data(as_text=True)


def test_a_reviewer_runs_the_assignment_and_sees_how_many_were_added(
    client: FlaskClient, register: Register
) -> None:
    one_initiative(register)
    log_in(client, "reviewer")
    response = client.post(
        PATH + "/assign?campaign=2024", data={"csrf_token": csrf_token(client, PATH)}
    )
    assert response.status_code == 302
    shown = page(client, PATH + "?campaign=2024")
    assert "Đợt 2024: đã giao thêm 2 phiếu chấm." in shown
    assert "tam: chưa chấm" in shown and "lan: chưa chấm" in shown
    [result] = council.results(register, register.config.campaign)
    assert sorted(s.member for s in result.sheets) == ["lan", "tam"]
    with register.sessions.begin() as session:
        events, _ = list_events(session, limit=5)
    assert {(e.actor, e.action) for e in events[:2]} == {("reviewer", "council_assign")}


def test_an_initiative_short_of_scorers_is_named_in_the_flash(
    client: FlaskClient, register: Register
) -> None:
    one_initiative(register)
    assert accounts.set_disabled(register, "lan", True, by="test").ok  # one member left
    log_in(client, "reviewer")
    client.post(PATH + "/assign", data={"csrf_token": csrf_token(client, PATH)})
    shown = page(client)
    assert "đã giao thêm 1 phiếu chấm." in shown
    assert "Chưa đủ người chấm (thiếu thành viên ngoài đơn vị của sáng kiến):" in shown


def test_a_viewer_may_not_assign_or_decide_and_nothing_is_written(
    client: FlaskClient, register: Register
) -> None:
    one_initiative(register)
    log_in(client, "viewer")
    token = csrf_token(client, "/exports")
    assert client.post(PATH + "/assign", data={"csrf_token": token}).status_code == 403
    [before] = council.results(register, register.config.campaign)
    decided = client.post(
        PATH + "/decide",
        data={"csrf_token": token, "record_id": str(before.line.id), "verdict": "recognised"},
    )
    assert decided.status_code == 403
    [after] = council.results(register, register.config.campaign)
    assert after.sheets == () and after.decision is None


def test_the_chairs_verdict_is_recorded_and_overrides_the_scores(
    client: FlaskClient, register: Register
) -> None:
    record = scored(register)
    log_in(client, "reviewer")
    response = client.post(
        PATH + "/decide",
        data={
            "csrf_token": csrf_token(client, PATH),
            "record_id": str(record),
            "verdict": "not_recognised",
        },
    )
    assert response.status_code == 302
    shown = page(client)
    assert f"Sáng kiến {record}: không công nhận (chủ tịch quyết định)." in shown
    [result] = council.results(register, register.config.campaign)
    assert result.outcome.verdict == "not_recognised"
    assert result.decision is not None and result.decision.decided_by == "reviewer"


def test_an_unknown_verdict_or_initiative_is_refused_and_nothing_is_kept(
    client: FlaskClient, register: Register
) -> None:
    record = scored(register)
    log_in(client, "reviewer")
    token = csrf_token(client, PATH)
    client.post(
        PATH + "/decide", data={"csrf_token": token, "record_id": "99999", "verdict": "recognised"}
    )
    client.post(
        PATH + "/decide", data={"csrf_token": token, "record_id": str(record), "verdict": "maybe"}
    )
    shown = page(client)
    assert "Không có sáng kiến mã 99999; chưa ghi gì." in shown
    assert "Kết luận 'maybe' không có" in shown
    [result] = council.results(register, register.config.campaign)
    assert result.decision is None


def test_a_hostile_title_stays_text(client: FlaskClient, register: Register) -> None:
    scored(register)
    log_in(client, "reviewer")
    raw = client.get(PATH).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_the_score_sheets_download_is_one_sheet_per_assignment(
    client: FlaskClient, register: Register
) -> None:
    scored(register)
    log_in(client, "viewer")
    exports = client.get("/exports?campaign=2024").get_data(as_text=True)
    assert 'action="/exports/documents/phieu-danh-gia.docx"' in exports
    assert '<option value="tam">tam</option>' in exports
    response = client.get("/exports/documents/phieu-danh-gia.docx?campaign=2024")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="phieu-danh-gia-2024.docx"'
    )
    every = Document(io.BytesIO(response.data))
    assert [p.text for p in every.paragraphs].count(SHEET_TITLE) == 2
    one = client.get("/exports/documents/phieu-danh-gia.docx?campaign=2024&member=tam")
    tam = [p.text for p in Document(io.BytesIO(one.data)).paragraphs]
    assert tam.count(SHEET_TITLE) == 1 and "Họ và tên thành viên hội đồng: tam" in tam


def test_score_sheets_without_assignments_or_of_a_stranger_are_not_found(
    client: FlaskClient, register: Register
) -> None:
    one_initiative(register)
    log_in(client, "viewer")
    assert "Chưa có phiếu nào được giao chấm" in page(client, "/exports")
    assert client.get("/exports/documents/phieu-danh-gia.docx").status_code == 404
    council.assign(register, register.config.campaign, by="test")
    assert client.get("/exports/documents/phieu-danh-gia.docx?member=ai").status_code == 404
