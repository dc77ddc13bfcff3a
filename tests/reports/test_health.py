"""When `status` calls the worker unhealthy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reports.health import assess_folders, default_stale_after, register_problems
from store.read import MailboxRow

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def row(success: datetime | None, mailbox: str = "phongnv") -> MailboxRow:
    return MailboxRow(mailbox, "INBOX", 7, 42, success, success, None, 42)


def test_a_folder_polled_within_the_threshold_is_healthy() -> None:
    (health,) = assess_folders([("phongnv", "INBOX")], [row(NOW - HOUR)], NOW, 2 * HOUR)
    assert health.healthy and health.problem is None


def test_a_folder_whose_last_success_is_older_than_the_threshold_is_stale() -> None:
    (health,) = assess_folders([("phongnv", "INBOX")], [row(NOW - 3 * HOUR)], NOW, 2 * HOUR)
    assert (health.healthy, health.problem) == (False, "stale")


def test_a_configured_folder_never_polled_is_unhealthy() -> None:
    (health,) = assess_folders([("phongnv", "INBOX")], [], NOW, HOUR)
    assert (health.healthy, health.problem, health.row) == (False, "never_polled", None)


def test_a_folder_that_only_ever_failed_is_unhealthy() -> None:
    (health,) = assess_folders([("phongnv", "INBOX")], [row(None)], NOW, HOUR)
    assert health.problem == "never_polled"


def test_folders_no_longer_configured_do_not_count() -> None:
    result = assess_folders([("phongnv", "INBOX")], [row(NOW), row(None, "old")], NOW, HOUR)
    assert [h.mailbox for h in result] == ["phongnv"]


def test_the_default_threshold_is_three_intervals_but_at_least_fifteen_minutes() -> None:
    assert default_stale_after(timedelta(minutes=30)) == timedelta(minutes=90)
    assert default_stale_after(timedelta(seconds=30)) == timedelta(minutes=15)


def test_a_failed_message_no_person_decided_on_is_a_problem_of_the_register() -> None:
    assert register_problems(1) == ["analysis_failed"]
    assert register_problems(0) == []
