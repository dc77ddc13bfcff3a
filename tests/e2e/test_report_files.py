"""Report files through the real CLI: the format follows the file name, no cell runs as a formula."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import ROOT, Register

pytestmark = pytest.mark.dovecot

REPORTS = ("compliance", "submissions", "initiatives")
SUBJECT = '=HYPERLINK("http://x","y")'
FILENAME = "=cmd.docx"


def assert_written_as(path: Path, fmt: str) -> None:
    data = path.read_bytes()
    if fmt == "xlsx":
        assert load_workbook(path).sheetnames[0] == "Tổng hợp"
    elif fmt == "csv":
        assert data.startswith("\ufeff".encode())
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(header) >= 8
    else:
        assert isinstance(json.loads(data), dict)


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_the_output_file_name_chooses_the_format_of_every_report(
    register: Register, tmp_path: Path, report: str, fmt: str
) -> None:
    output = tmp_path / f"baocao.{fmt.upper() if fmt == 'csv' else fmt}"
    result = register.run("report", report, "--output", str(output))
    assert f"Đã ghi {output}" in result.stderr
    assert_written_as(output, fmt)


@pytest.mark.parametrize(
    ("report", "fmt", "name"),
    [
        ("compliance", "table", "c.xlsx"),
        ("submissions", "csv", "s.xlsx"),
        ("initiatives", "xlsx", "i.csv"),
        ("compliance", "json", "c.csv"),
    ],
)
def test_a_format_that_contradicts_the_file_name_is_refused_and_nothing_is_written(
    register: Register, tmp_path: Path, report: str, fmt: str, name: str
) -> None:
    output = tmp_path / name
    result = register.run("report", report, "--format", fmt, "--output", str(output), check=False)
    assert result.returncode == 2
    assert "không khớp" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not output.exists()


def test_an_explicit_format_goes_into_a_file_of_any_other_name(
    register: Register, tmp_path: Path
) -> None:
    output = tmp_path / "bao-cao.txt"
    register.run("report", "submissions", "--format", "csv", "--output", str(output))
    assert_written_as(output, "csv")


def hostile_copy_of_a_sample() -> bytes:
    """The first sample submission with a formula as subject, sender name and file name."""
    raw = (ROOT / "tests" / "data" / "mail" / "01-thai-binh-docx.eml").read_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    message.replace_header("Subject", SUBJECT)
    message.replace_header("From", '"-2+3" <vanthu.thaibinh@tayninh.gov.vn>')
    for part in message.iter_attachments():
        part.set_param("filename", FILENAME, header="Content-Disposition")
    return message.as_bytes()


def test_no_file_exported_from_a_hostile_mail_holds_a_formula(
    register: Register, tmp_path: Path
) -> None:
    received = datetime(2024, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    register.dovecot.append(hostile_copy_of_a_sample(), received, folder=register.folder)
    register.run("poll")
    workbooks = [tmp_path / f"{report}.xlsx" for report in REPORTS]
    for report, path in zip(REPORTS, workbooks, strict=True):
        register.run("report", report, "--output", str(path))
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(n) for n in sheets), path
    sheet = load_workbook(workbooks[1])["Thư nhận được"]
    assert sheet["E2"].value == SUBJECT
    assert sheet["D2"].value == "-2+3 <vanthu.thaibinh@tayninh.gov.vn>"
    register.run("export", "files", "--output", str(tmp_path / "hoso"))
    index = (tmp_path / "hoso" / "index.csv").read_text(encoding="utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(index)))
    assert row["Tên tệp gốc"] == "'" + FILENAME
    listing = tmp_path / "ds.csv"
    register.run("report", "submissions", "--output", str(listing))
    [line] = list(csv.DictReader(io.StringIO(listing.read_text(encoding="utf-8-sig"))))
    assert line["Tiêu đề"] == "'" + SUBJECT


def sample_with_file_name(name: str) -> bytes:
    raw = (ROOT / "tests" / "data" / "mail" / "01-thai-binh-docx.eml").read_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for part in message.iter_attachments():
        part.set_param("filename", name, header="Content-Disposition")
    return message.as_bytes()


def test_a_file_name_of_300_bytes_is_exported_under_a_name_that_fits(
    register: Register, tmp_path: Path
) -> None:
    received = datetime(2024, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    long = "Ế" * 100 + ".docx"
    register.dovecot.append(sample_with_file_name(long), received, folder=register.folder)
    register.dovecot.seed(ROOT / "tests" / "data" / "mail", folder=register.folder)
    register.run("poll")
    out = tmp_path / "hoso"
    result = register.run("export", "files", "--output", str(out), check=False)
    assert (result.returncode, result.stderr) == (0, "")
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig"))))
    [row] = [r for r in index if r["Tên tệp gốc"] == long]
    exported = out / row["Tệp trong thư mục"]
    assert exported.is_file() and exported.name.endswith(".docx")
    assert len(os.fsencode(exported.name)) <= 255
    assert {r["Tình trạng"] for r in index} == {"Đã xuất"}


def test_a_file_that_could_not_be_exported_is_named_in_one_line_and_in_the_index(
    register: Register, tmp_path: Path
) -> None:
    register.dovecot.seed(ROOT / "tests" / "data" / "mail", folder=register.folder)
    register.run("poll")
    [lost] = [
        a
        for r in register.json("report", "submissions")["submissions"]  # type: ignore[union-attr]
        if r["status"] == "accepted" and r["unit"] == "xa-thai-binh"  # type: ignore[index]
        for a in r["attachments"]  # type: ignore[index]
        if a["is_document"]
    ][:1]
    (register.config.parent / "files" / lost["sha256"][:2] / lost["sha256"]).unlink()
    out = tmp_path / "hoso"
    result = register.run("export", "files", "--output", str(out), check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[0].startswith("Không xuất được tệp ") and lost["filename"] in lines[0]
    assert "không còn trong kho lưu trữ" in lines[0]
    assert lines[1].startswith("CHƯA XUẤT được 1/")
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig"))))
    missing = [r for r in index if r["Tình trạng"] != "Đã xuất"]
    assert [r["SHA-256"] for r in missing] == [lost["sha256"]]
    assert missing[0]["Tình trạng"].startswith("Chưa xuất: không còn trong kho lưu trữ")
    assert all((out / r["Tệp trong thư mục"]).is_file() for r in index if r not in missing)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_register_and_every_export_are_readable_by_their_owner_only(
    register: Register, tmp_path: Path
) -> None:
    before = os.umask(0o022)  # a person at a shell: 0644 files unless the command says otherwise
    try:
        register.dovecot.seed(ROOT / "tests" / "data" / "mail", folder=register.folder)
        register.run("poll")
        outputs = [tmp_path / name for name in ("c.xlsx", "s.csv", "i.json", "c.txt", "d.html")]
        for report, path in zip(REPORTS + REPORTS[:1], outputs, strict=False):
            register.run("report", report, "--output", str(path))
        register.run("digest", "--date", "2024-06-26", "--output", str(outputs[-1]))
        register.run("export", "files", "--output", str(tmp_path / "hoso"))
    finally:
        os.umask(before)
    assert {p.name: mode(p) for p in outputs} == {p.name: 0o600 for p in outputs}
    exported = list((tmp_path / "hoso").rglob("*"))
    assert {mode(p) for p in exported if p.is_file()} == {0o600}
    assert {mode(p) for p in exported if p.is_dir()} == {0o700}
    storage = register.config.parent / "files"
    assert {mode(p) for p in [storage, *storage.rglob("*")] if p.is_dir()} == {0o700}
    assert {mode(p) for p in storage.rglob("*") if p.is_file()} == {0o600}
    if "sqlite" in register.config.read_text(encoding="utf-8"):
        assert mode(register.config.parent / "register.db") == 0o600


def test_a_report_that_cannot_be_written_says_so_in_one_line(
    register: Register, tmp_path: Path
) -> None:
    output = tmp_path / "khong-co-thu-muc" / "c.csv"
    result = register.run("report", "compliance", "--output", str(output), check=False)
    assert result.returncode == 1
    assert result.stderr == f"Không ghi được {output}: không tìm thấy tệp hoặc thư mục\n"
