"""A periodic report's unit × period matrix: each unit's standing in every period (pure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from parsers.campaign import Campaign
from parsers.roster import Unit
from reports.compliance import UnitCompliance, UnitStatus

#: What a cell says: the soft file's standing in that period, or that it has not begun.
CELL_LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa nộp"}
NOT_YET = "not_yet"
NOT_YET_LABEL = "Chưa đến kỳ"


@dataclass(frozen=True)
class MatrixRow:
    unit: Unit
    cells: tuple[UnitCompliance | None, ...]  # one per period; None: the period has not begun


@dataclass(frozen=True)
class PeriodMatrix:
    series: str
    periods: tuple[Campaign, ...]  # oldest first
    rows: tuple[MatrixRow, ...]  # in roster order

    def begun(self, index: int) -> bool:
        """Whether period ``index`` had begun (its units have standings)."""
        return any(r.cells[index] is not None for r in self.rows)

    def count(self, index: int, status: str) -> int:
        """Return how many required units stand at ``status`` in period ``index``."""
        return sum(
            1
            for r in self.rows
            if r.unit.required and (c := r.cells[index]) is not None and c.status == status
        )


def build_matrix(
    series: str,
    units: Sequence[Unit],
    periods: Sequence[Campaign],
    standings: Sequence[Sequence[UnitCompliance] | None],
) -> PeriodMatrix:
    """Set each period's standings (None for a period not begun) side by side, by unit.

    ``units`` are the roster's, in its order; ``standings`` holds, for each period,
    the units' standings (reports.compliance.assess_tallies).
    """
    by_unit = [{c.unit.code: c for c in standing or ()} for standing in standings]
    rows = tuple(
        MatrixRow(unit, tuple(found.get(unit.code) for found in by_unit)) for unit in units
    )
    return PeriodMatrix(series, tuple(periods), rows)


def has_begun(period: Campaign, today: date) -> bool:
    return period.opens <= today


def cell_status(cell: UnitCompliance | None) -> str:
    return NOT_YET if cell is None else cell.status.value


def matrix_headings(matrix: PeriodMatrix) -> list[str]:
    return ["Mã đơn vị", "Đơn vị", *(p.period or p.name for p in matrix.periods)]


def matrix_cells(matrix: PeriodMatrix) -> list[list[str]]:
    """Return one row per required unit, then the counts of each period."""
    cells = [
        [
            row.unit.code,
            row.unit.name,
            *(NOT_YET_LABEL if c is None else CELL_LABELS[c.status.value] for c in row.cells),
        ]
        for row in matrix.rows
        if row.unit.required
    ]
    for status in UnitStatus:
        counts = [
            str(matrix.count(i, status)) if matrix.begun(i) else ""
            for i in range(len(matrix.periods))
        ]
        cells.append(["", f"Số đơn vị: {CELL_LABELS[status.value].lower()}", *counts])
    return cells


def matrix_json(matrix: PeriodMatrix) -> str:
    data = {
        "series": matrix.series,
        "periods": [
            {
                "code": p.code,
                "period": p.period,
                "name": p.name,
                "opens": p.opens.isoformat(),
                "closes": p.closes.isoformat(),
            }
            for p in matrix.periods
        ],
        "units": [
            {
                "code": row.unit.code,
                "name": row.unit.name,
                "required": row.unit.required,
                "periods": {
                    p.code: cell_status(c) for p, c in zip(matrix.periods, row.cells, strict=True)
                },
            }
            for row in matrix.rows
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
