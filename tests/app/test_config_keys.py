"""Unknown keys are refused (with the closest valid one), and every message is Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import ConfigError, load_config, load_roster
from tests.app.test_config import ROOT, write_config

MAIL = """
[smtp]
host = "127.0.0.1"
security = "none"
from = "Phòng Nội vụ <phongnv-cth@tayninh.gov.vn>"
[digest]
to = ["phongnv-cth@tayninh.gov.vn"]
[notifications]
receipts = false
[limits]
max_file_mb = 10
"""
UNIT = '[[unit]]\ncode = "xa-an-co"\nname = "UBND xã An Cơ"\nkind = "commune"\nrequired = true\n'


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return str(raised.value)


def roster_error(units: Path, book: Path | None = None) -> str:
    with pytest.raises(ConfigError) as raised:
        load_roster(units, book)
    return str(raised.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "min_per_unit = 1",
            "min_per_unti = 1",
            "[campaign]: khóa `min_per_unti` không hợp lệ — có phải ý bạn là `min_per_unit`?",
        ),
        (
            'security = "ssl"',
            'securty = "none"',
            "[mailboxes[0]]: khóa `securty` không hợp lệ — có phải ý bạn là `security`?",
        ),
        (
            'url = "sqlite',
            'ulr = "sqlite',
            "[database]: khóa `ulr` không hợp lệ — có phải ý bạn là `url`?",
        ),
        (
            'dir = "var/files"',
            'dirs = "var/files"',
            "[storage]: khóa `dirs` không hợp lệ — có phải ý bạn là `dir`?",
        ),
        (
            'file = "units.toml"',
            'files = "units.toml"',
            "[units]: khóa `files` không hợp lệ — có phải ý bạn là `file`?",
        ),
        (
            'digest_at = "07:00"',
            'digest_at = "07:00"\ncolour = "blue"',
            "[schedule]: khóa `colour` không hợp lệ (các khóa hợp lệ: poll_every, digest_at",
        ),
        (
            "[[mailboxes]]",
            "[[mailbox]]",
            "bảng `[mailbox]` không hợp lệ — có phải ý bạn là `[mailboxes]`?",
        ),
        (
            'host = "127.0.0.1"',
            'hots = "127.0.0.1"',
            "[smtp]: khóa `hots` không hợp lệ — có phải ý bạn là `host`?",
        ),
        ("to = [", "too = [", "[digest]: khóa `too` không hợp lệ — có phải ý bạn là `to`?"),
        (
            "receipts = false",
            "receipt = false",
            "[notifications]: khóa `receipt` không hợp lệ — có phải ý bạn là `receipts`?",
        ),
        (
            "max_file_mb = 10",
            "max_file_size = 10",
            "[limits]: khóa `max_file_size` không hợp lệ — có phải ý bạn là `max_file_mb`?",
        ),
    ],
)
def test_an_unknown_key_in_any_table_names_the_file_the_table_and_the_closest_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = write_config(tmp_path)
    text = path.read_text(encoding="utf-8") + MAIL
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert config_error(path).startswith(f"{path}: {message}")


def test_a_misspelt_required_key_is_reported_as_a_typo_not_as_missing(tmp_path: Path) -> None:
    path = write_config(tmp_path, ('poll_every = "5m"', 'pol_every = "5m"'))
    assert config_error(path) == (
        f"{path}: [schedule]: khóa `pol_every` không hợp lệ — có phải ý bạn là `poll_every`?"
    )


def test_a_missing_required_key_is_named_as_missing(tmp_path: Path) -> None:
    path = write_config(tmp_path, ('poll_every = "5m"', ""))
    assert "[schedule].poll_every: bắt buộc, chưa có" in config_error(path)


def test_an_error_names_the_configuration_file_by_its_absolute_normalised_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    write_config(tmp_path, ("min_per_unit = 1", "min_per_unit = -1"))
    monkeypatch.chdir(tmp_path / "sub")
    message = config_error(Path("..") / "config.toml")
    assert message.startswith(f"{tmp_path / 'config.toml'}: [campaign].min_per_unit")


def test_relative_paths_come_out_absolute_and_normalised() -> None:
    config = load_config(ROOT / "demo" / "config.toml")
    assert config.database_url == f"sqlite:///{ROOT / 'var' / 'demo' / 'cchc-inbox.db'}"
    assert config.storage_dir == ROOT / "var" / "demo" / "files"
    assert config.units_file == ROOT / "units.toml"
    assert config.addresses_file == ROOT / "demo" / "addresses.toml"
    assert ".." not in config.database_url


def test_an_unknown_key_in_a_roster_unit_names_the_unit_by_its_code(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT + UNIT.replace("an-co", "an-binh").replace("required", "requird"))
    assert roster_error(units) == (
        f'{units}: [[unit]] "xa-an-binh": khóa `requird` không hợp lệ — '
        "có phải ý bạn là `required`?"
    )


def test_a_roster_unit_without_a_code_is_named_by_its_name(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT + UNIT.replace('code = "xa-an-co"\n', ""), encoding="utf-8")
    assert roster_error(units) == (
        f'{units}: [[unit]] "UBND xã An Cơ".code: bắt buộc, một mã như "xa-thai-binh"'
    )


def test_a_roster_value_error_names_the_unit_by_its_code(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT.replace("required = true", 'required = "có"'), encoding="utf-8")
    assert roster_error(units) == (
        f'{units}: [[unit]] "xa-an-co".required: bắt buộc, true hoặc false'
    )


def test_a_code_used_twice_names_the_code(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT + UNIT, encoding="utf-8")
    assert roster_error(units) == (
        f'{units}: [[unit]] "xa-an-co".code: mã này đã dùng cho một đơn vị khác'
    )


def test_an_unknown_top_level_key_in_the_roster_is_refused(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text('aera = ["tỉnh Tây Ninh"]\n' + UNIT, encoding="utf-8")
    assert "khóa `aera` không hợp lệ — có phải ý bạn là `area`?" in roster_error(units)


def test_an_unknown_table_in_the_address_book_is_refused(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT, encoding="utf-8")
    book = tmp_path / "addresses.toml"
    book.write_text('[adresses]\n"a@b.vn" = "xa-an-co"\n', encoding="utf-8")
    assert roster_error(units, book) == (
        f"{book}: khóa `adresses` không hợp lệ — có phải ý bạn là `addresses`?"
    )


def test_an_address_book_entry_that_is_not_an_address_is_refused(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNIT, encoding="utf-8")
    book = tmp_path / "addresses.toml"
    book.write_text('[addresses]\n"xa-an-co" = "xa-an-co"\n', encoding="utf-8")
    assert "[addresses] 'xa-an-co': không phải địa chỉ thư điện tử" in roster_error(units, book)


BROKEN_CONFIGS = [
    ("[database]", "[databse]"),
    ('url = "sqlite:///var/cchc-inbox.db"', 'url = ""'),
    ('dir = "var/files"', "dir = 3"),
    ("opens = 2024-05-15", 'opens = "2024-05-15"'),
    ("closes = 2024-06-25", "closes = 2024-05-01"),
    ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "ICT"'),
    ("min_per_unit = 1", 'min_per_unit = "một"'),
    ('poll_every = "5m"', 'poll_every = "5"'),
    ('poll_every = "5m"', 'poll_every = "5s"'),
    ('digest_at = "07:00"', 'digest_at = "7 giờ"'),
    ('security = "ssl"', 'security = "tls"'),
    ('security = "ssl"', 'security = "none"'),
    ("port = 993", "port = 99999"),
    ('password_env = "CCHC_IMAP_PASSWORD"', 'password_file = "x"\npassword_env = "X"'),
    ('password_env = "CCHC_IMAP_PASSWORD"', ""),
    ('folder = "INBOX"', 'folder = "INBOX"\nbatch_size = 0'),
    ('folder = "INBOX"', 'folder = "INBOX"\nidle = "có"'),
    ('folder = "INBOX"', 'folder = "INBOX"\nmark_processed = "xóa"'),
    ('folder = "INBOX"', 'folder = "INBOX"\nmark_processed = "move"'),
    ('name = "phongnv"', 'name = ""'),
    (
        "[campaign]",
        '[[mailboxes]]\nname = "phongnv"\nhost = "h"\nusername = "u"\npassword_env = "X"\n'
        "[campaign]",
    ),
    ("[campaign]", "[limits]\nocr = true\n[campaign]"),
    ("[campaign]", "[limits]\nmax_depth = 0\n[campaign]"),
    ("[campaign]", "[limits]\ntimeout_seconds = -1\n[campaign]"),
    ("[campaign]", "[digest]\nto = 'x'\n[campaign]"),
    ("[campaign]", "[notifications]\nreceipts = 1\n[campaign]"),
    ("[campaign]", "[notifications]\nreminder_days_before = [-1]\n[campaign]"),
    ("[campaign]", '[smtp]\nhost = "h"\nfrom = "x"\n[campaign]'),
    ("[campaign]", '[smtp]\nhost = "h"\nfrom = "a@b"\nusername = "u"\n[campaign]'),
    ("[campaign]", '[smtp]\nhost = "h"\nfrom = "a@b"\nretry_after = "soon"\n[campaign]'),
    ("[campaign]", '[smtp]\nhost = "h"\nfrom = "a@b"\nmax_attempts = 0\n[campaign]'),
    ("[campaign]", "x = = 1\n[campaign]"),
]


@pytest.mark.parametrize(("old", "new"), BROKEN_CONFIGS)
def test_every_configuration_error_is_vietnamese(tmp_path: Path, old: str, new: str) -> None:
    path = write_config(tmp_path, (old, new))
    problem = config_error(path).removeprefix(f"{path}: ")
    assert re.search(r"[ạ-ỹà-ỹđĐ]", problem), problem
    for english in ("must", "required", "missing", "expected", "unknown", "give ", "not valid"):
        assert english not in problem, problem


def test_a_file_that_does_not_exist_is_named(tmp_path: Path) -> None:
    assert config_error(tmp_path / "nope.toml") == f"{tmp_path / 'nope.toml'}: không tìm thấy tệp"


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    assert config_error(path) == (f"{path}: tệp không phải UTF-8: hãy lưu lại với mã hóa UTF-8")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            'until = 2025-06-30\nsuccessor = "xa-khong-co"\n',
            "[[unit]] \"xa-an-co\".successor: đơn vị 'xa-khong-co' không có trong danh sách",
        ),
        ('successor = "xa-an-binh"\n', '[[unit]] "xa-an-co".successor: cần until'),
        ("from = 2025-07-01\nuntil = 2025-06-30\n", '[[unit]] "xa-an-co".until: trước ngày'),
        ('until = "2025-06-30"\n', '[[unit]] "xa-an-co".until: phải là một ngày'),
    ],
)
def test_a_wrong_date_or_successor_in_the_roster_names_the_unit_and_key(
    tmp_path: Path, extra: str, message: str
) -> None:
    units = tmp_path / "units.toml"
    other = UNIT.replace("an-co", "an-binh").replace("An Cơ", "An Bình")
    units.write_text(UNIT + extra + other, encoding="utf-8")
    found = roster_error(units)
    assert found.startswith(f"{units}: ")
    assert message in found


def test_successors_that_come_back_to_themselves_are_refused(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    first = UNIT + 'until = 2025-06-30\nsuccessor = "xa-an-binh"\n'
    second = UNIT.replace("an-co", "an-binh").replace("An Cơ", "An Bình")
    units.write_text(first + second + 'until = 2026-06-30\nsuccessor = "xa-an-co"\n', "utf-8")
    assert "successor: đơn vị kế thừa quay vòng lại chính nó" in roster_error(units)


def test_a_web_table_in_the_configuration_file_is_read(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    extra = '\n[web]\nbind = "0.0.0.0:8081"\nthreads = 4\nlockout = "30m"\nbehind_proxy = true\n'
    config = load_config(write_config(tmp_path, (text, text + extra)))
    assert (config.web.bind, config.web.threads, config.web.behind_proxy) == (
        "0.0.0.0:8081",
        4,
        True,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '\n[web]\nbnd = "0.0.0.0:8081"\n',
            "[web]: khóa `bnd` không hợp lệ — có phải ý bạn là `bind`?",
        ),
        ('\n[web]\nbind = "8081"\n', '[web].bind: cần dạng MÁY:CỔNG, ví dụ "127.0.0.1:8080"'),
        ('\n[web]\nlockout = "30s"\n', "[web].lockout: phải ít nhất 1m"),
    ],
)
def test_a_wrong_web_key_is_named_in_vietnamese(tmp_path: Path, extra: str, message: str) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert message in config_error(write_config(tmp_path, (text, text + extra)))
