"""`/initiatives`: staff read the council's initiatives and correct, tag, withdraw, merge and
split them through the same app.initiatives functions as `cchc-inbox initiative …`."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from flask.testing import FlaskClient

from app.initiatives import council_lines, initiative_detail
from app.root import Register
from tests.store.register import store_message
from tests.store.test_initiative_records import DESCRIPTION, OTHER, store
from tests.web.conftest import csrf_token, log_in

HOSTILE = "Số hóa <script>alert(1)</script> hồ sơ"


def ids(register: Register) -> dict[str, int]:
    """The listed initiatives' ids by title."""
    lines = council_lines(register, register.config.campaign)
    return {ln.title: ln.id for ln in lines if ln.id is not None}


def two_units_one_text(register: Register) -> dict[str, int]:
    """The same description sent by two units, and another initiative of xa-an-co."""
    store(
        register,
        1,
        "xa-an-co",
        "Số hóa hồ sơ một cửa",
        DESCRIPTION.format(unit="XÃ AN CƠ", number=1),
    )
    store(
        register,
        2,
        "xa-thai-binh",
        "Một cửa số hóa",
        DESCRIPTION.format(unit="XÃ THÁI BÌNH", number=7),
    )
    store(register, 3, "xa-an-co", "Tổ tự quản vệ sinh", OTHER)
    return ids(register)


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def section(shown: str, anchor: str) -> str:
    """Return the part of a page in its ``<section id=anchor>``."""
    return shown.split(f'id="{anchor}"')[1].split("</section>")[0]


def post(client: FlaskClient, path: str, data: dict[str, str], *, of: int) -> str:
    """Post a form of initiative ``of``'s page and return the page it leads back to."""
    token = csrf_token(client, f"/initiatives/{of}")
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/initiatives/{of}")
    return page(client, f"/initiatives/{of}")


def test_the_list_shows_each_initiative_with_its_tags_and_near_duplicate_badge(
    client: FlaskClient, register: Register
) -> None:
    made = two_units_one_text(register)
    log_in(client, "viewer")
    listing = page(client, "/initiatives")
    assert "Sáng kiến của đợt" in listing and 'aria-current="page">Sáng kiến<' in listing
    assert all(title in listing for title in made)
    assert "Cải cách thủ tục hành chính" in listing and "SIPAS" in listing
    # The two units' same text, each with the highest similarity; not the third.
    assert listing.count('<span class="badge late">Gần trùng 100%</span>') == 2


def test_the_detail_shows_evidence_near_duplicates_with_passages_and_the_message_link(
    client: FlaskClient, register: Register
) -> None:
    made = two_units_one_text(register)
    mine, theirs = made["Số hóa hồ sơ một cửa"], made["Một cửa số hóa"]
    log_in(client, "viewer")
    shown = page(client, f"/initiatives/{mine}")
    assert "Sáng kiến góp phần nâng cao chỉ số hài lòng của người dân (SIPAS)" in shown
    assert f'href="/initiatives/{theirs}"' in shown and "UBND xã Thái Bình" in shown
    assert "Người dân quét mã QR trên giấy hẹn" in shown  # a shared passage
    assert 'href="/messages/1"' in shown and "sang-kien-1.docx" in shown
    assert "Đánh dấu rút" not in shown  # a viewer sees no forms


def test_a_reviewer_corrects_title_authors_and_field_and_the_history_says_who(
    client: FlaskClient, register: Register
) -> None:
    record = two_units_one_text(register)["Tổ tự quản vệ sinh"]
    log_in(client, "reviewer")
    form = {"title": "Tổ tự quản môi trường", "authors": "Lê Văn C; Trần Thị D", "field": ""}
    after = post(client, f"/initiatives/{record}/edit", form, of=record)
    assert f"Đã sửa sáng kiến {record}." in after
    assert "Tổ tự quản môi trường" in after and "Lê Văn C; Trần Thị D" in after
    detail = initiative_detail(register, record)
    assert (detail.record.title, detail.record.authors) == (
        "Tổ tự quản môi trường",
        ("Lê Văn C", "Trần Thị D"),
    )
    # A field left empty keeps its value: only what was typed is kept and audited.
    assert [(e.what, e.edited_by) for e in detail.edits] == [
        ("title", "reviewer"),
        ("authors", "reviewer"),
    ]
    assert "Tên sáng kiến" in after.split("Lịch sử sửa")[1]


def test_a_reviewer_adds_and_removes_a_tag_and_a_bad_one_is_refused(
    client: FlaskClient, register: Register
) -> None:
    record = two_units_one_text(register)["Tổ tự quản vệ sinh"]
    log_in(client, "reviewer")
    added = post(client, f"/initiatives/{record}/tags/add", {"tag": "index:PAPI"}, of=record)
    assert f"Đã cập nhật nhãn của sáng kiến {record}." in added
    assert "Chỉ số: PAPI" in section(added, "tags")
    bad = post(client, f"/initiatives/{record}/tags/add", {"tag": "PAPI"}, of=record)
    assert "Nhãn 'PAPI' không hợp lệ" in bad
    removed = post(client, f"/initiatives/{record}/tags/remove", {"tag": "index:PAPI"}, of=record)
    assert "Chỉ số: PAPI" not in section(removed, "tags")
    assert initiative_detail(register, record).record.tags_removed == ("index:PAPI",)


def test_a_reviewer_withdraws_and_restores_and_the_list_marks_it(
    client: FlaskClient, register: Register
) -> None:
    record = two_units_one_text(register)["Tổ tự quản vệ sinh"]
    log_in(client, "reviewer")
    withdrawn = post(client, f"/initiatives/{record}/withdraw", {}, of=record)
    assert f"Sáng kiến {record} đã được đánh dấu rút." in withdrawn
    assert "Đã rút" in page(client, "/initiatives")
    restored = post(client, f"/initiatives/{record}/restore", {}, of=record)
    assert "lại có trong danh sách gửi hội đồng" in restored
    assert "Đã rút" not in page(client, "/initiatives")
    assert [e.after for e in initiative_detail(register, record).edits] == [True, None]


def test_a_reviewer_merges_into_a_record_of_the_same_unit_and_unmerges(
    client: FlaskClient, register: Register
) -> None:
    made = two_units_one_text(register)
    record, into = made["Tổ tự quản vệ sinh"], made["Số hóa hồ sơ một cửa"]
    other_unit = made["Một cửa số hóa"]
    log_in(client, "reviewer")
    options = page(client, f"/initiatives/{record}").split('name="into"')[1].split("</select>")[0]
    assert f'value="{into}"' in options and f'value="{other_unit}"' not in options
    refused = post(client, f"/initiatives/{record}/merge", {"into": str(other_unit)}, of=record)
    assert "của hai đơn vị khác nhau; chưa ghi gì." in refused
    merged = post(client, f"/initiatives/{record}/merge", {"into": str(into)}, of=record)
    assert f"Đã gộp sáng kiến {record} vào sáng kiến {into}." in merged
    assert initiative_detail(register, record).record.merged_into == into
    unmerged = post(client, f"/initiatives/{record}/unmerge", {}, of=record)
    assert f"Sáng kiến {record} lại là một dòng riêng." in unmerged
    assert initiative_detail(register, record).record.merged_into is None


def test_a_reviewer_splits_a_file_off_into_a_new_initiative_and_lands_on_it(
    client: FlaskClient, register: Register
) -> None:
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 1, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("mo-ta.docx", "Số hóa hồ sơ"), ("tu-danh-gia.docx", "Số hóa hồ sơ")),
    )
    [record] = ids(register).values()
    log_in(client, "reviewer")
    path = f"/initiatives/{record}"
    assert 'name="files" value="tu-danh-gia.docx"' in page(client, path)
    token = csrf_token(client, path)
    none = client.post(f"{path}/split", data={"csrf_token": token})
    assert none.headers["Location"].endswith(path)
    assert "cần chọn ít nhất một tệp" in page(client, path)
    done = client.post(f"{path}/split", data={"csrf_token": token, "files": "tu-danh-gia.docx"})
    [added] = [i for i in ids(register).values() if i != record]
    assert done.headers["Location"].endswith(f"/initiatives/{added}")
    shown = page(client, f"/initiatives/{added}")
    assert f"Đã tách sáng kiến {added} ra khỏi sáng kiến {record}." in shown
    assert f'Tách từ</dt><dd><a href="/initiatives/{record}">' in shown
    assert "tu-danh-gia.docx" in section(shown, "files")
    assert "tu-danh-gia.docx" not in section(page(client, path), "files")


def test_a_viewer_cannot_post_and_nothing_is_written(
    client: FlaskClient, register: Register
) -> None:
    record = two_units_one_text(register)["Tổ tự quản vệ sinh"]
    log_in(client, "viewer")
    token = csrf_token(client, "/initiatives")
    for action in ("withdraw", "edit", "merge", "unmerge", "tags/add", "split"):
        response = client.post(
            f"/initiatives/{record}/{action}", data={"csrf_token": token, "title": "X"}
        )
        assert response.status_code == 403, action
    assert initiative_detail(register, record).edits == ()


def test_an_unknown_initiative_is_404(client: FlaskClient, register: Register) -> None:
    log_in(client, "reviewer")
    assert client.get("/initiatives/999").status_code == 404


def test_a_hostile_title_and_evidence_stay_text(client: FlaskClient, register: Register) -> None:
    store(register, 1, "xa-an-co", HOSTILE, f"{HOSTILE}. Nâng cao chỉ số PAPI <img src=x>.")
    [record] = ids(register).values()
    log_in(client, "reviewer")
    for path in ("/initiatives", f"/initiatives/{record}"):
        raw = client.get(path).get_data(as_text=True)
        assert "<script>" not in raw and "<img src=x>" not in raw
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
