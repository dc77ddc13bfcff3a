"""`cchc-inbox documents report`: the results report of a register as a DOCX file, written whole."""

from __future__ import annotations

import io
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from docx import Document

from store.db import make_engine, make_session_factory
from tests.cli import run_cli, write_local_config
from tests.store.register import store_message

ICT = timezone(timedelta(hours=7))


def registered(folder: Path, database_url: str) -> Path:
    """Return a configuration over a register holding two initiatives of Thái Bình, one
    hostile title among them."""
    config = write_local_config(
        folder, ('url = "sqlite:///var/cchc-inbox.db"', f'url = "{database_url}"')
    )
    assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    files = (("a.docx", "Số hóa hồ sơ một cửa"), ("b.docx", '=HYPERLINK("http://x","y")'))
    store_message(sessions, 1, datetime(2024, 6, 3, 9, tzinfo=ICT), files=files)
    engine.dispose()
    return config


def test_an_existing_file_is_replaced_whole_by_the_report(
    tmp_path: Path, database_url: str
) -> None:
    config = registered(tmp_path, database_url)
    output = tmp_path / "bao-cao.docx"
    output.write_bytes(b"old")
    output.chmod(0o644)
    result = run_cli("--config", str(config), "documents", "report", "--output", str(output))
    assert result.exit_code == 0, result.stderr
    assert output.read_bytes().startswith(b"PK")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if "bao-cao" in p.name] == ["bao-cao.docx"]


def test_the_report_is_written_with_its_number_date_and_one_annex_row_per_initiative(
    tmp_path: Path, database_url: str
) -> None:
    config = registered(tmp_path, database_url)
    output = tmp_path / "bao-cao.docx"
    result = run_cli(
        "--config", str(config), "documents", "report", "--output", str(output),
        "--campaign", "2024", "--number", "125", "--date", "2024-07-05",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"Đã ghi {output}"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    doc = Document(io.BytesIO(output.read_bytes()))
    left, right = doc.tables[0].rows[0].cells
    assert "Số: 125/BC-PNV" in left.text
    assert "Châu Thành, ngày 05 tháng 07 năm 2024" in right.text
    annex = doc.tables[-1]
    assert len(annex.rows) == 2 + 1
    assert [r.cells[1].text for r in annex.rows[1:]] == [
        "Số hóa hồ sơ một cửa",
        '=HYPERLINK("http://x","y")',
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unknown_campaign_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, database_url: str
) -> None:
    config = registered(tmp_path, database_url)
    output = tmp_path / "bao-cao.docx"
    result = run_cli(
        "--config", str(config), "documents", "report", "--output", str(output),
        "--campaign", "2019",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Không có đợt mã '2019' trong cấu hình (các đợt đã cấu hình: 2024). "
        "Xem `cchc-inbox campaign list`."
    ]
    assert not output.exists()


def test_an_unwritable_folder_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, database_url: str
) -> None:
    config = registered(tmp_path, database_url)
    output = tmp_path / "khong-co" / "bao-cao.docx"
    result = run_cli("--config", str(config), "documents", "report", "--output", str(output))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"Không ghi được {output}")
    assert not output.parent.exists()


def test_a_folder_given_as_the_output_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    output = tmp_path / "bao-cao.docx"
    output.mkdir()
    (output / "giu-nguyen.txt").write_text("x")
    result = run_cli("--config", str(config), "documents", "report", "--output", str(output))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Lỗi dòng lệnh: `--output` là một thư mục, cần một tệp. "
        "Xem `cchc-inbox documents report --help`."
    ]
    assert (output / "giu-nguyen.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_bad_date_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    output = tmp_path / "bao-cao.docx"
    result = run_cli(
        "--config", str(config), "documents", "report", "--output", str(output),
        "--date", "05/07/2024",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--date" in result.stderr and "Traceback" not in result.stderr
    assert not output.exists()
