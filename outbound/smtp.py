"""Hand one prepared message to the SMTP server (the network edge of the outbox).

Failures are sorted by what they say about delivery, because the outbox acts
on that: ``SmtpTemporary`` (certainly not accepted, try later), ``SmtpPermanent``
(certainly not accepted, do not retry) and ``SmtpUncertain`` (the connection
broke after the message body was sent: the server may have accepted it).
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
from collections.abc import Mapping

from app.config import SmtpConfig
from outbound.mailing import envelope
from store.outbox import ClaimedMail


class SmtpTemporary(Exception):
    """The server did not take the message this time (4xx, network error before DATA)."""


class SmtpPermanent(Exception):
    """The server refused the message for good (5xx)."""


class SmtpUncertain(Exception):
    """The connection failed after the body went out: delivery is unknown."""


class SmtpPasswordMissing(SmtpTemporary):
    """The configured password variable or file is missing."""


def read_smtp_password(config: SmtpConfig, environ: Mapping[str, str]) -> str | None:
    if config.password_env:
        value = environ.get(config.password_env)
        if not value:
            raise SmtpPasswordMissing(f"biến môi trường {config.password_env} chưa được đặt")
        return value
    if config.password_file:
        try:
            return config.password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SmtpPasswordMissing(f"không đọc được {config.password_file}: {error}") from None
    return None


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=os.environ.get("CCHC_SMTP_CAFILE") or None)


def send_via_smtp(config: SmtpConfig, password: str | None, mail: ClaimedMail) -> None:
    """Deliver ``mail`` in one SMTP session, or raise one of the three failures."""
    mail_from, rcpt_to = envelope(mail.sender, mail.recipients)
    try:
        client = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpTemporary(f"không kết nối được {config.host}:{config.port}: {error}") from None
    try:
        try:
            if config.security == "starttls":
                client.starttls(context=tls_context())
                client.ehlo()
            if config.username and password is not None:
                _login(client, config.username, password)
            code, reply = client.mail(mail_from)
            if code != 250:
                raise _refused(code, reply)
            refusals = []
            for address in rcpt_to:
                code, reply = client.rcpt(address)
                if code not in (250, 251):
                    refusals.append((code, f"{address}: {code} {reply.decode(errors='replace')}"))
            if len(refusals) == len(rcpt_to):
                text = "; ".join(r[1] for r in refusals)
                if all(c >= 500 for c, _ in refusals):
                    raise SmtpPermanent(f"máy chủ từ chối mọi người nhận: {text}")
                raise SmtpTemporary(f"máy chủ chưa nhận người nhận nào: {text}")
        except smtplib.SMTPResponseException as error:
            raise _refused(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpTemporary(f"lỗi trước khi gửi nội dung: {error}") from None
        try:
            code, reply = client.data(mail.raw)
        except smtplib.SMTPDataError as error:
            raise _refused(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpUncertain(f"mất kết nối khi gửi nội dung: {error}") from None
        if code != 250:
            raise _refused(code, reply)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=tls_context()
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    client.ehlo()
    return client


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; non-ASCII credentials go as UTF-8 in AUTH PLAIN (RFC 4616).

    smtplib encodes credentials as ASCII and would crash on a Vietnamese
    password, so such a login is sent by hand.
    """
    if username.isascii() and password.isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, reply = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _refused(code: int, reply: bytes | str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    message = f"{code} {text}"
    return SmtpPermanent(message) if code >= 500 else SmtpTemporary(message)
