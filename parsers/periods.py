"""Recurring campaigns: a periodic report's definition made into one campaign per period.

A quarterly administrative-reform report "due on the 15th of the quarter's last
month" is one definition in the configuration; the register keeps one campaign
per quarter ("bc-quy-2024-q2", "Báo cáo CCHC quý II/2024"), each judged and
reported like any other. Pure: dates in, campaigns out.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, replace
from datetime import date

from parsers.campaign import Campaign


class Every(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


#: How many months one period spans.
MONTHS = {Every.MONTH: 1, Every.QUARTER: 3, Every.YEAR: 12}
ROMAN = ("I", "II", "III", "IV")
#: Where a definition's name takes the period's label ("Báo cáo CCHC {period}").
PLACEHOLDER = "{period}"


@dataclass(frozen=True)
class Recurrence:
    """When a periodic campaign recurs: every month, quarter or year from the period that
    holds ``first`` to the one that holds ``until``, each due on ``due_day`` of the
    period's last month (its last day when None or when that month is shorter)."""

    every: Every
    first: date
    until: date
    due_day: int | None = None


@dataclass(frozen=True)
class Period:
    start: date
    due: date
    label: str  # "quý II/2024", "tháng 5/2024", "năm 2024"
    suffix: str  # what the occurrence's code ends in: "2024-q2", "2024-05", "2024"
    terms: tuple[str, ...]  # what a subject says to name it: "quý II", "quý 2"


def periods(recurrence: Recurrence) -> list[Period]:
    """Return every period of ``recurrence``, oldest first."""
    span = MONTHS[recurrence.every]
    month = (recurrence.first.month - 1) // span * span + 1
    start = date(recurrence.first.year, month, 1)
    found = []
    while start <= recurrence.until:
        found.append(_period(recurrence, start))
        start = _add_months(start, span)
    return found


def expand(template: Campaign, recurrence: Recurrence) -> tuple[Campaign, ...]:
    """Return one campaign per period of ``recurrence``, shaped like ``template``.

    Each occurrence is coded ``<template code>-<period>``, named by the template's
    name with ``{period}`` replaced by the period's label (or the label appended),
    opens on the period's first day and closes on its due day. ``series`` keeps
    the template's code, so reports can set the periods side by side.
    """
    occurrences = []
    for period in periods(recurrence):
        if PLACEHOLDER in template.name:
            name = template.name.replace(PLACEHOLDER, period.label)
        else:
            name = f"{template.name} {period.label}"
        occurrences.append(
            replace(
                template,
                code=f"{template.code}-{period.suffix}",
                name=name,
                opens=period.start,
                closes=period.due,
                series=template.code,
                period=period.label,
                period_terms=period.terms,
            )
        )
    return tuple(occurrences)


def _period(recurrence: Recurrence, start: date) -> Period:
    span = MONTHS[recurrence.every]
    last_month = _add_months(start, span - 1)
    days = calendar.monthrange(last_month.year, last_month.month)[1]
    due = last_month.replace(day=min(recurrence.due_day or days, days))
    year = start.year
    if recurrence.every is Every.QUARTER:
        number = (start.month - 1) // 3 + 1
        roman = ROMAN[number - 1]
        return Period(
            start,
            due,
            f"quý {roman}/{year}",
            f"{year}-q{number}",
            (f"quý {roman}", f"quý {number}"),
        )
    if recurrence.every is Every.MONTH:
        month = start.month
        terms = (f"tháng {month}", f"tháng {month:02d}")
        return Period(start, due, f"tháng {month}/{year}", f"{year}-{month:02d}", terms)
    return Period(start, due, f"năm {year}", str(year), (f"năm {year}",))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
