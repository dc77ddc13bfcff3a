"""Build the web application over a register: blueprints, security headers, error pages."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.root import Register
from store.accounts import keep_setting
from web import auth, format
from web.context import EXTENSION
from web.views import (
    admin,
    council,
    council_staff,
    exports,
    initiatives,
    messages,
    overview,
    periods,
    review,
    units,
)

log = logging.getLogger("web")

#: No script or style but our own files; nothing framed, nothing posted elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Không được phép",
    413: "Dữ liệu gửi lên quá lớn",
    429: "Quá nhiều lần thử",
    500: "Lỗi máy chủ",
}
ERROR_TEXTS = {
    400: "Yêu cầu không hợp lệ hoặc biểu mẫu đã hết hạn. Hãy tải lại trang rồi thử lại.",
    401: "Hãy đăng nhập để tiếp tục.",
    403: "Tài khoản của bạn không có quyền xem trang này hoặc làm việc này.",
    404: "Không có trang hoặc dữ liệu này.",
    405: "Trang này không nhận yêu cầu kiểu này.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Bạn đã thử quá nhiều lần. Hãy đợi vài phút rồi thử lại.",
    500: "Đã có lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; hãy báo cho quản trị viên.",
}


class TlsAwareSessions(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the page was served over TLS.

    Directly, or through a trusted proxy that said so ([web] behind_proxy):
    the same configuration then works on http://127.0.0.1 and behind nginx.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) or super().get_cookie_secure(app)


def secret_key(register: Register) -> str:
    """Return the key that signs session cookies, made once and kept in the database.

    Every web process of one register shares it; restarts keep people signed in.
    """
    with register.sessions.begin() as session:
        return keep_setting(session, "web_secret_key", secrets.token_urlsafe(48))


def create_app(register: Register, *, key: str | None = None) -> Flask:
    """Return the web application serving ``register``."""
    app = Flask(__name__)
    web = register.config.web
    app.config.update(
        SECRET_KEY=key or secret_key(register),
        SESSION_COOKIE_NAME="cchc_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=web.idle_timeout,
        # The CSRF token lives as long as the session (the idle timeout ends both).
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=True,
        MAX_CONTENT_LENGTH=1024 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.session_interface = TlsAwareSessions()
    if web.behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.extensions[EXTENSION] = register
    CSRFProtect(app)
    auth.install(app)
    format.install(app, register)
    for blueprint in (
        overview.bp,
        messages.bp,
        review.bp,
        units.bp,
        initiatives.bp,
        exports.bp,
        periods.bp,
        admin.bp,
        council.bp,
        council_staff.bp,
    ):
        app.register_blueprint(blueprint)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    return app


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # Same origin only: over TLS, Flask-WTF checks that a form came from this site
    # by its Referer; no other site learns which page linked to it.
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if not request.path.startswith("/static/"):
        # Pages hold personal data: never kept by the browser or a proxy.
        headers["Cache-Control"] = "no-store"
    return response


def _error_page(code: int) -> tuple[str, int]:
    title = ERROR_TITLES.get(code, "Lỗi")
    text = ERROR_TEXTS.get(code, "Đã có lỗi.")
    return render_template("error.html", code=code, title=title, text=text), code


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    log.warning("refused a form without a valid CSRF token: %s %s", request.method, request.path)
    return _error_page(400)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if code < 400:
        return error.get_response()
    return _error_page(code)


def _server_error(error: Exception) -> tuple[str, int]:
    log.exception("error serving %s %s", request.method, request.path, exc_info=error)
    return _error_page(500)
