from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from parsers.tags import Tag
from reports.initiatives import UNREADABLE_TITLE, count_tags, fold_merged, list_initiatives
from store.read import InitiativeRow
from tests.reports.rows import ROSTER, submission

ICT = timezone(timedelta(hours=7))


def test_a_corrected_resubmission_is_one_line_with_the_newest_title_and_the_first_time() -> None:
    first = submission(1, "xa-an-co", datetime(2024, 6, 1, 8, tzinfo=ICT), filename="v1.docx")
    second = submission(
        2,
        "xa-an-co",
        datetime(2024, 6, 27, 8, tzinfo=ICT),
        timing="late",
        title="SỐ HÓA hồ sơ một cửa",
        filename="v2.docx",
    )
    corrected = InitiativeRow(
        "Số hóa hồ sơ một cửa (bản sửa)", "số hóa hồ sơ một cửa", None, ("Lê C",), "v2.docx"
    )
    second = replace(second, initiatives=(corrected,))
    lines = list_initiatives(ROSTER, [second, first])
    assert len(lines) == 1
    line = lines[0]
    assert line.title == "Số hóa hồ sơ một cửa (bản sửa)"
    assert line.authors == ("Lê C",)
    assert line.received_at == first.received_at
    assert line.timing == "on_time"
    assert line.filenames == ("v1.docx", "v2.docx")


def test_only_accepted_mail_with_a_unit_is_listed_in_roster_order() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, tzinfo=ICT)),
        submission(2, "xa-thai-binh", datetime(2024, 6, 2, tzinfo=ICT)),
        submission(3, None, datetime(2024, 6, 3, tzinfo=ICT), status="needs_review"),
        submission(4, "phong-tu-phap", datetime(2024, 6, 3, tzinfo=ICT), status="ignored"),
    ]
    assert [ln.unit_code for ln in list_initiatives(ROSTER, rows)] == ["xa-thai-binh", "xa-an-co"]


def test_a_document_without_a_readable_title_is_listed_by_its_file() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, tzinfo=ICT), title=None, filename="scan.pdf")
    ]
    [line] = list_initiatives(ROSTER, rows)
    assert line.title == UNREADABLE_TITLE
    assert line.filenames == ("scan.pdf",)


def test_a_merged_line_is_folded_into_its_target_with_every_file_and_the_first_time() -> None:
    rows = [
        submission(1, "xa-an-co", datetime(2024, 6, 1, tzinfo=ICT), filename="a.docx"),
        submission(
            2, "xa-an-co", datetime(2024, 5, 20, tzinfo=ICT), title="Bản khác", filename="b.docx"
        ),
    ]
    ids = {"Số hóa hồ sơ một cửa": 1, "Bản khác": 2}
    first, second = sorted(
        (replace(ln, id=ids[ln.title]) for ln in list_initiatives(ROSTER, rows)),
        key=lambda ln: ln.id or 0,
    )
    [folded] = fold_merged([first, second], {1: 2})
    assert (folded.id, folded.title, folded.merged) == (2, "Bản khác", (1,))
    assert folded.filenames == ("b.docx", "a.docx")
    assert folded.received_at == datetime(2024, 5, 20, tzinfo=ICT)
    # A target that is not listed leaves the line on its own.
    assert fold_merged([first], {1: 9}) == [first]


def test_tags_are_counted_once_per_initiative_and_not_for_withdrawn_ones() -> None:
    rows = [submission(1, "xa-an-co", datetime(2024, 6, 1, tzinfo=ICT))]
    [line] = list_initiatives(ROSTER, rows)
    papi = Tag("index", "PAPI", "PAPI tăng.")
    lines = [
        replace(line, tags=(papi, Tag("index", "PAPI", "Lần nữa PAPI."))),
        replace(line, tags=(papi, Tag("field", "Cải cách thể chế", "x"))),
        replace(line, tags=(papi,), withdrawn=True),
    ]
    assert count_tags(lines) == {"field": {"Cải cách thể chế": 1}, "index": {"PAPI": 2}}
