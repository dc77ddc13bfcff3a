"""What a message's search text keeps: every word once, and everything a search finds."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from parsers.documents import Extraction, ExtractStatus
from parsers.text import search_form
from store.browse import MessageFilter, list_messages, search_words
from store.db import SessionFactory
from store.models import Message
from store.write import AttachmentRecord, searchable
from tests.store.register import store_message

REPORT = (
    "Sáng kiến: Số hóa hồ sơ một cửa tại UBND xã Đồng Khởi.\n"
    "Hồ sơ một cửa được số hóa ngay khi tiếp nhận; người dân tra cứu hồ sơ bằng mã QR.\n"
    "Kết quả: 100% hồ sơ một cửa được số hóa, thời gian trả kết quả giảm 30%."
)


def document(filename: str, text: str) -> AttachmentRecord:
    return AttachmentRecord(
        filename=filename,
        content_type="application/pdf",
        size=len(text),
        sha256="0" * 64,
        is_document=True,
        extraction=Extraction(ExtractStatus.OK, text, ""),
        initiative=None,
        parent=None,
    )


def test_the_search_text_keeps_each_word_once_in_the_order_first_said() -> None:
    kept = searchable("Gửi sáng kiến", "vt@tayninh.gov.vn", "Văn thư", [document("sk.pdf", REPORT)])
    words = kept.split(" ")
    assert len(words) == len(set(words))
    assert words[:5] == ["gui", "sang", "kien", "vt@tayninh.gov.vn", "van"]
    assert kept.count("so hoa") == 1 and "hoa," in words  # a word keeps its punctuation
    assert set(words) == set(
        search_form(f"Gửi sáng kiến vt@tayninh.gov.vn Văn thư sk.pdf {REPORT}").split()
    )


# Letters, marks, digits, punctuation and spaces, as documents mix them.
TEXT = st.text(alphabet=st.sampled_from("aăâbđeêoôơuưyAĐ01 .,;:-/@\n\táàảãạ"), max_size=300)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, start=st.integers(0, 300), length=st.integers(1, 12))
def test_a_search_word_found_in_the_whole_text_is_found_in_the_search_text(
    text: str, start: int, length: int
) -> None:
    whole = search_form(f"Gửi a.pdf {text}")
    kept = searchable("Gửi", "", "", [document("a.pdf", text)])
    # A search's words are runs of word characters (store.browse.search_words); PostgreSQL
    # looks for each inside the text (LIKE), SQLite's FTS5 at a word's start.
    for word in search_words(whole[start : start + length]):
        assert (word in whole) == (word in kept), word
        assert {w for w in search_words(whole) if w.startswith(word)} == {
            w for w in search_words(kept) if w.startswith(word)
        }


def test_a_search_finds_a_message_by_words_said_once_or_many_times(
    sessions: SessionFactory,
) -> None:
    received = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)
    wanted = store_message(sessions, 1, received, subject="Gửi sáng kiến")
    store_message(sessions, 2, received, subject="Báo cáo quý III")
    kept = searchable("Gửi sáng kiến", "vt@tayninh.gov.vn", "Văn thư", [document("sk.pdf", REPORT)])
    with sessions.begin() as session:
        session.execute(update(Message).where(Message.id == wanted).values(search_text=kept))
    with sessions() as session:
        for query in ("một cửa", "HỒ SƠ số hóa", "ma qr", "dong khoi", "100", "tra cuu ho so"):
            page = list_messages(session, MessageFilter(text=query), limit=10)
            assert [row.id for row in page.rows] == [wanted], query
        assert list_messages(session, MessageFilter(text="hồ sơ lưu trữ"), limit=10).total == 0
