"""The optional [smtp], [digest] and [notifications] sections."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
SMTP = """
[smtp]
host = "mail.tayninh.gov.vn"
port = 587
security = "starttls"
username = "phongnv-cth@tayninh.gov.vn"
password_env = "CCHC_SMTP_PASSWORD"
from = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"

[digest]
to = ["phongnv-cth@tayninh.gov.vn"]

[notifications]
receipts = false
reminder_days_before = [7, 2]
"""


def config_with(tmp_path: Path, extra: str) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    (tmp_path / "units.toml").write_text((ROOT / "units.toml").read_text(encoding="utf-8"))
    path = tmp_path / "config.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_a_configuration_without_mail_sections_still_loads_and_sends_nothing(
    tmp_path: Path,
) -> None:
    config = load_config(config_with(tmp_path, ""))
    assert config.smtp is None
    assert config.digest.to == ()
    assert not config.notifications.receipts
    assert config.notifications.reminder_days_before == ()


def test_the_documented_mail_sections_load(tmp_path: Path) -> None:
    config = load_config(config_with(tmp_path, SMTP))
    assert config.smtp is not None
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == (
        "mail.tayninh.gov.vn",
        587,
        "starttls",
    )
    assert config.smtp.sender.startswith("Phòng Nội vụ")
    assert config.smtp.retry_after == timedelta(minutes=1)
    assert config.digest.to == ("phongnv-cth@tayninh.gov.vn",)
    assert config.notifications.reminder_days_before == (2, 7)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('security = "starttls"', 'security = "tls"', "[smtp].security"),
        ('security = "starttls"', 'security = "none"', "[smtp].security"),
        ("port = 587", "port = 70000", "[smtp].port"),
        ('password_env = "CCHC_SMTP_PASSWORD"', "", "[smtp]"),
        (
            'from = "Phòng',
            'fro = "Phòng',
            "[smtp]: khóa `fro` không hợp lệ — có phải ý bạn là `from`?",
        ),
        ('to = ["phongnv-cth@tayninh.gov.vn"]', 'to = "phongnv-cth"', "[digest].to"),
        ("receipts = false", 'receipts = "yes"', "[notifications].receipts"),
        ("[7, 2]", "[7, -2]", "[notifications].reminder_days_before"),
    ],
)
def test_a_wrong_mail_setting_names_its_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in SMTP
    path = config_with(tmp_path, SMTP.replace(old, new))
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_config(path)
