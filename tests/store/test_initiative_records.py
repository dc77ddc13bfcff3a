"""Initiative records: stable ids, staff's corrections that win, tags and near-duplicates,
on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.exports import report_file
from app.initiatives import (
    BadTag,
    MergeRefused,
    council_lines,
    edit_initiative,
    initiative_detail,
    merge_initiatives,
    tag_initiative,
    unmerge_initiative,
    withdraw_initiative,
)
from app.root import Register
from parsers.campaign import Campaign
from reports.initiatives import count_tags
from store.db import make_engine, make_session_factory, upgrade_schema
from store.initiatives import UnknownInitiative
from store.models import Attachment, Initiative, InitiativeRecord
from store.tallies import rebuild_unit_tallies
from tests.store.register import store_message

DESCRIPTION = (
    "ỦY BAN NHÂN DÂN\n{unit}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\nSố: {number}/BC-UBND\n"
    "BÁO CÁO MÔ TẢ SÁNG KIẾN\n1. Tên sáng kiến: Số hóa hồ sơ một cửa\n"
    "- Lĩnh vực áp dụng sáng kiến: cải cách thủ tục hành chính.\n"
    "Người dân quét mã QR trên giấy hẹn để biết hồ sơ đang ở khâu nào, cán bộ một cửa"
    " cập nhật tình trạng trên phần mềm mỗi ngày và trả kết quả đúng hạn.\n"
    "Sáng kiến góp phần nâng cao chỉ số hài lòng của người dân (SIPAS) và chỉ số PAPI.\n"
)
OTHER = (
    "1. Tên sáng kiến: Tổ tự quản vệ sinh môi trường\n"
    "Mỗi tổ nhận một đoạn đường, quét dọn và phân loại rác hằng tuần, báo cáo ban"
    " điều hành khu phố qua nhóm trực tuyến; chi phí do các hộ tự nguyện đóng góp.\n"
)


def campaign_of(register: Register) -> Campaign:
    return register.config.campaign


def store(
    register: Register,
    uid: int,
    unit: str,
    title: str,
    text: str,
    *,
    campaign: str = "2024",
    day: int = 1,
) -> int:
    message = store_message(
        register.sessions,
        uid,
        datetime(2024, 6, day, 2, tzinfo=UTC),
        unit,
        files=((f"sang-kien-{uid}.docx", title),),
        campaign=campaign,
    )
    with register.sessions.begin() as session:
        session.execute(
            update(Attachment).where(Attachment.message_id == message).values(text=text)
        )
    return message


def test_every_initiative_gets_an_id_that_survives_a_tally_rebuild_and_another_listing(
    register: Register,
) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION)
    store(register, 2, "xa-thai-binh", "Tổ tự quản vệ sinh", OTHER)
    first = {ln.unit_code: ln.id for ln in council_lines(register, campaign_of(register))}
    assert None not in first.values() and len(set(first.values())) == 2
    with register.sessions.begin() as session:
        rebuild_unit_tallies(session)
    again = {ln.unit_code: ln.id for ln in council_lines(register, campaign_of(register))}
    assert again == first
    with register.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InitiativeRecord)) == 2


def test_a_corrected_title_and_authors_win_over_the_values_read_again_and_are_audited(
    register: Register,
) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION)
    [line] = council_lines(register, campaign_of(register))
    assert line.id is not None
    edit_initiative(
        register,
        line.id,
        title="Số hóa hồ sơ một cửa cấp xã",
        authors=["Lê Văn C", "Trần Thị D"],
        field=None,
        by="lan",
    )
    # Read again (reprocess): another title of the same key, other authors.
    with register.sessions.begin() as session:
        session.execute(update(Initiative).values(title="SỐ HÓA HỒ SƠ MỘT CỬA", authors=["X"]))
    [again] = council_lines(register, campaign_of(register))
    assert (again.id, again.title, again.authors) == (
        line.id,
        "Số hóa hồ sơ một cửa cấp xã",
        ("Lê Văn C", "Trần Thị D"),
    )
    assert again.field == "Cải cách thủ tục hành chính"  # not corrected: as read
    detail = initiative_detail(register, line.id)
    assert [(e.what, e.before, e.after, e.edited_by) for e in detail.edits] == [
        ("title", None, "Số hóa hồ sơ một cửa cấp xã", "lan"),
        ("authors", None, ["Lê Văn C", "Trần Thị D"], "lan"),
    ]


def test_a_withdrawn_initiative_is_marked_and_left_out_of_the_council_s_csv(
    register: Register,
) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION)
    store(register, 2, "xa-thai-binh", "Tổ tự quản vệ sinh", OTHER)
    lines = council_lines(register, campaign_of(register))
    gone = next(ln for ln in lines if ln.unit_code == "xa-an-co")
    assert gone.id is not None
    withdraw_initiative(register, gone.id, by="lan")
    withdraw_initiative(register, gone.id, by="hoa")  # a second time changes nothing
    marked = {ln.unit_code: ln.withdrawn for ln in council_lines(register, campaign_of(register))}
    assert marked == {"xa-an-co": True, "xa-thai-binh": False}
    csv = report_file(register, "initiatives", "csv", campaign_of(register)).data.decode()
    assert "Tổ tự quản vệ sinh" in csv and "Số hóa hồ sơ một cửa" not in csv
    detail = initiative_detail(register, gone.id)
    assert detail.record.withdrawn_by == "lan" and len(detail.edits) == 1


def test_an_unknown_id_is_refused_and_nothing_is_written(register: Register) -> None:
    with pytest.raises(UnknownInitiative):
        edit_initiative(register, 999, title="X", authors=None, field=None, by="lan")
    with pytest.raises(UnknownInitiative):
        withdraw_initiative(register, 999, by="lan")
    with pytest.raises(UnknownInitiative):
        initiative_detail(register, 999)
    with register.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InitiativeRecord)) == 0


def test_tags_are_read_from_the_document_text_and_staff_edit_them(register: Register) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION)
    [line] = council_lines(register, campaign_of(register))
    assert [t.label for t in line.tags] == [
        "field:Cải cách thủ tục hành chính",
        "index:SIPAS",
        "index:PAPI",
    ]
    assert line.tags[0].evidence == "- Lĩnh vực áp dụng sáng kiến: cải cách thủ tục hành chính."
    assert line.id is not None
    tag_initiative(register, line.id, add=["index:pci"], remove=["index:SIPAS"], by="lan")
    with pytest.raises(BadTag):
        tag_initiative(register, line.id, add=["PCI"], remove=[], by="lan")
    [tagged] = council_lines(register, campaign_of(register))
    assert [t.label for t in tagged.tags] == [
        "field:Cải cách thủ tục hành chính",
        "index:PAPI",
        "index:PCI",
    ]
    assert count_tags([tagged])["index"] == {"PAPI": 1, "PCI": 1}


def test_the_same_text_from_two_units_and_in_a_later_campaign_is_flagged_with_its_similarity(
    register: Register,
) -> None:
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
        "Số hóa hồ sơ",
        DESCRIPTION.format(unit="XÃ THÁI BÌNH", number=7),
    )
    store(register, 3, "xa-tri-binh", "Tổ tự quản vệ sinh", OTHER)
    store(register, 4, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION, campaign="2025", day=2)
    lines = {ln.unit_code: ln for ln in council_lines(register, campaign_of(register))}
    similar = {(s.unit, s.campaign) for s in lines["xa-an-co"].similar}
    assert similar == {("xa-thai-binh", "2024"), ("xa-an-co", "2025")}
    assert all(0.5 <= s.similarity <= 1 for s in lines["xa-an-co"].similar)
    passages = lines["xa-an-co"].similar[0].passages
    assert passages[0].startswith("Người dân quét mã QR trên giấy hẹn")
    assert lines["xa-tri-binh"].similar == ()


def test_a_list_made_again_is_the_same_and_a_text_read_again_gives_its_new_tags_and_pairs(
    register: Register,
) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ", DESCRIPTION.format(unit="XÃ AN CƠ", number=1))
    copy = store(
        register, 2, "xa-thai-binh", "Số hóa", DESCRIPTION.format(unit="XÃ THÁI BÌNH", number=7)
    )
    # Another campaign's line is indexed, never tagged.
    store(register, 3, "xa-tri-binh", "Tổ tự quản", OTHER, campaign="2025", day=2)
    first = council_lines(register, campaign_of(register))
    kept = (len(register.memos.signatures), len(register.memos.tags))
    assert kept == (3, 2)
    assert council_lines(register, campaign_of(register)) == first
    assert (len(register.memos.signatures), len(register.memos.tags)) == kept
    assert [len(line.similar) for line in first] == [1, 1]
    # The copy is read again (``reprocess``) and now says something else.
    with register.sessions.begin() as session:
        session.execute(update(Attachment).where(Attachment.message_id == copy).values(text=OTHER))
    lines = {ln.unit_code: ln for ln in council_lines(register, campaign_of(register))}
    # Only the field the initiative was filed under is left: no index, no sentence of it.
    assert [(t.label, t.evidence) for t in lines["xa-thai-binh"].tags] == [
        ("field:Cải cách thủ tục hành chính", "Cải cách thủ tục hành chính")
    ]
    assert "index:SIPAS" in [t.label for t in lines["xa-an-co"].tags]
    assert [(s.unit, s.campaign) for s in lines["xa-thai-binh"].similar] == [
        ("xa-tri-binh", "2025")
    ]
    assert lines["xa-an-co"].similar == ()


def test_the_migration_gives_the_initiatives_counted_before_it_an_id(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine, "0011_campaigns")
    sessions = make_session_factory(engine)
    store_message(sessions, 1, datetime(2024, 6, 1, 2, tzinfo=UTC), "xa-an-co")
    store_message(sessions, 2, datetime(2024, 6, 2, 2, tzinfo=UTC), "xa-thai-binh")
    upgrade_schema(engine)
    with sessions() as session:
        kept = session.execute(
            select(InitiativeRecord.unit_code, InitiativeRecord.key).order_by(InitiativeRecord.id)
        ).all()
    engine.dispose()
    assert [tuple(k) for k in kept] == [
        ("xa-an-co", "số hóa hồ sơ"),
        ("xa-thai-binh", "số hóa hồ sơ"),
    ]


def test_two_records_of_one_initiative_are_merged_into_one_line_and_split_again(
    register: Register,
) -> None:
    store(register, 1, "xa-an-co", "Số hóa hồ sơ một cửa", DESCRIPTION, day=1)
    store(register, 2, "xa-an-co", "Số hoá hồ sơ 1 cửa (bản sửa)", DESCRIPTION, day=5)
    store(register, 3, "xa-thai-binh", "Tổ tự quản vệ sinh", OTHER)
    lines = council_lines(register, campaign_of(register))
    first, second = (ln for ln in lines if ln.unit_code == "xa-an-co")
    other = next(ln for ln in lines if ln.unit_code == "xa-thai-binh")
    assert first.id and second.id and other.id
    merge_initiatives(register, second.id, first.id, by="lan")
    [merged] = [
        ln for ln in council_lines(register, campaign_of(register)) if ln.unit_code == "xa-an-co"
    ]
    assert (merged.id, merged.title, merged.merged) == (first.id, first.title, (second.id,))
    assert merged.filenames == ("sang-kien-1.docx", "sang-kien-2.docx")
    assert merged.received_at == first.received_at
    with pytest.raises(MergeRefused) as refused:
        merge_initiatives(register, other.id, first.id, by="lan")
    assert refused.value.reason == "other_unit"
    with pytest.raises(MergeRefused):
        merge_initiatives(register, first.id, first.id, by="lan")
    unmerge_initiative(register, second.id, by="lan")
    again = [
        ln.id for ln in council_lines(register, campaign_of(register)) if ln.unit_code == "xa-an-co"
    ]
    assert again == [first.id, second.id]
    edits = initiative_detail(register, second.id).edits
    assert [(e.what, e.before, e.after) for e in edits] == [
        ("merged_into", None, first.id),
        ("merged_into", first.id, None),
    ]
