"""The configuration keys of the service: [schedule] stale_after, [[mailboxes]] idle."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_stale_after_is_read_from_the_schedule(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert "[schedule]\n" in text
    config = tmp_path / "config.toml"
    config.write_text(text.replace("[schedule]\n", '[schedule]\nstale_after = "2h"\n'))
    assert load_config(config).schedule.stale_after == timedelta(hours=2)
    assert load_config(ROOT / "config.toml").schedule.stale_after is None


def test_a_bad_stale_after_names_the_key(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(text.replace("[schedule]\n", '[schedule]\nstale_after = "soon"\n'))
    with pytest.raises(ConfigError, match=r"\[schedule\]\.stale_after"):
        load_config(config)


def test_idle_is_off_unless_asked_for(tmp_path: Path) -> None:
    assert load_config(ROOT / "config.toml").mailboxes[0].idle is False
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(text.replace('folder = "INBOX"\n', 'folder = "INBOX"\nidle = true\n'))
    assert load_config(config).mailboxes[0].idle is True


def test_idle_must_be_a_boolean(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(text.replace('folder = "INBOX"\n', 'folder = "INBOX"\nidle = "yes"\n'))
    with pytest.raises(ConfigError, match=r"mailboxes\[0\]\]\.idle"):
        load_config(config)
