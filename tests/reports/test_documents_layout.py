"""The results report's DOCX, opened again with python-docx: Nghị định 30's layout and its text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from docx.enum.section import WD_ORIENT
from docx.shared import Length, Pt

from parsers.campaign import PAPER_COPY, SOFT_FILE
from parsers.fields import NAMES
from reports.compliance import assess_compliance
from reports.documents.layout import FONT, MOTTO, NATION, write_docx
from reports.documents.results import ANNEX_HEADINGS, NO_FIELD, field_counts, results_report
from reports.initiatives import InitiativeLine, list_initiatives
from store.paper import PaperCopyRow
from tests.reports.documents import (
    LETTERHEAD,
    all_text,
    every_run,
    opened,
    report_docx,
    rows_of,
)
from tests.reports.rows import CAMPAIGN, ROSTER

NOW = datetime(2024, 6, 27, 3, tzinfo=UTC)


def test_the_header_table_holds_the_issuing_body_left_and_the_nation_right() -> None:
    doc = opened(report_docx(rows_of(["Số hóa hồ sơ"])))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "UBND HUYỆN CHÂU THÀNH",
        "PHÒNG NỘI VỤ",
        "Số: 125/BC-PNV",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        NATION,
        MOTTO,
        "Châu Thành, ngày 05 tháng 07 năm 2024",
    ]
    issuer = left.paragraphs[1].runs[0]
    assert issuer.font.bold and not left.paragraphs[0].runs[0].font.bold
    date_line = right.paragraphs[-1].runs[0]
    assert date_line.font.italic and date_line.font.size == Pt(14)
    # The short rules under the issuer and the motto are bordered empty paragraphs.
    assert (
        sum(
            1
            for p in left.paragraphs
            if p._p.pPr is not None
            and p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr")
            is not None
        )
        == 1
    )


def test_every_run_is_times_new_roman_between_12_and_14_points() -> None:
    doc = opened(report_docx(rows_of(["Số hóa hồ sơ", "Một cửa điện tử"])))
    runs = list(every_run(doc))
    assert runs
    assert {r.font.name for r in runs} == {FONT}  # type: ignore[attr-defined]
    assert {r.font.size for r in runs} <= {Pt(12), Pt(13), Pt(14)}  # type: ignore[attr-defined]
    assert doc.styles["Normal"].font.name == FONT


def test_the_pages_are_a4_with_the_decrees_margins_and_the_annex_is_landscape() -> None:
    doc = opened(report_docx(rows_of(["Số hóa hồ sơ"])))
    first, annex = doc.sections
    # Word keeps lengths in twentieths of a point: compare whole millimetres.
    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert (mm(annex.page_width), mm(annex.page_height)) == (297, 210)
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    for section in doc.sections:
        assert 20 <= mm(section.top_margin) <= 25
        assert 20 <= mm(section.bottom_margin) <= 25
        assert 30 <= mm(section.left_margin) <= 35
        assert 15 <= mm(section.right_margin) <= 20


def mm(length: Length | None) -> int:
    assert length is not None
    return round(length.mm)


def test_the_kind_and_summary_are_bold_capitals_and_the_signer_is_bottom_right() -> None:
    doc = opened(report_docx(rows_of(["Số hóa hồ sơ"])))
    texts = [p.text for p in doc.paragraphs]
    kind = texts.index("BÁO CÁO")
    assert texts[kind + 1] == "KẾT QUẢ THỰC HIỆN KẾ HOẠCH SÁNG KIẾN CCHC 2024"
    assert all(r.font.bold for r in doc.paragraphs[kind + 1].runs)
    recipients, signer = doc.tables[-2].rows[0].cells
    heading = recipients.paragraphs[0].runs[0]
    assert (heading.text, heading.font.bold, heading.font.italic) == ("Nơi nhận:", True, True)
    assert [p.text for p in recipients.paragraphs[1:]] == ["- UBND huyện (b/c);", "- Lưu: VT, NV."]
    assert {r.font.size for p in recipients.paragraphs for r in p.runs} == {Pt(12)}
    named = [p.text for p in signer.paragraphs if p.text]
    assert named == ["TRƯỞNG PHÒNG", "Nguyễn Văn Bình"]


def test_the_annex_has_a_row_per_initiative_and_a_heading_row_repeated_on_each_page() -> None:
    titles = [f"Sáng kiến thứ {n}" for n in range(1, 41)]
    doc = opened(report_docx(rows_of(titles)))
    annex = doc.tables[-1]
    assert len(annex.rows) == len(titles) + 1 + 1  # and An Cơ's late one
    assert tuple(c.text for c in annex.rows[0].cells) == ANNEX_HEADINGS
    assert annex.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    last = [c.text for c in annex.rows[-1].cells]
    assert last == [
        "41",
        "Trễ hạn",
        "Nguyễn Văn A; Trần Thị Bé",
        "UBND xã An Cơ",
        "Cải cách thủ tục hành chính",
        "27/06/2024",
        "Trễ hạn",
    ]


def test_units_on_time_late_and_missing_are_counted_as_compliance_judges_them() -> None:
    text = all_text(opened(report_docx(rows_of(["Số hóa hồ sơ"]))))
    assert "1. Đơn vị gửi đúng hạn: 1/3 đơn vị (UBND xã Thái Bình)." in text
    assert "2. Đơn vị gửi trễ hạn: 1/3 đơn vị (UBND xã An Cơ)." in text
    assert "3. Đơn vị chưa gửi: 1/3 đơn vị (Phòng Tư pháp)." in text


def test_no_number_and_no_day_are_left_blank_for_the_clerk() -> None:
    doc = opened(report_docx(rows_of(["Số hóa hồ sơ"]), number=None, day=None))
    left, right = doc.tables[0].rows[0].cells
    assert left.paragraphs[-1].text == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-PNV"
    assert right.paragraphs[-1].text.replace("\u00a0", " ").split() == [
        "Châu",
        "Thành,",
        "ngày",
        "tháng",
        "năm",
        "2024",
    ]


def test_the_reform_index_section_appears_only_when_tags_are_given() -> None:
    rows = rows_of(["Số hóa hồ sơ"])
    heading = "III. SỐ SÁNG KIẾN THEO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    assert heading not in all_text(opened(report_docx(rows)))
    tagged = opened(report_docx(rows, tags={"PAR INDEX": 2, "SIPAS": 1}))
    assert heading in all_text(tagged)
    counts = [[c.text for c in r.cells] for r in tagged.tables[2].rows]
    assert counts == [
        ["STT", "Chỉ số", "Số sáng kiến"],
        ["1", "PAR INDEX", "2"],
        ["2", "SIPAS", "1"],
    ]


def test_hostile_titles_stay_literal_text_and_never_break_the_xml() -> None:
    hostile = [
        '=HYPERLINK("http://x.example","bấm")',
        "Tên\x00có\x07ký tự\x1bđiều khiển\ud800",
        "Rất dài " * 400,
        "<w:p>]]></w:t>&amp;{{ field }} MERGEFIELD",
    ]
    doc = opened(report_docx(rows_of(hostile)))
    cells = [row.cells[1].text for row in doc.tables[-1].rows[1:]]
    assert cells[0] == hostile[0]
    assert cells[1] == "Tên\ufffdcó\ufffdký tự\ufffdđiều khiển\ufffd"
    assert cells[2] == hostile[2]
    assert cells[3] == hostile[3]
    assert "fldSimple" not in doc.element.xml and "instrText" not in doc.element.xml


def line_of(field: str | None) -> InitiativeLine:
    received = datetime(2024, 6, 1, tzinfo=UTC)
    return InitiativeLine("xa-an-co", "UBND xã An Cơ", "T", field, (), received, "on_time", ())


def test_fields_are_counted_in_the_six_reform_fields_whichever_wording_was_read() -> None:
    lines = [
        line_of("cải cách thủ tục hành chính"),
        line_of("Hiện đại hóa hành chính"),  # the older wording of the e-government field
        line_of("xây dựng, phát triển chính quyền điện tử, chính quyền số"),
        line_of("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức"),
        line_of(None),
    ]
    counts = dict(field_counts(lines))
    assert list(counts)[:6] == list(NAMES)
    assert counts["Cải cách thủ tục hành chính"] == 1
    # The lower-case name a register written before parsers.fields holds counts too.
    assert counts["Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"] == 2
    assert counts["Cải cách chế độ công vụ"] == 1
    assert counts["Cải cách thể chế"] == 0
    assert counts[NO_FIELD] == 1


def test_every_initiative_with_a_field_leaves_out_the_unknown_row() -> None:
    assert NO_FIELD not in dict(field_counts([line_of("cải cách tài chính công")]))


def test_a_campaign_that_requires_the_paper_copy_names_who_sent_the_file_but_not_the_paper() -> (
    None
):
    campaign = replace(CAMPAIGN, requires=(SOFT_FILE, PAPER_COPY))
    rows = rows_of(["Số hóa hồ sơ"])
    paper = PaperCopyRow("2024", "xa-an-co", date(2024, 6, 27), 1, None, None, "lan", NOW)
    standings = assess_compliance(ROSTER, campaign, rows, {"xa-an-co": paper})
    document = results_report(
        campaign,
        standings,
        list_initiatives(ROSTER, rows),
        LETTERHEAD,
        number=None,
        day=None,
        year=2024,
    )
    text = all_text(opened(write_docx(document)))
    # Thái Bình sent the file only; Phòng Tư pháp sent nothing and is listed once, above.
    assert "Đơn vị đã gửi tệp, chưa nộp bản giấy: 1 đơn vị (UBND xã Thái Bình)." in text
    assert text.count("Phòng Tư pháp") == 1
