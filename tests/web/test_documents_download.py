"""The exports page offers the results report: the same DOCX as `documents report` writes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from flask.testing import FlaskClient

from app.documents import council_list_file, results_report_file
from app.root import Register
from tests.store.register import store_message
from tests.web.conftest import log_in

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)
PATH = "/exports/documents/bao-cao-ket-qua.docx"


def test_the_exports_page_serves_the_results_report_as_the_command_makes_it(
    client: FlaskClient, register: Register
) -> None:
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    log_in(client, "viewer")
    page = client.get("/exports?campaign=2024").get_data(as_text=True)
    assert f'href="{PATH}?campaign=2024"' in page
    response = client.get(PATH + "?campaign=2024")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-ket-qua-2024.docx"'
    )
    assert response.mimetype.endswith("wordprocessingml.document")
    made = results_report_file(register, register.config.campaigns[0])
    # One rule, two shells: the same document, but for the zip's timestamps.
    served, expected = Document(io.BytesIO(response.data)), Document(io.BytesIO(made.data))
    assert served.element.xml == expected.element.xml
    assert [r.cells[3].text for r in served.tables[-1].rows[1:]] == ["UBND xã An Cơ"]


def test_the_results_report_needs_a_signed_in_account(client: FlaskClient) -> None:
    response = client.get(PATH)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_exports_page_serves_the_councils_list_as_the_command_makes_it(
    client: FlaskClient, register: Register
) -> None:
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    log_in(client, "viewer")
    path = "/exports/documents/to-trinh-cong-nhan.docx"
    assert f'href="{path}?campaign=2024"' in client.get("/exports?campaign=2024").get_data(
        as_text=True
    )
    response = client.get(path + "?campaign=2024")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="to-trinh-cong-nhan-2024.docx"'
    )
    made = council_list_file(register, register.config.campaigns[0])
    served, expected = Document(io.BytesIO(response.data)), Document(io.BytesIO(made.data))
    assert served.element.xml == expected.element.xml
    assert [r.cells[3].text for r in served.tables[-1].rows[1:]] == ["UBND xã An Cơ"]
