"""Accounts of the web application, the audit trail and the service's settings.

Functions take the session first and never commit. Passwords arrive here
already hashed (app/accounts.py hashes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import AuditEvent, Setting, User


class DuplicateUser(Exception):
    """An account of that name exists already."""


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str
    password_hash: str
    session_token: str
    disabled: bool
    created_at: datetime
    password_changed_at: datetime
    unit: str | None = None  # a council member's unit (roster code)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: str | None
    address: str | None
    ok: bool


def add_user(
    session: Session,
    name: str,
    role: str,
    password_hash: str,
    token: str,
    now: datetime,
    *,
    unit: str | None = None,
) -> UserRow:
    """Create an account (raise DuplicateUser if the name is taken)."""
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise DuplicateUser(name)
    user = User(
        name=name,
        role=role,
        password_hash=password_hash,
        session_token=token,
        disabled=False,
        created_at=now,
        password_changed_at=now,
        unit_code=unit,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # created by someone else at the same moment
        raise DuplicateUser(name) from None
    return _user_row(user)


def find_user(session: Session, name: str) -> UserRow | None:
    user = session.scalar(select(User).where(User.name == name))
    return None if user is None else _user_row(user)


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    user = session.get(User, user_id)
    return None if user is None else _user_row(user)


def list_users(session: Session) -> list[UserRow]:
    return [_user_row(u) for u in session.scalars(select(User).order_by(User.name))]


def update_user(
    session: Session,
    name: str,
    *,
    token: str,
    now: datetime,
    password_hash: str | None = None,
    role: str | None = None,
    disabled: bool | None = None,
) -> UserRow | None:
    """Change an account; a new ``token`` ends its open sessions. None if there is none."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        return None
    if password_hash is not None:
        user.password_hash = password_hash
        user.password_changed_at = now
    if role is not None:
        user.role = role
    if disabled is not None:
        user.disabled = disabled
    user.session_token = token
    session.flush()
    return _user_row(user)


def rehash_password(session: Session, user_id: int, password_hash: str) -> None:
    """Store a stronger hash of the same password (the hasher's parameters were raised)."""
    user = session.get_one(User, user_id)
    user.password_hash = password_hash


def record_event(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str | None = None,
    detail: str | None = None,
    address: str | None = None,
    ok: bool = True,
) -> None:
    """Add one line to the audit trail (lines are never changed)."""
    session.execute(
        insert(AuditEvent).values(
            at=at,
            actor=actor[:200],
            action=action[:40],
            target=None if target is None else target[:300],
            detail=detail,
            address=None if address is None else address[:100],
            ok=ok,
        )
    )


def count_events(session: Session, actor: str, actions: tuple[str, ...], since: datetime) -> int:
    """Count ``actor``'s events of ``actions`` at or after ``since`` (failed logins, say)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.actor == actor, AuditEvent.action.in_(actions), AuditEvent.at >= since
            )
        )
        or 0
    )


def last_event_at(session: Session, actor: str, action: str) -> datetime | None:
    return session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.actor == actor, AuditEvent.action == action
        )
    )


def list_events(session: Session, *, limit: int, offset: int = 0) -> tuple[list[AuditRow], int]:
    """Return a page of the audit trail, newest first, and how many lines there are."""
    total = int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    rows = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.target,
            AuditEvent.detail,
            AuditEvent.address,
            AuditEvent.ok,
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [AuditRow(*r) for r in rows], total


def get_setting(session: Session, name: str) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.name == name))


def keep_setting(session: Session, name: str, value: str) -> str:
    """Store ``value`` under ``name`` unless one is there; return the value kept.

    Two processes starting at once keep the same value: the second one's
    insert fails on the key and it reads the first one's.
    """
    kept = get_setting(session, name)
    if kept is not None:
        return kept
    try:
        with session.begin_nested():
            session.add(Setting(name=name, value=value))
    except IntegrityError:
        pass
    kept = get_setting(session, name)
    assert kept is not None
    return kept


def _user_row(user: User) -> UserRow:
    return UserRow(
        id=user.id,
        name=user.name,
        role=user.role,
        password_hash=user.password_hash,
        session_token=user.session_token,
        disabled=user.disabled,
        created_at=user.created_at,
        password_changed_at=user.password_changed_at,
        unit=user.unit_code,
    )
