from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.config import ConfigError, load_config, load_roster, parse_duration

ROOT = Path(__file__).resolve().parents[2]


def write_config(folder: Path, replace: tuple[str, str] | None = None) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    (folder / "units.toml").write_text((ROOT / "units.toml").read_text(encoding="utf-8"))
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_configuration_is_the_2024_campaign() -> None:
    config = load_config(ROOT / "config.toml")
    assert (config.campaign.opens, config.campaign.closes) == (date(2024, 5, 15), date(2024, 6, 25))
    assert config.campaign.timezone == "Asia/Ho_Chi_Minh"
    assert config.campaign.code == "2024"
    assert config.campaign.requires == ("soft_file",)
    assert config.campaigns == (config.campaign,)
    assert config.find_campaign("2024") is config.campaign
    assert config.find_campaign("2025") is None
    assert config.schedule.poll_every == timedelta(minutes=5)
    assert config.mailboxes[0].security == "ssl"


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    assert config.database_url == f"sqlite:///{tmp_path / 'var' / 'cchc-inbox.db'}"
    assert config.storage_dir == tmp_path / "var" / "files"
    assert config.units_file == tmp_path / "units.toml"


def test_the_shipped_roster_has_the_town_fourteen_communes_and_the_offices() -> None:
    roster = load_roster(ROOT / "units.toml")
    kinds = [u.kind.value for u in roster.units]
    assert kinds.count("town") == 1
    assert kinds.count("commune") == 14
    assert kinds.count("office") >= 12
    assert all(not u.required for u in roster.units if u.kind.value == "mass_org")
    assert roster.by_code("xa-hoa-thanh") is not None
    assert roster.by_code("xa-hoa-thanh").name == "UBND xã Hòa Thạnh"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (("opens = 2024-05-15", 'opens = "15/5/2024"'), "[campaign].opens: phải là một ngày"),
        (("closes = 2024-06-25", "closes = 2024-05-01"), "[campaign].closes: trước ngày"),
        (('security = "ssl"', 'security = "tls"'), "[mailboxes[0]].security: phải là một trong"),
        (('security = "ssl"', 'security = "none"'), "chỉ dùng được với máy chủ trên chính máy này"),
        (
            ('poll_every = "5m"', 'poll_every = "often"'),
            "[schedule].poll_every: cần một khoảng thời gian",
        ),
        (('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Saigonn"'), "không có múi giờ"),
        (
            ("min_per_unit = 1 ", 'min_per_unit = 1\ncode = "năm 2024" '),
            "[campaign].code: mã 'năm 2024' không hợp lệ",
        ),
        (
            ("min_per_unit = 1 ", 'min_per_unit = 1\nrequires = ["soft_file", "paper"] '),
            "[campaign].requires: 'paper' không phải là một hình thức nộp",
        ),
        (
            ("min_per_unit = 1 ", "min_per_unit = 1\nrequires = [] "),
            "[campaign].requires: cần một danh sách không rỗng",
        ),
        (
            ("[database]", "[databse]"),
            "bảng `[databse]` không hợp lệ — có phải ý bạn là `[database]`?",
        ),
    ],
)
def test_a_wrong_value_names_the_file_and_the_key(
    tmp_path: Path, replace: tuple[str, str], message: str
) -> None:
    path = write_config(tmp_path, replace)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_a_campaign_names_its_code_and_the_forms_it_requires(tmp_path: Path) -> None:
    extra = 'min_per_unit = 1\ncode = "cchc-2024"\nrequires = ["soft_file", "paper_copy"] '
    config = load_config(write_config(tmp_path, ("min_per_unit = 1 ", extra)))
    assert config.campaign.code == "cchc-2024"
    assert config.campaign.requires == ("soft_file", "paper_copy")


def test_a_roster_with_a_bad_kind_names_the_unit(tmp_path: Path) -> None:
    roster = tmp_path / "units.toml"
    roster.write_text('[[unit]]\ncode = "x"\nname = "X"\nkind = "ward"\nrequired = true\n')
    with pytest.raises(ConfigError, match=r'\[\[unit\]\] "x"\.kind: \'ward\' không phải một trong'):
        load_roster(roster)


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ('"huyện Châu Thành"', "area: phải là danh sách địa danh"),
        ('["Châu Thành"]', r"area: 'Châu Thành' phải gồm một cấp \(tỉnh, huyện"),
        ('["huyện"]', r"area: 'huyện' phải gồm một cấp \(tỉnh, huyện"),
    ],
)
def test_a_roster_with_a_bad_area_is_refused(tmp_path: Path, area: str, message: str) -> None:
    roster = tmp_path / "units.toml"
    unit = '[[unit]]\ncode = "x"\nname = "UBND xã X"\nkind = "commune"\nrequired = true\n'
    roster.write_text(f"area = {area}\n{unit}", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_roster(roster)


def test_an_address_book_naming_an_unknown_unit_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "addresses.toml"
    book.write_text('[addresses]\n"a@b.vn" = "xa-khong-co"\n')
    with pytest.raises(ConfigError, match="đơn vị 'xa-khong-co' không có trong danh sách"):
        load_roster(ROOT / "units.toml", book)


def test_an_invalid_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = write_config(tmp_path, ("min_per_unit = 1", "min_per_unit = -1"))
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--config", str(path), "report", "compliance"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Lỗi cấu hình: {path}: [campaign].min_per_unit: phải là một số nguyên ≥ 0"
    ]


def test_a_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--config", str(tmp_path / "nope.toml"), "poll"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.toml'}: không tìm thấy tệp" in result.stderr


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("5m", 300), ("1h", 3600), ("2d", 172800)]
)
def test_durations_are_read(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


TWO_CAMPAIGNS = """[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2024"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"
requires = ["soft_file", "paper_copy"]

[[campaigns]]
code = "bc-quy-2-2024"
name = "Báo cáo CCHC quý II năm 2024"
opens = 2024-06-01
closes = 2024-06-15
timezone = "Asia/Ho_Chi_Minh"
keywords = ["báo cáo CCHC quý II", "báo cáo quý II"]
"""


def with_campaigns(folder: Path, campaigns: str) -> Path:
    """Write the shipped configuration with its [campaign] table replaced by ``campaigns``."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    head, rest = text.split("[campaign]\n", 1)
    tail = rest[rest.index("[schedule]") :]
    return write_config(folder, (text, head + campaigns + "\n" + tail))


def test_several_campaigns_are_read_in_order_with_their_codes_and_keywords(
    tmp_path: Path,
) -> None:
    config = load_config(with_campaigns(tmp_path, TWO_CAMPAIGNS))
    assert [c.code for c in config.campaigns] == ["2024", "bc-quy-2-2024"]
    assert config.campaigns[1].keywords == ("báo cáo CCHC quý II", "báo cáo quý II")
    assert config.campaigns[0].requires == ("soft_file", "paper_copy")
    assert config.campaign.code == "bc-quy-2-2024"  # the one that opens last


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('code = "bc-quy-2-2024"', 'code = "2024"'), "[campaigns[1]].code: mã '2024' đã dùng"),
        (
            ("closes = 2024-06-15", "closes = 2024-05-15"),
            "[campaigns[1]].closes: trước ngày [campaigns[1]].opens",
        ),
        (
            ("keywords = [", "keywrods = ["),
            "khóa `keywrods` không hợp lệ — có phải ý bạn là `keywords`?",
        ),
        (
            ('keywords = ["báo cáo CCHC quý II", "báo cáo quý II"]', "keywords = [2]"),
            "[campaigns[1]].keywords",
        ),
    ],
)
def test_a_wrong_campaign_names_the_file_and_the_campaign(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in TWO_CAMPAIGNS
    path = with_campaigns(tmp_path, TWO_CAMPAIGNS.replace(*change))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_a_campaign_table_and_campaigns_tables_together_are_refused(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path = write_config(tmp_path, (text, text + "\n" + TWO_CAMPAIGNS))
    with pytest.raises(ConfigError, match=r"\[campaign\] hoặc các bảng \[\[campaigns\]\]"):
        load_config(path)
