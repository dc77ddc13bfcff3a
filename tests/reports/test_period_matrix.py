from __future__ import annotations

import json
from datetime import UTC, date, datetime

from parsers.campaign import Campaign
from parsers.periods import Every, Recurrence, expand
from parsers.roster import Roster, Unit, UnitKind
from reports.compliance import assess_tallies
from reports.periods import PeriodMatrix, build_matrix, has_begun, matrix_cells, matrix_json
from store.tallies import UnitTally

ROSTER = Roster(
    (
        Unit("xa-an-co", "UBND xã An Cơ", UnitKind.COMMUNE, True),
        Unit("phong-tu-phap", "Phòng Tư pháp", UnitKind.OFFICE, True),
        Unit("huyen-doan", "Huyện đoàn", UnitKind.MASS_ORG, False),
    )
)
TEMPLATE = Campaign("Báo cáo CCHC {period}", date(2024, 1, 1), date(2024, 1, 1), "UTC", code="q")
QUARTERS = expand(TEMPLATE, Recurrence(Every.QUARTER, date(2024, 1, 1), date(2024, 9, 30), 15))
AT = datetime(2024, 3, 1, tzinfo=UTC)


def matrix(today: date) -> PeriodMatrix:
    tallies = [
        {"xa-an-co": UnitTally(on_time=1, initiatives=1, first_received_at=AT)},
        {"xa-an-co": UnitTally(0, 1, AT), "huyen-doan": UnitTally(1, 1, AT)},
        {},
    ]
    standings = [
        assess_tallies(ROSTER, p, t) if has_begun(p, today) else None
        for p, t in zip(QUARTERS, tallies, strict=True)
    ]
    return build_matrix("q", ROSTER.units, QUARTERS, standings)


def test_each_unit_has_its_standing_in_each_period_and_none_before_a_period_begins() -> None:
    found = json.loads(matrix_json(matrix(date(2024, 5, 1))))
    periods = {u["code"]: u["periods"] for u in found["units"]}
    assert periods["xa-an-co"] == {
        "q-2024-q1": "on_time",
        "q-2024-q2": "late",
        "q-2024-q3": "not_yet",
    }
    assert periods["phong-tu-phap"] == {
        "q-2024-q1": "missing",
        "q-2024-q2": "missing",
        "q-2024-q3": "not_yet",
    }
    assert [p["period"] for p in found["periods"]] == ["quý I/2024", "quý II/2024", "quý III/2024"]


def test_the_table_shows_required_units_and_counts_only_them() -> None:
    cells = matrix_cells(matrix(date(2024, 5, 1)))
    assert [c[0] for c in cells[:2]] == ["xa-an-co", "phong-tu-phap"]
    assert cells[0][2:] == ["Đúng hạn", "Trễ hạn", "Chưa đến kỳ"]
    counts = {c[1]: c[2:] for c in cells[2:]}
    # Huyện đoàn, not required, sent the second quarter's report on time: not counted.
    assert counts["Số đơn vị: đúng hạn"] == ["1", "0", ""]
    assert counts["Số đơn vị: trễ hạn"] == ["0", "1", ""]
    assert counts["Số đơn vị: chưa nộp"] == ["1", "1", ""]
