"""`cchc-inbox documents council-list|score-sheets`: the council's two documents, each backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from store.db import SessionFactory
from tests.cli import run_cli
from tests.ingest.test_council_command import cli, configure, ids_by_unit, results
from tests.reports.test_documents_pdf import pdf_info, pdf_of, pdf_text

SCORES = ("--criterion", "moi=27", "--criterion", "ap-dung=20", "--criterion", "hieu-qua=30")


def scored_register(tmp_path: Path, database_url: str, sessions: SessionFactory) -> Path:
    """Three initiatives assigned to two members each; xa-an-co's scored by both."""
    config = configure(tmp_path, database_url, sessions)
    assert cli(config, "assign", "--campaign", "2024").exit_code == 0
    record = str(ids_by_unit(config)["xa-an-co"])
    for member in ("lan", "minh"):
        assert cli(config, "score", record, "--member", member, *SCORES, "--submit").exit_code == 0
    return config


def document(config: Path, *args: str) -> Document:
    output = config.parent / "out.docx"
    result = run_cli("--config", str(config), "documents", *args, "--output", str(output))
    assert result.exit_code == 0, result.output
    return Document(str(output))


def test_the_council_list_has_the_header_and_one_row_per_initiative_with_scores_and_verdict(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = scored_register(tmp_path, database_url, sessions)
    made = document(config, "council-list", "--campaign", "2024", "--number", "7")
    header, _closing, annex = made.tables
    assert "PHÒNG NỘI VỤ" in header.cell(0, 0).text and "Số: 7/TTr-PNV" in header.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    body = "\n".join(p.text for p in made.paragraphs)
    assert "TỜ TRÌNH" in body
    assert "Kết quả: 1 sáng kiến, giải pháp đạt, đề nghị công nhận; 0 không đạt; 2 chưa" in body
    rows = [[c.text for c in row.cells] for row in annex.rows]
    assert rows[0][:2] == ["STT", "Tên sáng kiến, giải pháp"]
    assert len(rows) - 1 == len(results(config)["initiatives"]) == 3
    [an_co] = [r for r in rows if r[3] == "UBND xã An Cơ"]
    assert an_co[1:] == [
        "Số hóa hồ sơ một cửa",
        "Nguyễn Văn A",
        "UBND xã An Cơ",
        "lan: 77; minh: 77",
        "77",
        "Công nhận",
    ]


def test_score_sheets_are_one_per_assignment_and_carry_the_rubric_and_the_scores_kept(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = scored_register(tmp_path, database_url, sessions)
    every = document(config, "score-sheets", "--campaign", "2024")
    titles = [
        p for p in every.paragraphs if p.text == "PHIẾU ĐÁNH GIÁ GIẢI PHÁP CÔNG NHẬN LÀ SÁNG KIẾN"
    ]
    assert len(titles) == 6  # three initiatives, two members each
    lan = document(config, "score-sheets", "--campaign", "2024", "--member", "lan")
    texts = [p.text for p in lan.paragraphs]
    assert texts.count("PHIẾU ĐÁNH GIÁ GIẢI PHÁP CÔNG NHẬN LÀ SÁNG KIẾN") == 2
    assert "Họ và tên thành viên hội đồng: lan" in texts
    assert "Kết luận: đề nghị công nhận là sáng kiến." in texts  # the sheet lan submitted
    criteria = [[c.text for c in row.cells] for row in lan.tables[0].rows]
    assert criteria[1] == ["1", "Tính mới, tính sáng tạo", "30", "27"]
    assert criteria[2][1] == "- Hoàn toàn mới: 27–30 điểm"
    assert criteria[-1] == ["", "Tổng cộng", "100", "77"]
    empty = [[c.text for c in row.cells] for row in lan.tables[2].rows]
    assert empty[-1] == ["", "Tổng cộng", "100", ""]


def test_score_sheets_of_someone_not_in_the_council_are_refused(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = scored_register(tmp_path, database_url, sessions)
    output = tmp_path / "x.docx"
    refused = run_cli(
        "--config",
        str(config),
        "documents",
        "score-sheets",
        "--output",
        str(output),
        "--member",
        "ai",
    )
    assert refused.exit_code == 2 and "'ai' không phải thành viên hội đồng" in refused.stderr
    assert not output.exists()


def test_libreoffice_prints_each_score_sheet_on_a_page_of_its_own(
    tmp_path: Path, sessions: SessionFactory, database_url: str
) -> None:
    if "postgresql" in database_url:
        pytest.skip("one conversion is enough: the document is the same bytes on each backend")
    config = scored_register(tmp_path, database_url, sessions)
    document(config, "score-sheets", "--campaign", "2024", "--member", "lan")
    pdf = pdf_of(tmp_path / "out.docx", tmp_path / "profile")
    info = pdf_info(pdf)
    assert "Pages:           2" in info
    first, second = pdf_text(pdf, 1, 1), pdf_text(pdf, 2, 2)
    for page in (first, second):
        assert "PHIẾU ĐÁNH GIÁ GIẢI PHÁP CÔNG NHẬN LÀ SÁNG KIẾN" in page
        assert "THÀNH VIÊN HỘI ĐỒNG" in page and "(Ký, ghi rõ họ tên)" in page
    assert "Số hóa hồ sơ một cửa" in first or "Số hóa hồ sơ một cửa" in second
