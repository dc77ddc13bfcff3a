from __future__ import annotations

from datetime import date

import pytest

from parsers.campaign import Campaign
from parsers.periods import Every, Recurrence, expand, periods

TEMPLATE = Campaign(
    "Báo cáo CCHC {period}",
    date(2024, 1, 1),
    date(2024, 1, 1),
    "Asia/Ho_Chi_Minh",
    code="bc-quy",
    keywords=("báo cáo CCHC",),
)


def test_a_year_of_quarters_due_on_the_fifteenth_of_their_last_month() -> None:
    found = expand(TEMPLATE, Recurrence(Every.QUARTER, date(2024, 1, 1), date(2024, 12, 31), 15))
    assert [(c.code, c.name, c.opens, c.closes) for c in found] == [
        ("bc-quy-2024-q1", "Báo cáo CCHC quý I/2024", date(2024, 1, 1), date(2024, 3, 15)),
        ("bc-quy-2024-q2", "Báo cáo CCHC quý II/2024", date(2024, 4, 1), date(2024, 6, 15)),
        ("bc-quy-2024-q3", "Báo cáo CCHC quý III/2024", date(2024, 7, 1), date(2024, 9, 15)),
        ("bc-quy-2024-q4", "Báo cáo CCHC quý IV/2024", date(2024, 10, 1), date(2024, 12, 15)),
    ]
    assert {c.series for c in found} == {"bc-quy"}
    assert found[1].period_terms == ("quý II", "quý 2")
    assert all(c.keywords == ("báo cáo CCHC",) for c in found)


def test_periods_begin_with_the_one_that_holds_the_first_day_and_end_with_the_one_that_holds_until() -> (
    None
):
    found = periods(Recurrence(Every.QUARTER, date(2024, 5, 20), date(2025, 1, 2)))
    assert [p.suffix for p in found] == ["2024-q2", "2024-q3", "2024-q4", "2025-q1"]


def test_without_a_due_day_a_period_is_due_on_its_last_day() -> None:
    found = periods(Recurrence(Every.MONTH, date(2024, 1, 1), date(2024, 3, 1)))
    assert [p.due for p in found] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


def test_a_due_day_past_the_end_of_a_short_month_is_its_last_day() -> None:
    found = periods(Recurrence(Every.MONTH, date(2025, 2, 1), date(2025, 4, 1), due_day=31))
    assert [p.due for p in found] == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]


@pytest.mark.parametrize(
    ("every", "start", "label", "suffix", "terms"),
    [
        (Every.MONTH, date(2024, 5, 1), "tháng 5/2024", "2024-05", ("tháng 5", "tháng 05")),
        (Every.QUARTER, date(2024, 10, 1), "quý IV/2024", "2024-q4", ("quý IV", "quý 4")),
        (Every.YEAR, date(2025, 1, 1), "năm 2025", "2025", ("năm 2025",)),
    ],
)
def test_each_period_is_labelled_coded_and_named_as_people_write_it(
    every: Every, start: date, label: str, suffix: str, terms: tuple[str, ...]
) -> None:
    [period] = periods(Recurrence(every, start, start))
    assert (period.start, period.label, period.suffix, period.terms) == (
        start,
        label,
        suffix,
        terms,
    )


def test_a_name_without_the_placeholder_gets_the_period_appended() -> None:
    plain = Campaign("Báo cáo tự đánh giá", date(2024, 1, 1), date(2024, 1, 1), "UTC", code="tdg")
    [found] = expand(plain, Recurrence(Every.YEAR, date(2024, 1, 1), date(2024, 12, 31), 20))
    assert (found.code, found.name, found.closes) == (
        "tdg-2024",
        "Báo cáo tự đánh giá năm 2024",
        date(2024, 12, 20),
    )
