"""The memo of values derived from texts: bounded, least recently used forgotten first."""

from __future__ import annotations

import threading

import pytest

from parsers.memo import Memo, digest_of


def test_the_least_recently_used_value_is_forgotten_past_the_size() -> None:
    memo: Memo[str] = Memo(size=2)
    memo.put(b"a", "A")
    memo.put(b"b", "B")
    assert memo.get(b"a") == "A"  # now b is the least recently used
    memo.put(b"c", "C")
    assert (memo.get(b"a"), memo.get(b"b"), memo.get(b"c")) == ("A", None, "C")
    assert len(memo) == 2


def test_a_value_put_again_replaces_the_one_kept() -> None:
    memo: Memo[int] = Memo(size=3)
    memo.put(b"k", 1)
    memo.put(b"k", 2)
    assert memo.get(b"k") == 2 and len(memo) == 1


def test_a_memo_of_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Memo(size=0)


def test_digests_tell_apart_parts_cut_in_other_places_and_equal_texts_agree() -> None:
    assert digest_of("ab", "c") != digest_of("a", "bc")
    assert digest_of("", "x") != digest_of("x")
    assert digest_of("Hòa", "văn bản") == digest_of("Hòa", "văn bản")
    assert len(digest_of("a")) == 16
    # A lone surrogate (text from a broken document) is digested, not refused.
    assert digest_of("\ud800") != digest_of("")


def test_threads_sharing_a_memo_never_keep_more_than_its_size() -> None:
    memo: Memo[int] = Memo(size=50)

    def work(offset: int) -> None:
        for n in range(2000):
            key = digest_of(str(offset + n % 120))
            if memo.get(key) is None:
                memo.put(key, n)

    threads = [threading.Thread(target=work, args=(k * 40,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memo) == 50
