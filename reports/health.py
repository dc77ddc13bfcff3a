"""Decide whether the worker is healthy: every configured folder polled recently, and
no message left failed without a person's decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from store.glance import MailboxRow

#: Without [schedule].stale_after a folder is stale after this many poll intervals…
STALE_INTERVALS = 3
#: …but never sooner than this (a long backfill is not an outage).
MIN_STALE_AFTER = timedelta(minutes=15)


def default_stale_after(poll_every: timedelta) -> timedelta:
    return max(poll_every * STALE_INTERVALS, MIN_STALE_AFTER)


@dataclass(frozen=True)
class FolderHealth:
    mailbox: str
    folder: str
    row: MailboxRow | None  # None: never polled
    healthy: bool
    problem: str | None  # "never_polled" | "stale" | None


def assess_folders(
    configured: Sequence[tuple[str, str]],
    rows: Sequence[MailboxRow],
    now: datetime,
    max_age: timedelta,
) -> list[FolderHealth]:
    """Judge each configured (mailbox, folder): healthy when its last success is recent."""
    found = {(r.mailbox, r.folder): r for r in rows}
    result = []
    for mailbox, folder in configured:
        row = found.get((mailbox, folder))
        success = row.last_success_at if row else None
        if success is None:
            problem: str | None = "never_polled"
        elif now - success > max_age:
            problem = "stale"
        else:
            problem = None
        result.append(FolderHealth(mailbox, folder, row, problem is None, problem))
    return result


def register_problems(undecided_failures: int) -> list[str]:
    """Return the register's problems: "analysis_failed" while a failed message waits.

    A message whose analysis failed is not counted for its unit until someone
    analyses it again (`reprocess --failed`) or decides on it (`review`).
    """
    return ["analysis_failed"] if undecided_failures else []
