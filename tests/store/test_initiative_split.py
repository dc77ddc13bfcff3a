"""Splitting an initiative record that is really two: its files go to a new record whose
id holds across another listing and a tally rebuild, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.initiatives import (
    SplitRefused,
    council_lines,
    initiative_detail,
    merge_initiatives,
    split_initiative,
    split_refusal,
)
from app.root import Register
from reports.initiatives import InitiativeLine
from store.initiatives import UnknownInitiative
from store.models import Initiative, InitiativeEdit, InitiativeRecord
from store.tallies import rebuild_unit_tallies
from tests.store.register import store_message

TITLE = "Số hóa hồ sơ một cửa"


def lines(register: Register) -> dict[int, InitiativeLine]:
    return {ln.id or 0: ln for ln in council_lines(register, register.config.campaign)}


def one_mail_two_files(register: Register) -> int:
    """One mail whose two documents are both read under one title: one record."""
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 1, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("mo-ta.docx", TITLE), ("tu-danh-gia.docx", TITLE)),
    )
    [only] = lines(register)
    return only


def test_a_file_split_off_is_a_record_of_its_own_that_keeps_its_id(
    register: Register,
) -> None:
    first = one_mail_two_files(register)
    added = split_initiative(register, first, ["tu-danh-gia.docx"], by="lan")
    assert (added.split_from, added.split_files, added.unit) == (
        first,
        ("tu-danh-gia.docx",),
        "xa-an-co",
    )
    listed = lines(register)
    assert {i: ln.filenames for i, ln in listed.items()} == {
        first: ("mo-ta.docx",),
        added.id: ("tu-danh-gia.docx",),
    }
    assert listed[added.id].sources == ((1, "tu-danh-gia.docx"),)
    with register.sessions.begin() as session:
        rebuild_unit_tallies(session)
    assert {i: ln.filenames for i, ln in lines(register).items()} == {
        first: ("mo-ta.docx",),
        added.id: ("tu-danh-gia.docx",),
    }
    edits = initiative_detail(register, first).edits
    assert [(e.what, e.after, e.edited_by) for e in edits] == [
        ("split", {"into": added.id, "files": ["tu-danh-gia.docx"]}, "lan")
    ]
    assert [(e.what, e.after) for e in initiative_detail(register, added.id).edits] == [
        ("split_from", first)
    ]


def test_a_resubmission_under_the_same_title_split_off_keeps_its_own_receipt(
    register: Register,
) -> None:
    for uid, day, name in ((1, 1, "cu.docx"), (2, 20, "khac.docx")):
        store_message(
            register.sessions,
            uid,
            datetime(2024, 6, day, 2, tzinfo=UTC),
            "xa-an-co",
            files=((name, TITLE),),
        )
    [first] = lines(register)
    added = split_initiative(register, first, ["khac.docx"], by="lan")
    listed = lines(register)
    assert listed[first].received_at == datetime(2024, 6, 1, 2, tzinfo=UTC)
    assert listed[first].sources == ((1, "cu.docx"),)
    assert listed[added.id].received_at == datetime(2024, 6, 20, 2, tzinfo=UTC)
    assert listed[added.id].sources == ((2, "khac.docx"),)


def test_a_split_record_split_again_gives_the_new_one_its_files(register: Register) -> None:
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 1, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("a.docx", TITLE), ("b.docx", TITLE), ("c.docx", TITLE)),
    )
    [first] = lines(register)
    second = split_initiative(register, first, ["b.docx", "c.docx"], by="lan")
    third = split_initiative(register, second.id, ["c.docx"], by="lan")
    assert third.split_from == first and third.key == f"split:{first}:2"
    assert {i: ln.filenames for i, ln in lines(register).items()} == {
        first: ("a.docx",),
        second.id: ("b.docx",),
        third.id: ("c.docx",),
    }


@pytest.mark.parametrize(
    ("files", "reason", "text"),
    [
        (["khong-co.pdf"], "unknown_file", "không có tệp khong-co.pdf; chưa ghi gì."),
        (["mo-ta.docx", "tu-danh-gia.docx"], "all_files", "ít nhất một tệp; chưa ghi gì."),
        ([" "], "no_files", "cần chọn ít nhất một tệp"),
    ],
)
def test_a_split_of_no_file_every_file_or_another_s_file_is_refused_writing_nothing(
    register: Register, files: list[str], reason: str, text: str
) -> None:
    first = one_mail_two_files(register)
    with pytest.raises(SplitRefused) as refused:
        split_initiative(register, first, files, by="lan")
    assert refused.value.reason == reason and text in split_refusal(refused.value, first)
    with register.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InitiativeEdit)) == 0
        assert session.scalar(select(func.count()).select_from(InitiativeRecord)) == 1


def test_splitting_an_unknown_id_is_refused(register: Register) -> None:
    with pytest.raises(UnknownInitiative):
        split_initiative(register, 999, ["a.docx"], by="lan")


def test_a_split_holds_when_the_documents_are_read_again_under_the_same_title(
    register: Register,
) -> None:
    first = one_mail_two_files(register)
    added = split_initiative(register, first, ["tu-danh-gia.docx"], by="lan")
    # reprocess: the documents read again, the title in another case and tone style.
    with register.sessions.begin() as session:
        session.execute(update(Initiative).values(title="SỐ HOÁ HỒ SƠ MỘT CỬA"))
        rebuild_unit_tallies(session)
    assert {i: ln.filenames for i, ln in lines(register).items()} == {
        first: ("mo-ta.docx",),
        added.id: ("tu-danh-gia.docx",),
    }


def test_a_record_others_are_merged_into_is_not_split_until_unmerged(
    register: Register,
) -> None:
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 1, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("a.docx", TITLE), ("b.docx", TITLE), ("c.docx", "Tổ tự quản vệ sinh")),
    )
    by_file = {ln.filenames[0]: i for i, ln in lines(register).items()}
    merge_initiatives(register, by_file["c.docx"], by_file["a.docx"], by="lan")
    with pytest.raises(SplitRefused) as refused:
        split_initiative(register, by_file["a.docx"], ["b.docx"], by="lan")
    assert "hãy bỏ gộp trước" in split_refusal(refused.value, by_file["a.docx"])
