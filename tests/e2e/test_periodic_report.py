"""A quarterly report over four quarters, through Dovecot and the real CLI: each report
goes to the quarter its subject names, late or on time, and `report periods` sets the
quarters side by side."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.conftest import Register
from tests.e2e.test_campaigns import deliver

pytestmark = pytest.mark.dovecot

ICT = timezone(timedelta(hours=7))
SERIES = """[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2024"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"

[[campaigns]]
code = "bc-quy"
name = "Báo cáo CCHC {period}"
every = "quarter"
opens = 2024-01-01
until = 2024-12-31
due_day = 15
timezone = "Asia/Ho_Chi_Minh"
keywords = ["báo cáo CCHC"]
"""


@pytest.fixture
def quarterly(register: Register) -> Register:
    text = register.config.read_text(encoding="utf-8")
    head, rest = text.split("[campaign]\n", 1)
    register.config.write_text(head + SERIES + rest[rest.index("[schedule]") :], "utf-8")
    return register


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 9, tzinfo=ICT)


def test_four_quarters_each_report_counts_in_the_quarter_it_names(quarterly: Register) -> None:
    deliver(quarterly, "Báo cáo CCHC quý I năm 2024", at(3, 10), "q1")
    # Sent after the third quarter opened, but it names the second: late for the second.
    deliver(quarterly, "Báo cáo CCHC quý II năm 2024", at(7, 3), "q2")
    deliver(quarterly, "Báo cáo CCHC quý 3/2024", at(9, 15), "q3")
    # The initiative campaign's mail, inside the second quarter: not a quarterly report.
    deliver(quarterly, "Gửi sáng kiến CCHC năm 2024", at(6, 1), "initiative")
    quarterly.run("poll")

    matrix = quarterly.json("report", "periods")
    assert matrix["series"] == "bc-quy"
    periods = matrix["periods"]
    assert isinstance(periods, list)
    assert [p["code"] for p in periods] == [
        "bc-quy-2024-q1",
        "bc-quy-2024-q2",
        "bc-quy-2024-q3",
        "bc-quy-2024-q4",
    ]
    assert periods[1]["closes"] == "2024-06-15"
    units = matrix["units"]
    assert isinstance(units, list)
    thai_binh = next(u for u in units if u["code"] == "xa-thai-binh")
    assert thai_binh["periods"] == {
        "bc-quy-2024-q1": "on_time",
        "bc-quy-2024-q2": "late",
        "bc-quy-2024-q3": "on_time",
        "bc-quy-2024-q4": "missing",
    }
    initiatives = quarterly.json("report", "compliance", "--campaign", "2024")["units"]
    assert isinstance(initiatives, list)
    assert next(u for u in initiatives if u["code"] == "xa-thai-binh")["status"] == "on_time"

    table = quarterly.run("report", "periods").stdout
    assert "quý II/2024" in table and "Trễ hạn" in table
    assert "Số đơn vị: đúng hạn" in table


def test_an_unknown_series_is_one_line_and_exit_2(quarterly: Register) -> None:
    result = quarterly.run("report", "periods", "--series", "bc-thang", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Không có báo cáo định kỳ mã 'bc-thang' trong cấu hình (các báo cáo định kỳ: bc-quy)."
    )
