"""What the command line tells a person: one Vietnamese line, what happened and what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.db import make_engine, newest_revisions, upgrade_schema
from tests.cli import ROOT, run_cli, write_local_config


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


# ------------------------------------------------------------------ configuration


def test_check_config_refuses_a_misspelt_key_and_names_the_closest(tmp_path: Path) -> None:
    config = write_local_config(tmp_path, ("min_per_unit = 1", "min_per_unti = 1"))
    result = run_cli("--config", str(config), "check-config")
    assert result.exit_code == 1
    assert lines(result.stdout)[0] == (
        f"[ LỖI ] Tệp cấu hình (theo --config): {config}: [campaign]: "
        "khóa `min_per_unti` không hợp lệ — có phải ý bạn là `min_per_unit`?"
    )


def test_a_misspelt_security_key_stops_every_command_before_it_connects(tmp_path: Path) -> None:
    config = write_local_config(tmp_path, ('security = "none"', 'securty = "none"'))
    result = run_cli("--config", str(config), "poll")
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        f"Lỗi cấu hình: {config}: [mailboxes[0]]: "
        "khóa `securty` không hợp lệ — có phải ý bạn là `security`?"
    ]


def test_check_config_names_a_roster_unit_by_its_code(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    units = tmp_path / "units.toml"
    text = units.read_text(encoding="utf-8")
    units.write_text(text.replace("emails = []", "email = []", 1), encoding="utf-8")
    result = run_cli("--config", str(config), "check-config")
    assert result.exit_code == 1
    assert (
        f'[ LỖI ] Danh sách đơn vị: {units}: [[unit]] "tt-chau-thanh": '
        "khóa `email` không hợp lệ — có phải ý bạn là `emails`?"
    ) in lines(result.stdout)


def test_check_config_shows_absolute_normalised_paths_and_how_the_file_was_chosen(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    config = write_local_config(
        tmp_path,
        ('url = "sqlite:///var/cchc-inbox.db"', 'url = "sqlite:///./sub/../var/register.db"'),
        ('dir = "var/files"', 'dir = "sub/../var/./files"'),
        ('file = "units.toml"', 'file = "sub/../units.toml"'),
    )
    result = run_cli("check-config", env={"CCHC_INBOX_CONFIG": str(config)})
    out = result.stdout
    assert f"Tệp cấu hình {config} (theo biến môi trường CCHC_INBOX_CONFIG) hợp lệ" in out
    assert f"Danh sách đơn vị {tmp_path / 'units.toml'}:" in out
    assert f"Thư mục lưu trữ {tmp_path / 'var' / 'files'} chưa có" in out
    assert f"Cơ sở dữ liệu sqlite:///{tmp_path / 'var' / 'register.db'}:" in out
    assert "/../" not in out and "/./" not in out


# ------------------------------------------------------------------ nothing left behind


@pytest.mark.parametrize(
    "command",
    [("status",), ("reprocess", "--all"), ("digest",), ("outbox", "list"), ("remind",)],
)
def test_a_command_on_a_database_never_created_says_what_to_run_and_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = write_local_config(tmp_path)
    result = run_cli("--config", str(config), *command)
    assert result.exit_code == 2
    database = tmp_path / "var" / "cchc-inbox.db"
    assert lines(result.stderr) == [
        f"Lỗi cơ sở dữ liệu: chưa có cơ sở dữ liệu {database}: hãy chạy "
        f"`cchc-inbox db upgrade` (cấu hình {config})"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "units.toml"]


def test_poll_from_the_folder_of_config_toml_without_the_schema_leaves_nothing(
    tmp_path: Path,
) -> None:
    write_local_config(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "poll"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "chưa có cơ sở dữ liệu" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "units.toml"]


def test_poll_without_its_password_says_which_variable_and_creates_no_storage_folder(
    tmp_path: Path,
) -> None:
    config = write_local_config(tmp_path)
    assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
    env = {k: v for k, v in os.environ.items() if k != "CCHC_IMAP_PASSWORD"}
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--config", str(config), "poll"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert lines(result.stdout) == [
        "Hộp thư phongnv: 0 thư mới, 0 thư trùng, 0 thư lỗi — KHÔNG ĐỌC ĐƯỢC HỘP THƯ: "
        "chưa có mật khẩu: biến môi trường CCHC_IMAP_PASSWORD chưa được đặt — "
        "đặt biến đó rồi chạy lại"
    ]
    assert "PasswordMissing" not in result.stdout + result.stderr
    assert not (tmp_path / "var" / "files").exists()


def test_an_outdated_schema_says_what_to_run_and_logs_the_revisions_at_v(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    (tmp_path / "var").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'cchc-inbox.db'}")
    upgrade_schema(engine, "0006_reports")
    engine.dispose()
    result = run_cli("--config", str(config), "status")
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        "Lỗi cơ sở dữ liệu: cơ sở dữ liệu là của phiên bản cũ hơn: hãy chạy "
        f"`cchc-inbox db upgrade` (cấu hình {config})"
    ]
    verbose = run_cli("--config", str(config), "-v", "status")
    assert "database schema is at 0006_reports, this version needs " in verbose.stderr


def test_db_upgrade_says_what_it_did_in_one_line_and_alembic_only_at_v(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    database = tmp_path / "var" / "cchc-inbox.db"
    newest = ", ".join(newest_revisions())
    created = run_cli("--config", str(config), "db", "upgrade")
    assert created.exit_code == 0
    assert lines(created.stdout) == [f"Đã tạo cơ sở dữ liệu {database} (phiên bản {newest})."]
    assert created.stderr == ""
    again = run_cli("--config", str(config), "-v", "db", "upgrade")
    assert lines(again.stdout) == [f"Cơ sở dữ liệu {database} đã ở phiên bản mới nhất ({newest})."]
    assert "alembic" in again.stderr


# ------------------------------------------------------------------ click's own errors


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("digest", "--date", "2024-13-01"),
            "Lỗi dòng lệnh: `--date` phải là một ngày dạng YYYY-MM-DD, ví dụ 2024-06-26. "
            "Xem `cchc-inbox digest --help`.",
        ),
        (
            ("poll", "--since", "26/06/2024"),
            "Lỗi dòng lệnh: `--since` phải là một ngày dạng YYYY-MM-DD, ví dụ 2024-06-26. "
            "Xem `cchc-inbox poll --help`.",
        ),
        (
            ("reprocess", "--all", "--failed"),
            "Lỗi dòng lệnh: chọn đúng một trong --all, --failed hoặc các số thư (ID), "
            "ví dụ `cchc-inbox reprocess --failed`. Xem `cchc-inbox reprocess --help`.",
        ),
        (
            ("reprot", "compliance"),
            "Lỗi dòng lệnh: không có lệnh `reprot` — có phải ý bạn là `report`? "
            "Xem `cchc-inbox --help`.",
        ),
        (
            ("status", "--frmat", "json"),
            "Lỗi dòng lệnh: không có tùy chọn `--frmat` — có phải ý bạn là `--format`? "
            "Xem `cchc-inbox status --help`.",
        ),
        (
            ("status", "--format", "xml"),
            "Lỗi dòng lệnh: `--format` phải là một trong: table, json. "
            "Xem `cchc-inbox status --help`.",
        ),
        (
            ("--log-format", "xml", "status"),
            "Lỗi dòng lệnh: `--log-format` phải là một trong: text, json. Xem `cchc-inbox --help`.",
        ),
        (
            ("status", "--max-age", "soon"),
            "Lỗi dòng lệnh: `--max-age` cần một khoảng thời gian như 30s, 5m, 1h hoặc 1d, "
            "không phải 'soon'. Xem `cchc-inbox status --help`.",
        ),
        (
            ("outbox", "retry"),
            "Lỗi dòng lệnh: thiếu đối số `MAIL_ID`. Xem `cchc-inbox outbox retry --help`.",
        ),
        (
            ("outbox", "retry", "bảy"),
            "Lỗi dòng lệnh: `MAIL_ID` phải là một số nguyên. Xem `cchc-inbox outbox retry --help`.",
        ),
        (
            ("poll", "--since"),
            "Lỗi dòng lệnh: tùy chọn `--since` cần một giá trị. Xem `cchc-inbox poll --help`.",
        ),
        (
            ("status", "extra"),
            "Lỗi dòng lệnh: thừa đối số: extra. Xem `cchc-inbox status --help`.",
        ),
    ],
)
def test_a_wrong_command_line_is_one_vietnamese_line_with_exit_code_2(
    tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    config = write_local_config(tmp_path)
    result = run_cli("--config", str(config), *args)
    assert result.exit_code == 2
    assert lines(result.stderr) == [line]
    assert result.stdout == ""


def test_click_s_english_goes_to_the_log_at_v(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    result = run_cli("--config", str(config), "-v", "digest", "--date", "2024-13-01")
    assert "does not match the format '%Y-%m-%d'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Lỗi dòng lệnh: `--date`")


def test_a_command_s_own_refusal_has_a_vietnamese_prefix(tmp_path: Path) -> None:
    config = write_local_config(tmp_path)
    assert run_cli("--config", str(config), "db", "upgrade").exit_code == 0
    result = run_cli("--config", str(config), "outbox", "retry", "999")
    assert result.exit_code == 1
    assert lines(result.stderr) == ["Lỗi: thư #999 không ở trạng thái thất bại hoặc chưa rõ"]


def test_a_group_without_a_sub_command_still_shows_its_help(tmp_path: Path) -> None:
    result = run_cli("db")
    assert result.exit_code == 2
    assert "upgrade" in result.stdout + result.stderr
