"""`cchc-inbox initiative …`: the council's initiatives as records staff correct and tag.

The rules are app.initiatives', shared with the web application; this module
reads the arguments, says what they did and sets the exit code.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import click

from app import initiatives as records
from app.initiatives import (
    MERGE_REFUSALS,
    BadTag,
    InitiativeDetail,
    MergeRefused,
    SplitRefused,
    UnknownInitiative,
    split_refusal,
)
from ingest.commands.campaigns import CAMPAIGN, FORMAT
from ingest.commands.context import Context, pass_context, person
from ingest.commands.reports import chosen
from reports.initiatives import InitiativeLine
from reports.render import as_table, local_text
from store.initiatives import RecordRow

LIST_HEADINGS = ("Mã", "Đơn vị", "Tên sáng kiến", "Lĩnh vực", "Chỉ số", "Trùng lặp?", "Rút")
BY = click.option(
    "--by",
    default=None,
    metavar="TÊN",
    help="Người sửa (mặc định: tên người dùng $USER); ghi vào nhật ký thay đổi.",
)
ID = click.argument("record_id", metavar="MÃ", type=int)


@click.group()
def initiative() -> None:
    """Sáng kiến của hội đồng: liệt kê, xem, sửa, gắn nhãn, gộp, đánh dấu rút.

    \b
    Ví dụ:
      cchc-inbox initiative list
      cchc-inbox initiative edit 12 --title "Số hóa hồ sơ một cửa" --by lan
    """


@initiative.command("list")
@CAMPAIGN
@FORMAT
@pass_context
def initiative_list(context: Context, campaign_code: str | None, fmt: str) -> None:
    """Các sáng kiến của một đợt với mã, lĩnh vực, chỉ số và sáng kiến gần trùng.

    \b
    Ví dụ:
      cchc-inbox initiative list --campaign 2024
    """
    register = context.register()
    campaign = chosen(register, campaign_code)
    lines = records.council_lines(register, campaign)
    if fmt == "json":
        payload = {"campaign": campaign.code, "initiatives": [_summary(ln) for ln in lines]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not lines:
        click.echo(f"Đợt {campaign.code}: chưa có sáng kiến nào.")
        return
    cells = [
        [
            str(ln.id),
            ln.unit_name,
            ln.title,
            "; ".join(t.value for t in ln.tags if t.kind == "field"),
            ", ".join(t.value for t in ln.tags if t.kind == "index"),
            ", ".join(f"{s.id} ({s.similarity:.0%})" for s in ln.similar),
            "Đã rút" if ln.withdrawn else "",
        ]
        for ln in lines
    ]
    click.echo(f"Đợt {campaign.code}: {len(cells)} sáng kiến.\n", nl=False)
    click.echo(as_table(LIST_HEADINGS, cells), nl=False)


@initiative.command("show")
@ID
@FORMAT
@pass_context
def initiative_show(context: Context, record_id: int, fmt: str) -> None:
    """Một sáng kiến: giá trị đọc từ hồ sơ, giá trị đã sửa, nhãn kèm câu dẫn chứng, lịch sử sửa.

    \b
    Ví dụ:
      cchc-inbox initiative show 12
    """
    register = context.register()
    try:
        detail = records.initiative_detail(register, record_id)
    except UnknownInitiative:
        _unknown(record_id)
    if fmt == "json":
        click.echo(json.dumps(_detail_json(detail), ensure_ascii=False, indent=2))
        return
    click.echo(_detail_text(detail, register.config.campaign_of(detail.record.campaign).zone))


@initiative.command("edit")
@ID
@click.option("--title", default=None, metavar="TÊN", help="Tên sáng kiến đúng.")
@click.option(
    "--authors", default=None, metavar="'A; B'", help="Các tác giả, cách nhau bằng dấu chấm phẩy."
)
@click.option("--field", default=None, metavar="LĨNH_VỰC", help="Lĩnh vực áp dụng đúng.")
@BY
@pass_context
def initiative_edit(
    context: Context,
    record_id: int,
    title: str | None,
    authors: str | None,
    field: str | None,
    by: str | None,
) -> None:
    """Sửa tên, tác giả hoặc lĩnh vực của sáng kiến MÃ; giá trị sửa thắng giá trị đọc lại.

    \b
    Ví dụ:
      cchc-inbox initiative edit 12 --authors "Nguyễn Văn A; Lê Thị B" --by lan
    """
    values = [v.strip() if v is not None else None for v in (title, authors, field)]
    if all(v is None for v in values):
        _refuse("Cần ít nhất một trong --title, --authors, --field; chưa ghi gì.")
    if any(v == "" for v in values):
        _refuse("Giá trị sửa không được để trống; chưa ghi gì.")
    names = None if values[1] is None else [a.strip() for a in values[1].split(";") if a.strip()]
    register = context.register()
    try:
        record = records.edit_initiative(
            register, record_id, title=values[0], authors=names, field=values[2], by=person(by)
        )
    except UnknownInitiative:
        _unknown(record_id)
    click.echo(f"Đã sửa sáng kiến {record.id} ({record.unit}, đợt {record.campaign}).")


@initiative.command("withdraw")
@ID
@BY
@pass_context
def initiative_withdraw(context: Context, record_id: int, by: str | None) -> None:
    """Đánh dấu sáng kiến MÃ đã rút: không còn trong danh sách gửi hội đồng.

    \b
    Ví dụ:
      cchc-inbox initiative withdraw 12 --by lan
    """
    register = context.register()
    try:
        record = records.withdraw_initiative(register, record_id, by=person(by))
    except UnknownInitiative:
        _unknown(record_id)
    click.echo(
        f"Sáng kiến {record.id} ({record.unit}, đợt {record.campaign}) đã được đánh dấu rút."
    )


@initiative.command("restore")
@ID
@BY
@pass_context
def initiative_restore(context: Context, record_id: int, by: str | None) -> None:
    """Bỏ đánh dấu rút của sáng kiến MÃ (đánh dấu nhầm): sáng kiến lại có trong danh sách.

    \b
    Ví dụ:
      cchc-inbox initiative restore 12 --by lan
    """
    register = context.register()
    try:
        record = records.restore_initiative(register, record_id, by=person(by))
    except UnknownInitiative:
        _unknown(record_id)
    click.echo(f"Sáng kiến {record.id} lại có trong danh sách gửi hội đồng.")


@initiative.command("merge")
@ID
@click.argument("into_id", metavar="VÀO_MÃ", type=int)
@BY
@pass_context
def initiative_merge(context: Context, record_id: int, into_id: int, by: str | None) -> None:
    """Gộp sáng kiến MÃ vào sáng kiến VÀO_MÃ (cùng đơn vị, cùng đợt): hai bản ghi là một sáng kiến.

    Dòng gộp giữ tên, tác giả, lĩnh vực của VÀO_MÃ và có thêm các tệp của MÃ.

    \b
    Ví dụ:
      cchc-inbox initiative merge 13 12 --by lan
    """
    register = context.register()
    try:
        record = records.merge_initiatives(register, record_id, into_id, by=person(by))
    except UnknownInitiative as unknown:
        _unknown(int(str(unknown)))
    except MergeRefused as refused:
        _refuse(MERGE_REFUSALS[refused.reason].format(id=record_id, into=into_id))
    click.echo(f"Đã gộp sáng kiến {record.id} vào sáng kiến {record.merged_into}.")


@initiative.command("unmerge")
@ID
@BY
@pass_context
def initiative_unmerge(context: Context, record_id: int, by: str | None) -> None:
    """Tách sáng kiến MÃ đã gộp ra thành một dòng riêng như trước.

    \b
    Ví dụ:
      cchc-inbox initiative unmerge 13 --by lan
    """
    register = context.register()
    try:
        record = records.unmerge_initiative(register, record_id, by=person(by))
    except UnknownInitiative:
        _unknown(record_id)
    click.echo(f"Sáng kiến {record.id} lại là một dòng riêng.")


@initiative.command("split")
@ID
@click.option(
    "--files",
    required=True,
    metavar="'a.docx; b.pdf'",
    help="Các tệp chuyển sang sáng kiến mới (tên như khi gửi), cách nhau bằng dấu chấm phẩy.",
)
@BY
@pass_context
def initiative_split(context: Context, record_id: int, files: str, by: str | None) -> None:
    """Tách sáng kiến MÃ làm hai: các tệp đã nêu thành một sáng kiến mới (mã mới).

    Dùng khi một bản ghi thực ra là hai sáng kiến (một thư gửi hai tệp, hoặc gửi lại
    cùng tên nhưng là sáng kiến khác). Xem tên tệp bằng `initiative show MÃ`.

    \b
    Ví dụ:
      cchc-inbox initiative split 12 --files "sang-kien-2.docx" --by lan
    """
    register = context.register()
    try:
        record = records.split_initiative(register, record_id, files.split(";"), by=person(by))
    except UnknownInitiative:
        _unknown(record_id)
    except SplitRefused as refused:
        _refuse(split_refusal(refused, record_id))
    click.echo(
        f"Đã tách sáng kiến {record.id} ra khỏi sáng kiến {record_id}"
        f" (tệp: {'; '.join(record.split_files)})."
    )


@initiative.command("tag")
@ID
@click.option("--add", multiple=True, metavar="LOẠI:GIÁ_TRỊ", help="Thêm nhãn, ví dụ index:PAPI.")
@click.option(
    "--remove", multiple=True, metavar="LOẠI:GIÁ_TRỊ", help="Bỏ nhãn, ví dụ field:Cải cách thể chế."
)
@BY
@pass_context
def initiative_tag(
    context: Context, record_id: int, add: tuple[str, ...], remove: tuple[str, ...], by: str | None
) -> None:
    """Thêm hoặc bỏ nhãn lĩnh vực (field:…) và chỉ số (index:…) của sáng kiến MÃ.

    \b
    Ví dụ:
      cchc-inbox initiative tag 12 --add index:PAPI --remove "field:Cải cách thể chế" --by lan
    """
    if not add and not remove:
        _refuse("Cần --add hoặc --remove; chưa ghi gì.")
    register = context.register()
    try:
        record = records.tag_initiative(register, record_id, add=add, remove=remove, by=person(by))
    except BadTag as bad:
        _refuse(
            f"Nhãn {str(bad)!r} không hợp lệ: viết field:LĨNH_VỰC hoặc index:CHỈ_SỐ; chưa ghi gì."
        )
    except UnknownInitiative:
        _unknown(record_id)
    click.echo(f"Đã cập nhật nhãn của sáng kiến {record.id}.")


def _summary(line: InitiativeLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "unit": line.unit_code,
        "title": line.title,
        "field": line.field,
        "authors": list(line.authors),
        "withdrawn": line.withdrawn,
        "merged": list(line.merged),
        "tags": [{"kind": t.kind, "value": t.value, "evidence": t.evidence} for t in line.tags],
        "similar": [
            {"id": s.id, "unit": s.unit, "title": s.title, "similarity": s.similarity}
            for s in line.similar
        ],
    }


def _corrections(record: RecordRow) -> dict[str, Any]:
    return {
        "title": record.title,
        "authors": None if record.authors is None else list(record.authors),
        "field": record.field,
        "tags_added": list(record.tags_added),
        "tags_removed": list(record.tags_removed),
        "merged_into": record.merged_into,
        "split_from": record.split_from,
        "split_files": list(record.split_files),
    }


def _detail_json(detail: InitiativeDetail) -> dict[str, Any]:
    record = detail.record
    return {
        "id": record.id,
        "campaign": record.campaign,
        "unit": record.unit,
        "key": record.key,
        "listed": detail.line is not None,
        "current": None if detail.line is None else _summary(detail.line),
        "corrections": _corrections(record),
        "withdrawn_by": record.withdrawn_by,
        "edits": [
            {
                "what": e.what,
                "before": e.before,
                "after": e.after,
                "by": e.edited_by,
                "at": e.edited_at.isoformat(),
            }
            for e in detail.edits
        ],
    }


def _detail_text(detail: InitiativeDetail, zone: ZoneInfo) -> str:
    record, line = detail.record, detail.line
    out = [f"Sáng kiến {record.id}: đơn vị {record.unit}, đợt {record.campaign}"]
    if record.merged_into is not None:
        out.append(f"Đã gộp vào sáng kiến {record.merged_into}.")
    elif line is None:
        out.append("Không còn trong danh sách của đợt (hồ sơ đã được phân tích lại khác đi).")
    else:
        out += [
            f"Tên: {line.title}",
            f"Tác giả: {'; '.join(line.authors)}",
            f"Lĩnh vực: {line.field or ''}",
            f"Tệp: {'; '.join(line.filenames)}",
        ]
        out += [f"Nhãn {t.kind}:{t.value} — {t.evidence}" for t in line.tags]
        for s in line.similar:
            where = f"{s.unit}, đợt {s.campaign}"
            out.append(f"Gần trùng: {s.id} ({where}) {s.title} — {s.similarity:.0%}")
            out += [f"  cùng đoạn: {passage}" for passage in s.passages]
    corrected = [k for k, v in _corrections(record).items() if v not in (None, [])]
    if corrected:
        out.append("Đã sửa tay: " + ", ".join(corrected))
    if record.withdrawn_at is not None:
        out.append(f"Đã rút ({record.withdrawn_by}, {local_text(record.withdrawn_at, zone)})")
    for e in detail.edits:
        when = local_text(e.edited_at, zone)
        shown = {"merged_into": _merge_value, "withdrawn": _withdrawn_value}.get(e.what, _value)
        before, after = shown(e.before), shown(e.after)
        out.append(f"  {when} {e.edited_by}: {e.what} {before} → {after}")
    return "\n".join(out)


def _withdrawn_value(value: Any) -> str:
    return "đã rút" if value else "chưa rút"


def _merge_value(value: Any) -> str:
    return "(dòng riêng)" if value is None else f"sáng kiến {value}"


def _value(value: Any) -> str:
    """Return a kept value as staff read it; None is the value read from the documents."""
    if value is None:
        return "(như đọc từ hồ sơ)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def _unknown(record_id: int) -> NoReturn:
    _refuse(f"Không có sáng kiến mã {record_id}. Xem `cchc-inbox initiative list`.")


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)
