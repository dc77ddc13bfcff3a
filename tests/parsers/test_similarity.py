"""Near-duplicate documents: normalised text, shingles, and a generated set with known pairs."""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.similarity import generate, score
from parsers import similarity
from parsers.memo import Memo
from parsers.similarity import (
    FLAG_AT,
    Signature,
    SimilarityIndex,
    jaccard,
    name_forms,
    names_pattern,
    normalise_body,
    shared_passages,
    shingles,
)
from parsers.text import fold_tone_style, nfc

BODY = (
    "1. Tên sáng kiến: Ứng dụng mã QR tra cứu hồ sơ thủ tục hành chính\n"
    "2. Nội dung: người dân quét mã QR trên giấy hẹn để biết hồ sơ đang ở khâu nào,"
    " cán bộ một cửa cập nhật tình trạng trên phần mềm mỗi ngày.\n"
    "3. Hiệu quả: giảm số lần người dân đến hỏi, tiết kiệm thời gian đi lại và"
    " nâng cao sự hài lòng của người dân đối với cơ quan hành chính nhà nước.\n"
)


def header(unit: str, number: str, day: str) -> str:
    return (
        f"ỦY BAN NHÂN DÂN\n{unit.upper()}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        f"Độc lập - Tự do - Hạnh phúc\nSố: {number}/BC-UBND\n"
        f"An Cơ, ngày {day} tháng 6 năm 2024\nKính gửi: Phòng Nội vụ\n"
    )


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("UBND xã An Cơ", ("UBND xã An Cơ", "an cơ")),
        ("UBND thị trấn Châu Thành", ("UBND thị trấn Châu Thành", "châu thành")),
        ("Phòng Tư pháp", ("Phòng Tư pháp", "tư pháp")),
        ("Huyện đoàn", ("Huyện đoàn",)),
    ],
)
def test_a_unit_name_is_removed_with_its_core(name: str, forms: tuple[str, ...]) -> None:
    assert name_forms(name) == forms


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Another header: number, date, unit.
        (header("xã An Cơ", "12", "3") + BODY, header("xã Trí Bình", "40", "20") + BODY),
        # The old tone style and decomposed text.
        (BODY.replace("hòa", "hoà"), unicodedata.normalize("NFD", BODY)),
        # Another unit's name inside the text.
        (BODY + "Áp dụng tại xã An Cơ.", BODY + "Áp dụng tại xã Trí Bình."),
    ],
)
def test_what_does_not_say_what_the_initiative_is_is_not_compared(first: str, second: str) -> None:
    names = [*name_forms("UBND xã An Cơ"), *name_forms("UBND xã Trí Bình")]
    assert normalise_body(first, names) == normalise_body(second, names)


def test_reordered_sections_stay_above_the_flag() -> None:
    parts = BODY.splitlines()
    reordered = "\n".join([parts[0], parts[2], parts[1]])
    score_ = jaccard(shingles(normalise_body(BODY)), shingles(normalise_body(reordered)))
    assert FLAG_AT < score_ < 1


def test_the_index_flags_a_copy_sent_by_another_unit_and_not_a_different_initiative() -> None:
    other = (
        "1. Tên sáng kiến: Tổ tự quản vệ sinh môi trường khu phố\n"
        "2. Nội dung: mỗi tổ nhận một đoạn đường, quét dọn và phân loại rác hằng tuần,"
        " báo cáo ban điều hành khu phố bằng nhóm trực tuyến.\n"
    )
    index: SimilarityIndex[str] = SimilarityIndex(names=name_forms("UBND xã Trí Bình"))
    index.add_many(
        [
            ("an-co", header("xã An Cơ", "12", "3") + BODY),
            ("tri-binh", header("xã Trí Bình", "40", "20") + BODY),
            ("other", other),
            ("short", "Kính gửi: Phòng Nội vụ"),
        ]
    )
    [pair] = index.pairs()
    assert (pair.first, pair.second, pair.similarity) == ("an-co", "tri-binh", 1.0)
    assert index.similar_to("other") == [] and index.similar_to("short") == []


@pytest.mark.parametrize("seed", [1, 2])
def test_a_generated_set_with_known_pairs_meets_the_precision_and_recall_targets(
    seed: int,
) -> None:
    generated = generate(documents=300, pairs=40, seed=seed)
    result = score(generated)
    assert result.precision >= 0.95
    assert result.recall >= 0.9


def test_the_passages_both_copies_have_are_shown_longest_first() -> None:
    copy = header("xã Trí Bình", "40", "20") + BODY.replace("hòa", "hoà") + "Một câu ngắn thêm vào."
    names = [*name_forms("UBND xã An Cơ"), *name_forms("UBND xã Trí Bình")]
    passages = shared_passages(header("xã An Cơ", "12", "3") + BODY, copy, names)
    assert passages == (
        "3. Hiệu quả: giảm số lần người dân đến hỏi, tiết kiệm thời gian đi lại và nâng cao sự hài lòng của người dân đối với cơ quan hành chính nhà nước.",
        "2. Nội dung: người dân quét mã QR trên giấy hẹn để biết hồ sơ đang ở khâu nào, cán bộ một cửa cập nhật tình trạng trên phần mềm mỗi ngày.",
        "1. Tên sáng kiến: Ứng dụng mã QR tra cứu hồ sơ thủ tục hành chính",
    )


@pytest.mark.parametrize(
    ("names", "text", "expected"),
    [
        # The longest name at a position wins, whatever the order the names come in.
        (["an", "an cơ", "an cơ bắc"], "xã an cơ bắc và an cơ nam", "xã   và   nam"),
        (["an cơ bắc", "an", "an cơ"], "an cơ bắ", "  bắ"),
        # Leftmost first: a name that starts earlier wins over a longer one that overlaps it.
        (["ab", "bcde"], "abcde", " cde"),
        # Names are literal text, not patterns.
        (["p. tư pháp (cũ)", "a+b"], "p. tư pháp (cũ) a+b aab p- tư pháp", "    aab p- tư pháp"),
        # Old tone style and capitals in a name are those of the normalised text.
        (["Xã Hoà Thành"], "xã hòa thành", " "),
    ],
)
def test_names_pattern_prefers_the_longest_name_at_a_position(
    names: list[str], text: str, expected: str
) -> None:
    pattern = names_pattern(names)
    assert pattern is not None and pattern.sub(" ", text) == expected


def _alternation(names: list[str]) -> re.Pattern[str]:
    forms = {fold_tone_style(nfc(n)).casefold().strip() for n in names if n.strip()}
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


@given(
    st.lists(st.text(alphabet="abc ơờ.", min_size=1, max_size=5), min_size=1, max_size=12),
    st.text(alphabet="abc ơờ.x", max_size=40),
)
def test_names_pattern_finds_what_the_alternation_of_the_names_longest_first_finds(
    names: list[str], text: str
) -> None:
    pattern = names_pattern(names)
    if pattern is None:
        assert not any(n.strip() for n in names)
    else:
        assert pattern.sub("|", text) == _alternation(names).sub("|", text)


def _blake32(run: str) -> int:
    return int.from_bytes(blake2b(run.encode(), digest_size=4).digest(), "little")


@pytest.mark.parametrize(
    ("body", "runs"),
    [
        ("một hai ba bốn", ["một hai ba", "hai ba bốn"]),
        # A run met twice is one shingle.
        ("a b c a b c", ["a b c", "b c a", "c a b"]),
        # Fewer words than a shingle: the words are the one shingle.
        ("  hai   từ ", ["hai từ"]),
        ("", []),
    ],
)
def test_a_shingle_is_the_little_endian_32_bit_blake2_of_its_words(
    body: str, runs: list[str]
) -> None:
    assert shingles(body) == frozenset(_blake32(run) for run in runs)


def test_shingles_of_other_sizes_are_runs_of_that_many_words() -> None:
    assert shingles("a b c", size=1) == frozenset(map(_blake32, "abc"))
    assert shingles("a b c", size=2) == frozenset(map(_blake32, ["a b", "b c"]))


def _flagged(index: SimilarityIndex[int]) -> list[tuple[int, int, float]]:
    return [(p.first, p.second, p.similarity) for p in index.pairs()]


def test_an_index_with_a_memo_flags_what_one_without_it_flags_in_the_same_order() -> None:
    generated = generate(documents=120, pairs=20, seed=3)
    names = [*name_forms("UBND xã An Cơ"), *name_forms("UBND xã Trí Bình")]
    plain: SimilarityIndex[int] = SimilarityIndex(names=names)
    plain.add_many(generated.documents)
    memo: Memo[Signature] = Memo()
    # The memo holds every other document's signature first: hits and misses interleave.
    SimilarityIndex(names=names, memo=memo).add_many(generated.documents[::2])
    assert len(memo) == 60
    cached: SimilarityIndex[int] = SimilarityIndex(names=names, memo=memo)
    cached.add_many(generated.documents)
    assert len(memo) == 120
    assert _flagged(cached) == _flagged(plain)
    assert len(_flagged(plain)) >= 18


def test_a_text_indexed_before_is_not_shingled_again_unless_it_has_a_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = header("xã Trí Bình", "40", "20") + BODY
    other = "Một sáng kiến khác hẳn: tổ tự quản quét dọn đường làng và phân loại rác mỗi tuần."
    documents = [(1, header("xã An Cơ", "12", "3") + BODY), (2, copy), (3, other * 3)]
    memo: Memo[Signature] = Memo()
    SimilarityIndex(names=name_forms("UBND xã Trí Bình"), memo=memo).add_many(documents)
    made: list[str] = []
    real = similarity.normalise_body

    def counted(text: str, names: object = ()) -> str:
        made.append(text)
        return real(text, names)  # type: ignore[arg-type]

    monkeypatch.setattr(similarity, "normalise_body", counted)
    again: SimilarityIndex[int] = SimilarityIndex(names=name_forms("UBND xã Trí Bình"), memo=memo)
    again.add_many(documents)
    assert made == []
    assert again.similar_to(3) == []
    assert made == []  # no candidate: nothing to score
    [pair] = again.similar_to(1)
    assert (pair.second, pair.similarity) == (2, 1.0)
    assert sorted(made) == sorted([documents[0][1], copy])


def test_a_changed_text_or_other_names_are_indexed_anew() -> None:
    memo: Memo[Signature] = Memo()
    first: SimilarityIndex[int] = SimilarityIndex(names=name_forms("UBND xã An Cơ"), memo=memo)
    first.add_many([(1, BODY)])
    # Another roster removes other names: another key.
    SimilarityIndex(names=name_forms("UBND xã Trí Bình"), memo=memo).add_many([(1, BODY)])
    assert len(memo) == 2
    changed: SimilarityIndex[int] = SimilarityIndex(names=name_forms("UBND xã An Cơ"), memo=memo)
    changed.add_many([(1, BODY + "4. Kinh phí: không phát sinh."), (2, BODY)])
    assert len(memo) == 3
    [pair] = changed.similar_to(2)
    assert pair.second == 1 and pair.similarity < 1.0
