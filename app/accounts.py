"""Accounts of the web application: who may sign in, with which role, and the login rule.

The CLI (`cchc-inbox users …`) and the web's login form both come here.
Passwords are hashed with Argon2id (argon2-cffi); the audit trail records
every login, failed or not, and every change to an account.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.root import Register
from store.accounts import (
    DuplicateUser,
    UserRow,
    add_user,
    count_events,
    find_user,
    list_users,
    record_event,
    rehash_password,
    update_user,
)

#: From least to most: a viewer reads, a reviewer also decides, an admin also audits.
LADDER = ("viewer", "reviewer", "admin")
#: Every role: the ladder, and a council member, who only scores what is assigned to
#: them (``cchc-inbox council``) and has none of the staff's rights.
ROLES = (*LADDER, "council")
ROLE_WORDS = {
    "viewer": "xem",
    "reviewer": "xem xét",
    "admin": "quản trị",
    "council": "thành viên hội đồng",
}
MIN_PASSWORD = 10
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_HASHER = PasswordHasher()
# Verified against when the account does not exist, so that a wrong name costs
# as long as a wrong password and does not tell which accounts exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


#: What a view needs when anyone signed in may use it (signing out).
SIGNED_IN = "signed_in"


def may(role: str, needed: str) -> bool:
    """Whether ``role`` has at least the rights of ``needed`` (a council member has only
    its own)."""
    if needed == SIGNED_IN:
        return role in ROLES
    if needed not in LADDER or role not in LADDER:
        return role == needed
    return LADDER.index(role) >= LADDER.index(needed)


@dataclass(frozen=True)
class AccountOutcome:
    ok: bool
    text: str
    user: UserRow | None = None


def new_token() -> str:
    return secrets.token_hex(16)


def create(
    register: Register,
    name: str,
    role: str,
    password: str,
    *,
    by: str,
    unit: str | None = None,
) -> AccountOutcome:
    """Create an account; the name is lower-case letters, digits, '.', '_' or '-'.

    ``unit`` is a council member's unit (a roster code): the initiatives of
    that unit are never assigned to them.
    """
    problem = _check_name(name) or _check_role(role) or _check_password(password)
    if not problem and unit is not None and register.roster.by_code(unit) is None:
        problem = f"Không có đơn vị mã {unit!r} trong danh sách đơn vị."
    if problem:
        return AccountOutcome(False, problem)
    now = register.clock()
    detail = role if unit is None else f"{role} ({unit})"
    try:
        with register.sessions.begin() as session:
            user = add_user(
                session, name, role, _HASHER.hash(password), new_token(), now, unit=unit
            )
            record_event(session, at=now, actor=by, action="user_add", target=name, detail=detail)
    except DuplicateUser:
        return AccountOutcome(False, f"Đã có tài khoản {name!r}.")
    return AccountOutcome(True, f"Đã tạo tài khoản {name} (quyền {ROLE_WORDS[role]}).", user)


def change_password(register: Register, name: str, password: str, *, by: str) -> AccountOutcome:
    """Set a new password; the account's open sessions end."""
    problem = _check_password(password)
    if problem:
        return AccountOutcome(False, problem)
    return _update(
        register,
        name,
        by=by,
        action="user_passwd",
        done=f"Đã đổi mật khẩu của {name}; các phiên đăng nhập cũ đã kết thúc.",
        password_hash=_HASHER.hash(password),
    )


def set_disabled(register: Register, name: str, disabled: bool, *, by: str) -> AccountOutcome:
    """Disable (or enable again) an account; disabling ends its open sessions."""
    done = (
        f"Đã khóa tài khoản {name}; tài khoản không đăng nhập được nữa."
        if disabled
        else f"Đã mở khóa tài khoản {name}."
    )
    action = "user_disable" if disabled else "user_enable"
    return _update(register, name, by=by, action=action, done=done, disabled=disabled)


def set_role(register: Register, name: str, role: str, *, by: str) -> AccountOutcome:
    problem = _check_role(role)
    if problem:
        return AccountOutcome(False, problem)
    done = f"Tài khoản {name} nay có quyền {ROLE_WORDS[role]}."
    return _update(register, name, by=by, action="user_role", done=done, role=role, detail=role)


def accounts(register: Register) -> list[UserRow]:
    with register.sessions() as session:
        return list_users(session)


@dataclass(frozen=True)
class Login:
    """The answer to a login attempt: the account, or why there is none."""

    user: UserRow | None
    text: str  # what the login page says (Vietnamese)
    throttled: bool = False


def log_in(register: Register, name: str, password: str, *, address: str | None) -> Login:
    """Check a login attempt and record it in the audit trail.

    After ``[web] max_failed_logins`` failures within ``[web] lockout`` the
    account is held back until the window has passed, whatever the password:
    guessing costs hours, a person who mistyped waits minutes.
    """
    web = register.config.web
    now = register.clock()
    name = name.strip().lower()
    with register.sessions.begin() as session:
        failures = count_events(session, name, ("login_failed",), now - web.lockout)
        if failures >= web.max_failed_logins:
            record_event(
                session, at=now, actor=name, action="login_throttled", address=address, ok=False
            )
            minutes = max(1, int(web.lockout.total_seconds() // 60))
            return Login(
                None,
                f"Đăng nhập sai quá {web.max_failed_logins} lần: tài khoản tạm khóa, "
                f"hãy thử lại sau {minutes} phút.",
                throttled=True,
            )
        user = find_user(session, name)
        if not _verify(user.password_hash if user else _DUMMY_HASH, password) or user is None:
            record_event(
                session, at=now, actor=name, action="login_failed", address=address, ok=False
            )
            return Login(None, "Tên đăng nhập hoặc mật khẩu không đúng.")
        if user.disabled:
            record_event(
                session, at=now, actor=name, action="login_disabled", address=address, ok=False
            )
            return Login(None, "Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên.")
        if _HASHER.check_needs_rehash(user.password_hash):
            rehash_password(session, user.id, _HASHER.hash(password))
        record_event(session, at=now, actor=name, action="login", address=address)
    return Login(user, f"Xin chào {user.name}.")


def record(
    register: Register,
    actor: str,
    action: str,
    *,
    target: str | None = None,
    detail: str | None = None,
    address: str | None = None,
    ok: bool = True,
    at: datetime | None = None,
) -> None:
    """Add one line to the audit trail in its own transaction."""
    with register.sessions.begin() as session:
        record_event(
            session,
            at=at or register.clock(),
            actor=actor,
            action=action,
            target=target,
            detail=detail,
            address=address,
            ok=ok,
        )


def _update(
    register: Register,
    name: str,
    *,
    by: str,
    action: str,
    done: str,
    detail: str | None = None,
    password_hash: str | None = None,
    role: str | None = None,
    disabled: bool | None = None,
) -> AccountOutcome:
    now = register.clock()
    with register.sessions.begin() as session:
        user = update_user(
            session,
            name,
            token=new_token(),
            now=now,
            password_hash=password_hash,
            role=role,
            disabled=disabled,
        )
        if user is None:
            return AccountOutcome(False, f"Không có tài khoản {name!r}.")
        record_event(session, at=now, actor=by, action=action, target=name, detail=detail)
    return AccountOutcome(True, done, user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str | None:
    if not _NAME.fullmatch(name):
        return (
            f"Tên tài khoản {name!r} không hợp lệ: dùng chữ thường không dấu, số, "
            "dấu chấm, gạch dưới hoặc gạch ngang (ví dụ lan.nguyen)."
        )
    return None


def _check_role(role: str) -> str | None:
    if role not in ROLES:
        return f"Quyền {role!r} không có; chọn một trong: {', '.join(ROLES)}."
    return None


def _check_password(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    return None
