"""The worker's pure decisions: backoff, when to poll, what outage to log, file modes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.config import load_config
from ingest.worker import Outage, backoff_delay, exposed, observe, permission_warnings, poll_due

EVERY = timedelta(minutes=5)
T0 = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 300), (1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 300), (60, 300)],
)
def test_backoff_doubles_from_ten_seconds_and_never_exceeds_the_poll_interval(
    failures: int, seconds: int
) -> None:
    assert backoff_delay(failures, EVERY) == timedelta(seconds=seconds)


def test_the_first_poll_is_due_at_once() -> None:
    assert poll_due(T0, None, 0, EVERY)


def test_a_healthy_worker_polls_again_only_after_the_interval() -> None:
    assert not poll_due(T0 + timedelta(minutes=4), T0, 0, EVERY)
    assert poll_due(T0 + timedelta(minutes=5), T0, 0, EVERY)


def test_a_failing_worker_retries_sooner_than_the_interval() -> None:
    assert poll_due(T0 + timedelta(seconds=20), T0, 2, EVERY)
    assert not poll_due(T0 + timedelta(seconds=19), T0, 2, EVERY)


def test_a_machine_that_slept_polls_once_when_it_wakes() -> None:
    assert poll_due(T0 + timedelta(hours=9), T0, 0, EVERY)


def test_an_outage_is_reported_when_it_starts_and_when_it_ends_only() -> None:
    state: dict[str, Outage] = {}
    changes = []
    for error in ["refused", "refused", "timeout", None, None]:
        state, change = observe(state, "imap", error)
        changes.append(change)
    first, second, third, back, quiet = changes
    assert first is not None and first.down and first.error == "refused"
    assert second is None and third is None
    assert back is not None and not back.down and back.failures == 3
    assert quiet is None
    assert state == {}


def test_components_are_tracked_apart() -> None:
    state, _ = observe({}, "database", "down")
    state, change = observe(state, "mailbox a", None)
    assert change is None
    assert state == {"database": Outage(1, "down")}


@pytest.mark.parametrize(
    ("mode", "secret", "expected"),
    [
        (0o600, True, False),
        (0o640, True, True),
        (0o644, True, True),
        (0o640, False, False),
        (0o644, False, True),
        (0o600, False, False),
    ],
)
def test_a_file_is_exposed_when_others_can_read_it(mode: int, secret: bool, expected: bool) -> None:
    assert exposed(mode, secret=secret) is expected


def test_a_password_file_readable_by_others_is_warned_about(tmp_path: Path) -> None:
    secret = tmp_path / "imap.pass"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(
        (Path(__file__).parents[2] / "demo" / "config.toml")
        .read_text()
        .replace('password_env = "CCHC_DEMO_IMAP_PASSWORD"', f'password_file = "{secret}"'),
        encoding="utf-8",
    )
    config.chmod(0o600)
    warnings = permission_warnings(load_config(config))
    assert len(warnings) == 1
    assert f"chmod 0600 {secret}" in warnings[0]
    assert "s3cret" not in warnings[0]
    secret.chmod(0o600)
    assert permission_warnings(load_config(config)) == []


def test_a_storage_folder_and_a_sqlite_database_readable_by_others_are_warned_about(
    tmp_path: Path,
) -> None:
    storage = tmp_path / "files"
    storage.mkdir()
    storage.chmod(0o755)
    database = tmp_path / "register.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    wal = tmp_path / "register.db-wal"
    wal.write_bytes(b"")
    wal.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(
        (Path(__file__).parents[2] / "demo" / "config.toml")
        .read_text()
        .replace('url = "sqlite:///', f'url = "sqlite:///{database}" #')
        .replace('dir = "', f'dir = "{storage}" #'),
        encoding="utf-8",
    )
    config.chmod(0o600)
    assert load_config(config).storage_dir == storage
    warnings = permission_warnings(load_config(config))
    assert [w.split(": ")[-1] for w in warnings] == [
        f"chmod 0700 {storage}",
        f"chmod 0600 {database}",
        f"chmod 0600 {wal}",
    ]
    storage.chmod(0o700)
    database.chmod(0o600)
    wal.chmod(0o600)
    assert permission_warnings(load_config(config)) == []
