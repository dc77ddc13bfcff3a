"""How pages write values: times in the campaign's zone, sizes, Vietnamese labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, has_request_context, request
from flask_login import current_user

from app.accounts import ROLE_WORDS, may
from app.campaigns import series_codes
from app.root import Register
from parsers.campaign import PAPER_COPY
from reports.render import (
    FORMS_LABELS,
    KIND_LABELS,
    REASON_LABELS,
    REVIEW_LABELS,
    STATUS_LABELS,
    TIMING_LABELS,
    local_text,
)
from web.context import page_campaign

#: How the unit of a message was found, as the message's page explains it.
SOURCE_LABELS = {
    "address": "địa chỉ gửi đã biết của đơn vị",
    "display_name": "tên người gửi",
    "subject": "tiêu đề thư",
    "body": "chữ ký trong thư",
    "document": "phần đầu văn bản đính kèm",
    "forwarded": "người gửi của thư được chuyển tiếp",
    "manual": "cán bộ gán",
}
PARSE_LABELS = {"pending": "Chưa phân tích", "failed": "Lỗi phân tích", "ok": "Đã phân tích"}
EXTRACT_LABELS = {
    "ok": "Đọc được",
    "empty": "Không có chữ",
    "encrypted": "Có mật khẩu",
    "unsupported": "Không hỗ trợ",
    "error": "Tệp hỏng",
    "refused": "Bị từ chối (vượt giới hạn)",
}
ACTION_LABELS = {
    "assign": "Gán đơn vị",
    "accept": "Chấp nhận",
    "ignore": "Bỏ qua",
    "campaign": "Xếp vào đợt",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "login_throttled": "Đăng nhập bị tạm khóa",
    "login_disabled": "Đăng nhập bằng tài khoản đã khóa",
    "logout": "Đăng xuất",
    "export": "Xuất dữ liệu",
    "download": "Tải tệp",
    "user_add": "Tạo tài khoản",
    "user_passwd": "Đổi mật khẩu",
    "user_disable": "Khóa tài khoản",
    "user_enable": "Mở khóa tài khoản",
    "user_role": "Đổi quyền",
    "paper_add": "Ghi nhận bản giấy",
    "paper_remove": "Xoá bản ghi bản giấy",
}


#: What an initiative's history row changed, as staff read it.
EDIT_LABELS = {
    "title": "Tên sáng kiến",
    "authors": "Tác giả",
    "field": "Lĩnh vực",
    "tags": "Nhãn",
    "withdrawn": "Rút",
    "merged_into": "Gộp",
    "split": "Tách ra",
    "split_from": "Tách từ",
}


def edit_value(value: Any, what: str) -> str:
    """Return a value kept in an initiative's history as staff read it."""
    if what == "withdrawn":
        return "đã rút" if value else "chưa rút"
    if what in ("merged_into", "split_from", "split"):
        if isinstance(value, dict):  # a split: the new record and the files it took
            return f"sáng kiến {value.get('into')}: {'; '.join(value.get('files', []))}"
        return "(dòng riêng)" if value is None else f"sáng kiến {value}"
    if value is None:
        return "(như đọc từ hồ sơ)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {edit_value(v, '')}" for k, v in value.items())
    return str(value)


def install(app: Flask, register: Register) -> None:
    """Give the templates their filters and the values every page uses."""
    zone = register.config.campaign.zone

    def local(moment: datetime | None) -> str:
        return local_text(moment, zone)

    def day(value: date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    def unit_name(code: str | None) -> str:
        unit = register.roster.by_code(code or "")
        return unit.name if unit else (code or "")

    def campaign_name(code: str | None) -> str:
        found = register.config.find_campaign(code or "")
        return f"{found.name} ({found.code})" if found else (code or "")

    app.jinja_env.filters.update(
        campaign_name=campaign_name,
        local=local,
        day=day,
        size=file_size,
        unit_name=unit_name,
        reason=lambda code: REASON_LABELS.get(code, code),
        timing=lambda code: TIMING_LABELS.get(code or "", ""),
        review=lambda code: REVIEW_LABELS.get(code or "", ""),
        standing=lambda code: STATUS_LABELS.get(code or "", ""),
        forms=lambda code: FORMS_LABELS.get(code or "", ""),
        kind=lambda code: KIND_LABELS.get(code or "", code or ""),
        source=lambda code: SOURCE_LABELS.get(code or "", code or ""),
        parse=lambda code: PARSE_LABELS.get(code or "", code or ""),
        extract=lambda code: EXTRACT_LABELS.get(code or "", code or ""),
        action=lambda code: ACTION_LABELS.get(code or "", code or ""),
        role=lambda code: ROLE_WORDS.get(code or "", code or ""),
        edit_what=lambda code: EDIT_LABELS.get(code or "", code or ""),
        edit_value=edit_value,
    )
    app.jinja_env.globals.update(
        campaigns=register.config.campaigns, has_series=bool(series_codes(register.config))
    )

    @app.context_processor
    def campaign() -> dict[str, Any]:
        """The campaign the page shows (``?campaign=``, else today's) and what it requires."""
        chosen = page_campaign() if has_request_context() else register.config.campaign
        # The campaign asked for, kept on the links and forms of the pages that show one.
        asked = request.args.get("campaign") or None if has_request_context() else None
        return {
            "campaign": chosen,
            "campaign_arg": asked,
            "paper_required": PAPER_COPY in chosen.requires,
        }

    @app.context_processor
    def person() -> dict[str, Any]:
        signed_in = bool(current_user.is_authenticated)
        role = current_user.role if signed_in else None
        return {
            "signed_in": signed_in,
            "can_decide": signed_in and may(role or "", "reviewer"),
            "is_admin": signed_in and may(role or "", "admin"),
            "is_council": signed_in and role == "council",
        }


def file_size(size: int | None) -> str:
    """Return a size as people read it: 812 B, 35 KB, 2,4 MB."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
