"""Mail-server failures as one Vietnamese line: what happened and what to do.

`ingest.imap.describe` keeps the technical text ("LoginError: b'[AUTHENTICATIONFAILED]
Authentication failed.'"), which the register stores and the log shows at -v. What
staff and administrators read on the command line is this explanation of it.
"""

from __future__ import annotations

import re

_NETWORK_DOWN = "không tới được máy chủ qua mạng: kiểm tra mạng và host"
_DROPPED = "kết nối bị ngắt giữa chừng: lần đọc sau sẽ đọc tiếp từ chỗ đã lưu"

#: Exception class name (as `describe` writes it) -> explanation.
_BY_TYPE = {
    "LoginError": "máy chủ từ chối đăng nhập: kiểm tra username và mật khẩu của hộp thư",
    "ConnectionRefusedError": (
        "máy chủ từ chối kết nối: kiểm tra host, port và máy chủ thư có đang chạy không"
    ),
    "gaierror": "không tìm thấy máy chủ theo tên: kiểm tra host và mạng (DNS)",
    "TimeoutError": (
        "máy chủ không trả lời kịp: kiểm tra mạng, host và port (hoặc tăng timeout_seconds)"
    ),
    "timeout": "máy chủ không trả lời kịp: kiểm tra mạng, host và port (hoặc tăng timeout_seconds)",
    "SSLCertVerificationError": (
        "chứng chỉ TLS của máy chủ không được tin cậy: kiểm tra host, hoặc đặt "
        "CCHC_IMAP_CAFILE (CCHC_SMTP_CAFILE cho [smtp]) nếu máy chủ dùng CA riêng"
    ),
    "SSLError": (
        "không thiết lập được kết nối mã hóa TLS: kiểm tra security (ssl, starttls, none) "
        "và port của máy chủ"
    ),
    "ConnectionResetError": _DROPPED,
    "BrokenPipeError": _DROPPED,
    "ConnectionAbortedError": _DROPPED,
    "abort": _DROPPED,
    "AbortError": _DROPPED,
    "IMAPClientAbortError": _DROPPED,
    "EOFError": _DROPPED,
    "PostProcessingUnsupported": (
        "máy chủ không chuyển thư an toàn được (không có MOVE hay UIDPLUS): "
        'dùng mark_processed = "flag" hoặc bỏ khóa đó'
    ),
    "SMTPAuthenticationError": (
        "máy chủ gửi thư từ chối đăng nhập: kiểm tra [smtp] username và mật khẩu"
    ),
    "SMTPNotSupportedError": (
        "máy chủ gửi thư không hỗ trợ điều được yêu cầu (STARTTLS hoặc đăng nhập): "
        "kiểm tra [smtp] security và port"
    ),
    "SMTPServerDisconnected": (
        "máy chủ gửi thư ngắt kết nối: kiểm tra [smtp] security (ssl hay starttls) và port"
    ),
    "SMTPConnectError": "máy chủ gửi thư không nhận kết nối: kiểm tra [smtp] host và port",
}
_NETWORK_ERRNOS = ("[Errno 101]", "[Errno 113]", "[Errno 99]")


def explain_mail_error(described: str) -> str:
    """Explain ``described`` (``"Type: text"`` from `ingest.imap.describe`) in Vietnamese."""
    kind, _, text = described.partition(": ")
    if kind == "PasswordMissing":
        return _missing_password(text)
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    if kind == "OSError" and any(code in text for code in _NETWORK_ERRNOS):
        return _NETWORK_DOWN
    if not kind.isidentifier() and _is_vietnamese(described):
        return described  # ours whole ("ổ đĩa đầy …"): no exception type in front
    if _is_vietnamese(text):  # our own checks already say it in Vietnamese
        return text
    return (
        "lỗi khi làm việc với máy chủ thư: kiểm tra cấu hình hộp thư; "
        "chạy lại với -v để xem chi tiết kỹ thuật"
    )


def _missing_password(text: str) -> str:
    variable = re.search(r"environment variable (\S+) is not set", text)
    if variable:
        return (
            f"chưa có mật khẩu: biến môi trường {variable.group(1)} chưa được đặt — "
            "đặt biến đó rồi chạy lại"
        )
    path = re.search(r"No such file or directory: '([^']*)'", text)
    if path:
        return f"không có tệp mật khẩu {path.group(1)}: kiểm tra password_file"
    denied = re.search(r"Permission denied: '([^']*)'", text)
    if denied:
        return f"không có quyền đọc tệp mật khẩu {denied.group(1)}: kiểm tra quyền của tệp"
    return "không đọc được mật khẩu của hộp thư: kiểm tra password_env hoặc password_file"


def _is_vietnamese(text: str) -> bool:
    return re.search(r"[à-ỹÀ-Ỹđ]", text) is not None
