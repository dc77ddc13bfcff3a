"""A periodic report on the web: units × periods, with downloads, beside the campaigns."""

from __future__ import annotations

import html
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.root import Register
from parsers.periods import Every, Recurrence, expand
from tests.store.register import store_message
from tests.web.conftest import app_with_accounts, log_in


@pytest.fixture
def quarterly(register: Register) -> Register:
    """The 2024 campaign and a quarterly report of 2024, due on the 15th."""
    first = register.config.campaign
    template = replace(first, code="bc-quy", name="Báo cáo CCHC {period}", keywords=("báo cáo",))
    quarters = expand(template, Recurrence(Every.QUARTER, date(2024, 1, 1), date(2024, 12, 31), 15))
    return replace(register, config=replace(register.config, campaigns=(first, *quarters)))


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def test_the_periods_page_shows_each_unit_in_each_quarter(quarterly: Register) -> None:
    late_q1 = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)
    store_message(
        quarterly.sessions, 1, late_q1, unit="xa-an-co", campaign="bc-quy-2024-q1", timing="late"
    )
    store_message(quarterly.sessions, 2, late_q1, unit="xa-an-co", campaign="2024")
    client = app_with_accounts(quarterly).test_client()
    log_in(client, "viewer")
    text = page(client, "/periods")
    assert "<h1>Báo cáo CCHC</h1>" in text
    assert ">Báo cáo định kỳ</a>" in text  # in the menu
    row = text[text.index("UBND xã An Cơ") :].split("</tr>")[0]
    # Today is 21/06/2024 in the test register: the third and fourth quarters have not begun.
    assert [label in row for label in ("Trễ hạn", "Chưa nộp", "Chưa đến kỳ")] == [True] * 3
    assert "hạn 15/06/2024" in text

    made = client.get("/periods/bc-quy.xlsx")
    assert made.status_code == 200
    sheet = load_workbook(io.BytesIO(made.data)).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][2:] == ["quý I/2024", "quý II/2024", "quý III/2024", "quý IV/2024"]
    an_co = next(r for r in rows if r[0] == "xa-an-co")
    assert an_co[2:] == ["Trễ hạn", "Chưa nộp", "Chưa đến kỳ", "Chưa đến kỳ"]
    assert client.get("/periods/bc-thang.csv").status_code == 404


def test_without_a_periodic_report_the_menu_has_no_link_and_the_page_says_so(
    register: Register,
) -> None:
    client = app_with_accounts(register).test_client()
    log_in(client, "viewer")
    assert "Báo cáo định kỳ</a>" not in page(client, "/")
    assert "Chưa cấu hình báo cáo định kỳ nào" in page(client, "/periods")
