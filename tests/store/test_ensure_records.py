"""ensure_records: one record per (campaign, unit, key), added once, never another's."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import SessionFactory
from store.initiatives import ensure_records
from store.models import InitiativeRecord


def test_records_are_added_once_and_keep_their_ids_in_a_later_listing(
    sessions: SessionFactory,
) -> None:
    pairs = [("xa-an-co", "so hoa ho so"), ("xa-an-co", "file:bao-cao.pdf"), ("ubnd", "qr")]
    with sessions.begin() as session:
        first = ensure_records(session, "2024", pairs)
    with sessions.begin() as session:
        # Given twice, in another order, with one more: the same ids and one new record.
        again = ensure_records(session, "2024", [*reversed(pairs), pairs[0], ("ubnd", "moi")])
        count = session.scalar(select(func.count()).select_from(InitiativeRecord))
    assert sorted(first) == sorted(pairs)
    assert {pair: first[pair].id for pair in pairs} == {pair: again[pair].id for pair in pairs}
    assert set(again) == {*pairs, ("ubnd", "moi")}
    assert again[("ubnd", "moi")].id not in {row.id for row in first.values()}
    assert count == 4
    assert all(
        row.campaign == "2024" and (row.unit, row.key) == pair for pair, row in again.items()
    )


def test_only_the_pairs_asked_for_are_returned_and_never_another_campaign_s(
    sessions: SessionFactory,
) -> None:
    with sessions.begin() as session:
        old = ensure_records(session, "2023", [("xa-an-co", "qr"), ("xa-an-co", "cu")])
        new = ensure_records(session, "2024", [("xa-an-co", "qr")])
        # Kept, but not asked for: not returned.
        ensure_records(session, "2024", [("xa-an-co", "khac")])
        asked = ensure_records(session, "2024", [("xa-an-co", "qr")])
        none = ensure_records(session, "2024", [])
    assert asked == new
    assert set(asked) == {("xa-an-co", "qr")}
    assert asked[("xa-an-co", "qr")].id != old[("xa-an-co", "qr")].id
    assert asked[("xa-an-co", "qr")].campaign == "2024"
    assert none == {}


def test_a_listing_of_more_records_than_one_statement_takes_adds_them_all(
    sessions: SessionFactory,
) -> None:
    pairs = [(f"xa-{n % 7}", f"sang kien {n}") for n in range(701)]
    with sessions.begin() as session:
        ensure_records(session, "2024", pairs[:250])
        found = ensure_records(session, "2024", pairs)
    assert set(found) == set(pairs)
    assert len({row.id for row in found.values()}) == 701
