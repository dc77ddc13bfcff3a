"""The paper copy through the real CLI: `paper add/list/remove`, `campaign`, the report."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from sqlalchemy import text

from store.db import make_engine
from tests.e2e.conftest import ROOT, Register
from tests.e2e.test_digest import SAMPLES, configure_mail
from tests.e2e.test_review import deliver
from tests.smtp_sandbox import SmtpSandbox, smtp_server

pytestmark = pytest.mark.dovecot
__all__ = ["smtp_server"]

THAI_BINH = "01-thai-binh-docx.eml"


@pytest.fixture
def paper_register(register: Register) -> Register:
    """The register with a campaign that requires the paper copy as well as the file."""
    text = register.config.read_text(encoding="utf-8")
    assert text.count("closes = 2024-06-25") == 1
    text = text.replace(
        "closes = 2024-06-25", 'closes = 2024-06-25\nrequires = ["soft_file", "paper_copy"]'
    )
    register.config.write_text(text, encoding="utf-8")
    return register


def unit(register: Register, code: str) -> dict[str, Any]:
    units = register.json("report", "compliance")["units"]
    assert isinstance(units, list)
    return next(u for u in units if u["code"] == code)


def paper_list(register: Register) -> list[dict[str, Any]]:
    records = register.json("paper", "list")["paper_copies"]
    assert isinstance(records, list)
    return records


def test_a_paper_copy_that_arrives_before_the_email_makes_the_unit_chi_co_ban_giay_then_du_ho_so(
    paper_register: Register,
) -> None:
    added = paper_register.run(
        "paper", "add", "xa-thai-binh", "--date", "2024-05-20", "--copies", "2", "--by", "hoa"
    )
    assert "Đã ghi nhận bản giấy của UBND xã Thái Bình (xa-thai-binh), đợt 2024" in added.stdout
    assert "chỉ có bản giấy" in added.stdout
    before = unit(paper_register, "xa-thai-binh")
    assert (before["status"], before["forms"], before["complete"]) == (
        "missing",
        "paper_copy_only",
        False,
    )
    assert before["paper_copy"] == {
        "received_on": "2024-05-20",
        "copies": 2,
        "received_by": None,
        "on_time": True,
    }
    deliver(paper_register, THAI_BINH)
    paper_register.run("poll")
    after = unit(paper_register, "xa-thai-binh")
    assert (after["status"], after["forms"], after["complete"]) == ("on_time", "complete", True)
    table = paper_register.run("report", "compliance").stdout
    assert "Bản giấy" in table and "Đủ hồ sơ" in table and "Đúng hạn 20/05/2024 (2 bản)" in table
    report = paper_register.json("report", "compliance")
    assert report["campaign"]["code"] == "2024"
    assert report["campaign"]["requires"] == ["soft_file", "paper_copy"]


def test_an_email_whose_paper_copy_never_arrives_is_thieu_ban_giay(
    paper_register: Register,
) -> None:
    deliver(paper_register, THAI_BINH)
    paper_register.run("poll")
    standing = unit(paper_register, "xa-thai-binh")
    assert (standing["status"], standing["forms"], standing["paper_copy"]) == (
        "on_time",
        "missing_paper_copy",
        None,
    )
    assert "Thiếu bản giấy" in paper_register.run("report", "compliance").stdout


def test_a_late_paper_copy_is_listed_late_and_the_unit_is_still_complete(
    paper_register: Register,
) -> None:
    deliver(paper_register, THAI_BINH)
    paper_register.run("poll")
    added = paper_register.run(
        "paper", "add", "xa-thai-binh", "--date", "2024-06-28", "--received-by", "Lan"
    )
    assert "Bản giấy nộp trễ hạn (hạn chót 25/06/2024)." in added.stdout
    [record] = paper_list(paper_register)
    assert (record["unit"], record["on_time"], record["received_by"]) == (
        "xa-thai-binh",
        False,
        "Lan",
    )
    standing = unit(paper_register, "xa-thai-binh")
    assert standing["paper_copy"]["on_time"] is False and standing["complete"] is True
    assert "Trễ hạn" in paper_register.run("paper", "list").stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("xa-khong-co", "--date", "2024-06-20"), "Không có đơn vị mã 'xa-khong-co'"),
        (("xa-an-co", "--date", "2024-06-20", "--campaign", "2023"), "Không có đợt mã '2023'"),
        (("xa-an-co", "--date", "2024-06-20", "--copies", "0"), "Số bản giấy phải từ 1"),
        (("xa-an-co", "--date", "2999-01-01"), "ngày trong tương lai"),
        (("xa-an-co", "--date", "20/06/2024"), "phải là một ngày dạng YYYY-MM-DD"),
        (("xa-an-co",), "thiếu tùy chọn `--date`"),
    ],
)
def test_bad_input_exits_2_with_one_vietnamese_line_and_nothing_is_written(
    register: Register, args: tuple[str, ...], words: str
) -> None:
    result = register.run("paper", "add", *args, check=False)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert paper_list(register) == []


def test_a_second_paper_copy_is_refused_until_the_first_is_removed(register: Register) -> None:
    register.run("paper", "add", "xa-an-co", "--date", "2024-06-20")
    again = register.run("paper", "add", "xa-an-co", "--date", "2024-06-21", check=False)
    assert again.returncode == 2
    assert "cchc-inbox paper remove xa-an-co" in again.stderr
    removed = register.run("paper", "remove", "xa-an-co", "--by", "hoa")
    assert "Đã xoá bản giấy của UBND xã An Cơ (xa-an-co)" in removed.stdout
    nothing = register.run("paper", "remove", "xa-an-co", check=False)
    assert nothing.returncode == 2 and "chưa có bản giấy nào" in nothing.stderr
    register.run("paper", "add", "xa-an-co", "--date", "2024-06-21", "--copies", "3")
    assert [(r["received_on"], r["copies"]) for r in paper_list(register)] == [("2024-06-21", 3)]
    # Without the paper copy required, the record is kept but the report has no column for it.
    assert "Bản giấy" not in register.run("report", "compliance").stdout
    assert unit(register, "xa-an-co")["paper_copy"]["copies"] == 3


def test_campaign_list_and_show_describe_the_configured_campaign(
    paper_register: Register,
) -> None:
    [listed] = paper_register.json("campaign", "list")["campaigns"]  # type: ignore[misc]
    shown = paper_register.json("campaign", "show", "2024")
    assert listed == shown
    assert {k: shown[k] for k in ("code", "opens", "closes", "timezone", "requires")} == {
        "code": "2024",
        "opens": "2024-05-15",
        "closes": "2024-06-25",
        "timezone": "Asia/Ho_Chi_Minh",
        "requires": ["soft_file", "paper_copy"],
    }
    assert isinstance(shown["required_units"], int) and shown["required_units"] > 10
    table = paper_register.run("campaign", "show", "2024").stdout
    assert "Bản giấy" in table and "25/06/2024" in table and "Số đơn vị bắt buộc" in table
    assert "2024" in paper_register.run("campaign", "list").stdout
    unknown = paper_register.run("campaign", "show", "1999", check=False)
    assert unknown.returncode == 2 and "Không có đợt mã '1999'" in unknown.stderr


@pytest.mark.parametrize(
    "command",
    [("paper", "add"), ("paper", "list"), ("paper", "remove"), ("campaign", "show")],
)
def test_each_command_explains_itself_in_vietnamese_with_an_example(
    register: Register, command: tuple[str, ...]
) -> None:
    text = register.run(*command, "--help").stdout
    assert "Ví dụ:" in text and f"cchc-inbox {' '.join(command)}" in text


def test_the_audit_trail_records_who_added_and_removed_a_paper_copy(register: Register) -> None:
    register.run("paper", "add", "xa-an-co", "--date", "2024-06-20", "--by", "hoa")
    register.run("paper", "remove", "xa-an-co", "--by", "lan")
    config = register.config.read_text(encoding="utf-8")
    line = next(x for x in config.splitlines() if x.startswith("url = "))
    engine = make_engine(line.split("=", 1)[1].strip().strip('"'))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT actor, action, target, ok FROM audit_events ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("hoa", "paper_add", "paper:2024/xa-an-co", True),
        ("lan", "paper_remove", "paper:2024/xa-an-co", True),
    ]


def test_reminders_and_the_digest_name_the_units_whose_paper_copy_is_missing(
    paper_register: Register, smtp_server: SmtpSandbox
) -> None:
    configure_mail(paper_register, smtp_server, receipts=False)
    paper_register.dovecot.seed(SAMPLES, folder=paper_register.folder)
    paper_register.run("poll")
    paper_register.run("paper", "add", "xa-thai-binh", "--date", "2024-06-20")
    units = {u["code"]: u for u in paper_register.json("report", "compliance")["units"]}  # type: ignore[union-attr]
    assert units["xa-thai-binh"]["forms"] == "complete"
    with (ROOT / "demo" / "addresses.toml").open("rb") as handle:
        book = tomllib.load(handle)["addresses"]
    only_paper = {
        c for c, u in units.items() if u["required"] and u["forms"] == "missing_paper_copy"
    }
    missing = {c for c, u in units.items() if u["required"] and u["forms"] == "missing"}
    dry = paper_register.run("remind", "--date", "2024-06-23", "--dry-run").stdout
    assert "UBND xã Thái Bình" not in dry and "(thiếu bản giấy)" in dry
    paper_register.run("remind", "--date", "2024-06-23")
    subjects = {a: m.message["Subject"] for m in smtp_server.received for a in m.rcpt_tos}
    paper_addresses = {a for a, c in book.items() if c in only_paper}
    file_addresses = {a for a, c in book.items() if c in missing}
    assert paper_addresses and file_addresses, "the samples have units of both kinds"
    assert set(subjects) == paper_addresses | file_addresses
    assert {subjects[a].split(":")[0] for a in paper_addresses} == {
        "Nhắc nộp bản giấy sáng kiến CCHC"
    }
    assert {subjects[a].split(":")[0] for a in file_addresses} == {"Nhắc gửi sáng kiến CCHC"}
    assert not {a for a, c in book.items() if c == "xa-thai-binh"} & set(subjects)
    text = paper_register.run("digest", "--date", "2024-06-26").stdout
    _, _, tail = text.partition("CHƯA NỘP BẢN GIẤY (")
    count, _, rest = tail.partition(")")
    # Every required unit but the one that handed its paper copy in, file or no file.
    assert int(count) == len(only_paper | missing)
    listed = rest.split("\n\n", 1)[0]
    assert "UBND xã Thái Bình" not in listed and "UBND xã An Cơ" in listed
