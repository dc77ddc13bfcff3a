"""`cchc-inbox council …`: assign initiatives to council members, enter scores, see results.

The rules are app.council's (and the rubric reports.council's), shared with
the web application; this module reads the arguments, says what they did and
sets the exit code: 2, with one Vietnamese line and nothing written, when a
request cannot be met.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from app import council
from app.council import CouncilRefused, Result, UnknownInitiative
from ingest.commands.campaigns import CAMPAIGN, FORMAT
from ingest.commands.context import Context, pass_context, person
from ingest.commands.reports import chosen
from reports.council import VERDICT_WORDS, VERDICTS, Rubric, total_of
from reports.render import as_table
from store.council import SheetRow

RESULT_HEADINGS = ("Mã", "Đơn vị", "Tên sáng kiến", "Người chấm: tổng", "Điểm TB", "Kết luận")
BY = click.option(
    "--by",
    default=None,
    metavar="TÊN",
    help="Người ghi (mặc định: tên người dùng $USER); ghi vào nhật ký thay đổi.",
)
ID = click.argument("record_id", metavar="MÃ", type=int)


@click.group("council")
def council_group() -> None:
    """Hội đồng chấm sáng kiến: giao chấm, nhập phiếu điểm, xem kết quả theo thang điểm.

    \b
    Ví dụ:
      cchc-inbox council assign --campaign 2024
      cchc-inbox council score 12 --member tam --criterion moi=25 --criterion ap-dung=20
      cchc-inbox council results --format json
    """


@council_group.command("assign")
@CAMPAIGN
@BY
@pass_context
def council_assign(context: Context, campaign_code: str | None, by: str | None) -> None:
    """Giao mỗi sáng kiến chưa rút cho đủ số thành viên chấm, đều nhau, không cùng đơn vị.

    Chạy lại chỉ giao thêm phần còn thiếu (kể cả người chấm thứ ba khi hai
    phiếu đầu chênh nhau); các phân công đã có được giữ nguyên.

    \b
    Ví dụ:
      cchc-inbox council assign --campaign 2024 --by lan
    """
    register = context.register()
    campaign = chosen(register, campaign_code)
    try:
        done = council.assign(register, campaign, by=person(by))
    except CouncilRefused as refusal:
        _refuse(refusal.text)
    for item in done.added:
        click.echo(f"Sáng kiến {item.record_id}: giao cho {item.member}.")
    click.echo(f"Đợt {campaign.code}: đã giao thêm {len(done.added)} phiếu chấm.")
    if done.short:
        ids = ", ".join(str(i) for i in done.short)
        click.echo(
            f"Chưa đủ người chấm (thiếu thành viên ngoài đơn vị của sáng kiến): {ids}.", err=True
        )


@council_group.command("score")
@ID
@click.option("--member", required=True, metavar="TÊN", help="Thành viên hội đồng chấm.")
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="KHÓA=ĐIỂM",
    help="Điểm một tiêu chí của [council], ví dụ moi=25; lặp lại cho mỗi tiêu chí.",
)
@click.option("--submit", is_flag=True, help="Nộp phiếu: phiếu bị khóa, không sửa được nữa.")
@BY
@pass_context
def council_score(
    context: Context,
    record_id: int,
    member: str,
    criteria: tuple[str, ...],
    submit: bool,
    by: str | None,
) -> None:
    """Ghi điểm của thành viên --member cho sáng kiến MÃ; --submit nộp và khóa phiếu.

    \b
    Ví dụ:
      cchc-inbox council score 12 --member tam --criterion moi=25 --criterion ap-dung=20
      cchc-inbox council score 12 --member tam --criterion hieu-qua=30 --submit
    """
    scores: dict[str, int] = {}
    for item in criteria:
        key, sep, points = item.partition("=")
        if not sep or not points.strip().isdigit():
            _refuse(f"--criterion {item!r} phải có dạng KHÓA=ĐIỂM (ví dụ moi=25); chưa ghi gì.")
        scores[key.strip()] = int(points)
    if not scores and not submit:
        _refuse("Cần ít nhất một --criterion KHÓA=ĐIỂM hoặc --submit; chưa ghi gì.")
    register = context.register()
    try:
        sheet = council.score(
            register, record_id, member, scores, submit=submit, by=person(by or member)
        )
    except UnknownInitiative:
        _refuse(f"Không có sáng kiến mã {record_id}. Xem `cchc-inbox council results`.")
    except CouncilRefused as refusal:
        _refuse(refusal.text)
    state = "đã nộp, phiếu bị khóa" if sheet.locked else "chưa nộp"
    click.echo(
        f"Phiếu của {member} cho sáng kiến {record_id}: tổng {total_of(sheet.scores)} ({state})."
    )


@council_group.command("results")
@CAMPAIGN
@FORMAT
@pass_context
def council_results(context: Context, campaign_code: str | None, fmt: str) -> None:
    """Điểm từng phiếu, tổng, kết luận của mỗi sáng kiến và cách kết luận suy ra từ điểm.

    \b
    Ví dụ:
      cchc-inbox council results --campaign 2024 --format json
    """
    register = context.register()
    campaign = chosen(register, campaign_code)
    try:
        rubric = council.rubric_of(register)
        found = council.results(register, campaign)
    except CouncilRefused as refusal:
        _refuse(refusal.text)
    if fmt == "json":
        payload = {
            "campaign": campaign.code,
            "threshold": rubric.threshold,
            "maximum": rubric.maximum,
            "initiatives": [result_json(r) for r in found],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"Đợt {campaign.code}: chưa có sáng kiến nào.")
        return
    cells = [
        [
            str(r.line.id),
            r.line.unit_name,
            r.line.title,
            "; ".join(_sheet_cell(s) for s in r.sheets),
            "" if r.outcome.total is None else f"{r.outcome.total:g}",
            VERDICT_WORDS[r.outcome.verdict],
        ]
        for r in found
    ]
    click.echo(_heading(campaign.code, rubric, found))
    click.echo(as_table(RESULT_HEADINGS, cells), nl=False)
    click.echo("\nGiải thích:")
    for r in found:
        click.echo(f"{r.line.id}. {r.outcome.explanation}")
    third = [str(r.line.id) for r in found if r.outcome.verdict == "third_needed"]
    if third:
        click.echo(f"Cần người chấm thứ ba: {', '.join(third)} — chạy `cchc-inbox council assign`.")


@council_group.command("decide")
@ID
@click.option(
    "--verdict", type=click.Choice(list(VERDICTS)), required=True, help="Kết luận của chủ tịch."
)
@BY
@pass_context
def council_decide(context: Context, record_id: int, verdict: str, by: str | None) -> None:
    """Ghi kết luận của chủ tịch hội đồng cho sáng kiến MÃ; kết luận này thay kết quả chấm.

    \b
    Ví dụ:
      cchc-inbox council decide 12 --verdict recognised --by tam
    """
    register = context.register()
    try:
        council.decide_as_chair(register, record_id, verdict, by=person(by))
    except UnknownInitiative:
        _refuse(f"Không có sáng kiến mã {record_id}. Xem `cchc-inbox council results`.")
    click.echo(f"Sáng kiến {record_id}: {VERDICT_WORDS[verdict].lower()} (chủ tịch quyết định).")


def result_json(result: Result) -> dict[str, Any]:
    """Return one initiative's result as ``council results --format json`` writes it."""
    line, outcome = result.line, result.outcome
    return {
        "id": line.id,
        "unit": line.unit_code,
        "unit_name": line.unit_name,
        "title": line.title,
        "authors": list(line.authors),
        "field": line.field,
        "sheets": [
            {
                "member": s.member,
                "scores": dict(s.scores),
                "total": total_of(s.scores),
                "submitted": s.locked,
                "submitted_at": None if s.submitted_at is None else s.submitted_at.isoformat(),
            }
            for s in result.sheets
        ],
        "total": outcome.total,
        "verdict": outcome.verdict,
        "third_needed": outcome.third_needed,
        "decided_by": None if result.decision is None else result.decision.decided_by,
        "explanation": outcome.explanation,
    }


def _sheet_cell(sheet: SheetRow) -> str:
    if not sheet.scores:
        return f"{sheet.member}: chưa chấm"
    return f"{sheet.member}: {total_of(sheet.scores)}" + ("" if sheet.locked else " (chưa nộp)")


def _heading(code: str, rubric: Rubric, found: list[Result]) -> str:
    recognised = sum(1 for r in found if r.outcome.verdict == "recognised")
    return (
        f"Đợt {code}: {len(found)} sáng kiến, {recognised} được công nhận "
        f"(ngưỡng {rubric.threshold}/{rubric.maximum} điểm)."
    )


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)
