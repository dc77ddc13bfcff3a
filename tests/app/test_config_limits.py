from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from parsers.limits import DEFAULT_LIMITS, Limits
from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def config_with(folder: Path, extra: str) -> Path:
    (folder / "units.toml").write_text((ROOT / "units.toml").read_text(encoding="utf-8"))
    path = folder / "config.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


def test_without_a_limits_table_the_defaults_apply(tmp_path: Path) -> None:
    assert load_config(config_with(tmp_path, "")).limits == DEFAULT_LIMITS


def test_limits_are_read_in_megabytes_and_seconds(tmp_path: Path) -> None:
    extra = "[limits]\nmax_file_mb = 10\nmax_depth = 2\ntimeout_seconds = 15\n"
    limits = load_config(config_with(tmp_path, extra)).limits
    assert limits == Limits(max_file_bytes=10 * 1024 * 1024, max_depth=2, timeout_seconds=15.0)


def test_ocr_is_on_unless_turned_off_and_reads_at_most_ocr_max_pages(tmp_path: Path) -> None:
    assert DEFAULT_LIMITS.ocr is True
    extra = '[limits]\nocr = "off"\nocr_max_pages = 3\n'
    limits = load_config(config_with(tmp_path, extra)).limits
    assert (limits.ocr, limits.ocr_max_pages) == (False, 3)


def test_photos_are_read_up_to_photo_max_megapixels(tmp_path: Path) -> None:
    limits = load_config(config_with(tmp_path, "[limits]\nphoto_max_megapixels = 24\n")).limits
    assert limits.photo_max_pixels == 24_000_000


def test_scan_pages_are_read_ocr_workers_at_a_time(tmp_path: Path) -> None:
    assert DEFAULT_LIMITS.ocr_workers == min(4, os.cpu_count() or 1)
    limits = load_config(config_with(tmp_path, "[limits]\nocr_workers = 1\n")).limits
    assert limits.ocr_workers == 1


def test_a_bad_ocr_workers_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = config_with(tmp_path, "[limits]\nocr_workers = 0\n")
    result = run_cli("--config", str(path), "report", "compliance")
    assert result.exit_code == 2
    assert f"Lỗi cấu hình: {path}: [limits].ocr_workers: phải là một số nguyên ≥ 1" in (
        result.output
    )


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('[limits]\nocr = "on"\n', "[limits].ocr"),
        ("[limits]\nocr_max_pages = 0\n", "[limits].ocr_max_pages"),
        ("[limits]\nocr_workers = 0\n", "[limits].ocr_workers"),
        ('[limits]\nocr_workers = "4"\n', "[limits].ocr_workers"),
        ("[limits]\nocr_workers = 1.5\n", "[limits].ocr_workers"),
        ("[limits]\nmax_members = 0\n", "[limits].max_members"),
        ("[limits]\nphoto_max_megapixels = 0\n", "[limits].photo_max_megapixels"),
        ('[limits]\ntimeout_seconds = "1m"\n', "[limits].timeout_seconds"),
        ("[limits]\nmax_zip = 3\n", "[limits]: khóa `max_zip` không hợp lệ"),
    ],
)
def test_a_bad_limit_names_its_key(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(config_with(tmp_path, extra))
    assert key in str(error.value)
