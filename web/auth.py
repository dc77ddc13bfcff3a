"""Signing in and out, and who may reach which page (checked on the server, every request).

Every view declares the least role it needs with ``@requires``; a view that
declares none is refused to everyone (deny by default). Only reviewers and
admins may change anything: a viewer's POST is refused whatever the view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app import accounts
from app.accounts import SIGNED_IN, may
from store.accounts import UserRow, user_by_id
from web.context import client_address, register

View = TypeVar("View", bound=Callable[..., Any])
ANONYMOUS = "anonymous"  # the login page, the static files
SEEN_KEY = "seen_at"

bp = Blueprint("auth", __name__)
limiter = Limiter(get_remote_address, storage_uri="memory://")


def requires(role: str, *, post_as: str | None = None) -> Callable[[View], View]:
    """Mark a view with the least role it needs (and, with ``post_as``, to POST to it)."""

    def mark(view: View) -> View:
        view.required_role = role  # type: ignore[attr-defined]
        view.post_role = post_as  # type: ignore[attr-defined]
        return view

    return mark


class Account(UserMixin):  # type: ignore[misc]
    """The signed-in person as Flask-Login sees them.

    The session holds "id:token"; a new password or a disabled account
    changes the token, and every session made with the old one ends.
    """

    def __init__(self, user: UserRow) -> None:
        self.user = user
        self.name = user.name
        self.role = user.role

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_token}"


def load_account(value: str) -> Account | None:
    ident, _, token = value.partition(":")
    if not ident.isdigit() or not token:
        return None
    with register().sessions() as db:
        user = user_by_id(db, int(ident))
    if user is None or user.disabled or user.session_token != token:
        return None
    return Account(user)


class LoginForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Tên đăng nhập", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(), Length(max=500)])


@bp.route("/login", methods=["GET", "POST"])
@requires(ANONYMOUS)
@limiter.limit("20 per minute", methods=["POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        answer = accounts.log_in(
            register(), form.name.data or "", form.password.data or "", address=client_address()
        )
        if answer.user is not None:
            session.clear()  # a new session for the new person: no fixation
            login_user(Account(answer.user))
            session.permanent = True
            session[SEEN_KEY] = register().clock().timestamp()
            return redirect(_safe_next(request.args.get("next"), answer.user.role))
        flash(answer.text, "error")
        status = 429 if answer.throttled else 401
    elif request.method == "POST":
        flash("Hãy nhập tên đăng nhập và mật khẩu.", "error")
        status = 400
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires(SIGNED_IN, post_as=SIGNED_IN)
def logout() -> ResponseReturnValue:
    accounts.record(register(), current_user.name, "logout", address=client_address())
    logout_user()
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None, role: str = "viewer") -> str:
    """Return where to go after signing in: a path on this site only, never elsewhere;
    by default a council member's page of sheets, the overview for the staff."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("council.index" if role == "council" else "overview.index")


def enforce_access() -> ResponseReturnValue | None:
    """Refuse, before any view runs, whatever the person may not see or do."""
    if request.endpoint is None:
        return None  # 404 follows
    if request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    needed = getattr(view, "required_role", None)
    if needed == ANONYMOUS:
        return None
    if not current_user.is_authenticated:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if _idle_too_long():
        logout_user()
        session.clear()
        flash("Phiên làm việc đã hết hạn vì lâu không dùng. Hãy đăng nhập lại.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if needed is None:
        abort(403)  # a view that says nothing is nobody's
    if not may(current_user.role, needed):
        abort(403)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        post_role = getattr(view, "post_role", None) or "reviewer"
        if not may(current_user.role, post_role):
            abort(403)
    session[SEEN_KEY] = register().clock().timestamp()
    return None


def _idle_too_long() -> bool:
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int | float):
        return True
    idle = register().config.web.idle_timeout
    return register().clock() - datetime.fromtimestamp(seen, register().clock().tzinfo) > idle


def install(app: Flask) -> None:
    """Wire sign-in, the per-request access check and the login throttle into ``app``."""
    manager = LoginManager()
    manager.user_loader(load_account)
    manager.login_view = "auth.login"
    manager.login_message = "Hãy đăng nhập để tiếp tục."
    manager.init_app(app)
    limiter.init_app(app)
    app.before_request(enforce_access)
    app.register_blueprint(bp)
