"""Failures of the machine, not of a message: a full disk, a locked or unreachable database.

Such a failure is never recorded as a message's fault: the message stays as it
was (not fetched, or stored but not analysed) and the next poll does it again.
The administrator gets one Vietnamese line; the technical detail goes to the
log at ``-v``.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass

from store.health import database_fault, describe_database_error

#: errno values that say the disk, not the data, is the problem.
DISK_ERRNOS = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "quota_exceeded",
    errno.EROFS: "read_only",
    errno.EIO: "disk_error",
}

WORDS = {
    "disk_full": "ổ đĩa đã đầy, không ghi thêm được tệp",
    "quota_exceeded": "đã hết hạn mức dung lượng đĩa, không ghi thêm được tệp",
    "read_only": "ổ đĩa chỉ cho đọc, không ghi được tệp",
    "disk_error": "lỗi đọc/ghi ổ đĩa",
    "database_full": "ổ đĩa chứa cơ sở dữ liệu đã đầy",
    "database_locked": "cơ sở dữ liệu đang bị tiến trình khác khóa quá lâu",
    "database_unavailable": "không kết nối được cơ sở dữ liệu",
}


@dataclass(frozen=True)
class Fault:
    """What the machine did wrong (a key of WORDS) and the technical detail for the log."""

    kind: str
    detail: str

    @property
    def in_database(self) -> bool:
        return self.kind.startswith("database_")

    def describe(self) -> str:
        """Return the one Vietnamese line an administrator reads."""
        words = WORDS[self.kind]
        # Which server or device failed is worth the technical words; a full disk is not.
        if self.kind in ("database_unavailable", "disk_error"):
            return f"{words} ({self.detail})"
        return words


class EnvironmentFailure(Exception):
    """A step stopped because of ``fault``; what it left undone is done by the next run."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.describe())
        self.fault = fault


def environment_fault(error: BaseException) -> Fault | None:
    """Return the machine's fault behind ``error`` (or what caused it), None if it is not one."""
    for cause in _causes(error):
        if isinstance(cause, EnvironmentFailure):
            return cause.fault
        if isinstance(cause, OSError) and cause.errno in DISK_ERRNOS:
            return Fault(DISK_ERRNOS[cause.errno], f"{type(cause).__name__}: {cause}")
        kind = database_fault(cause)
        if kind is not None:
            return Fault(kind, describe_database_error(cause))
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        # Only what a failure was raised *from*: a later error that merely happened
        # while handling another (its __context__) is not caused by it.
        current = current.__cause__
