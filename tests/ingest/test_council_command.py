"""`cchc-inbox council assign|score|results|decide` on a register, each backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from store.accounts import add_user
from store.db import SessionFactory
from store.models import AuditEvent, CouncilSheet
from tests.cli import run_cli, write_local_config
from tests.store.register import store_message

DB_LINE = 'url = "sqlite:///var/cchc-inbox.db"'
NOW = datetime(2024, 6, 25, 2, tzinfo=UTC)
#: Three initiatives of three units; members of two of those units and one of none.
UNITS = ("xa-an-co", "xa-an-binh", "xa-bien-gioi")
MEMBERS = (("tam", "xa-an-co"), ("lan", "xa-an-binh"), ("minh", None))


def configure(tmp_path: Path, database_url: str, sessions: SessionFactory) -> Path:
    for uid, (unit, title) in enumerate(
        zip(UNITS, ("Số hóa hồ sơ một cửa", "Tổ giúp việc", "Hộp thư góp ý điện tử"), strict=True),
        1,
    ):
        store_message(
            sessions,
            uid,
            datetime(2024, 6, uid, 2, tzinfo=UTC),
            unit,
            files=((f"sk-{uid}.docx", title),),
        )
    with sessions.begin() as session:
        for name, unit in MEMBERS:
            add_user(session, name, "council", "x", "t", NOW, unit=unit)
        add_user(session, "viewer1", "viewer", "x", "t", NOW)
    return write_local_config(tmp_path, (DB_LINE, f'url = "{database_url}"'))


def cli(config: Path, *args: str) -> Any:
    return run_cli("--config", str(config), "council", *args)


def results(config: Path) -> dict[str, Any]:
    result = cli(config, "results", "--campaign", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def ids_by_unit(config: Path) -> dict[str, int]:
    return {item["unit"]: item["id"] for item in results(config)["initiatives"]}


def test_assign_gives_each_initiative_two_members_evenly_never_of_its_own_unit_and_is_idempotent(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    first = cli(config, "assign", "--campaign", "2024", "--by", "lan")
    assert first.exit_code == 0, first.output
    assert "đã giao thêm 6 phiếu chấm" in first.output
    payload = results(config)
    members = {i["unit"]: sorted(s["member"] for s in i["sheets"]) for i in payload["initiatives"]}
    assert members == {
        "xa-an-co": ["lan", "minh"],
        "xa-an-binh": ["minh", "tam"],
        "xa-bien-gioi": ["lan", "tam"],
    }
    again = cli(config, "assign", "--campaign", "2024")
    assert again.exit_code == 0 and "đã giao thêm 0 phiếu chấm" in again.output
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CouncilSheet)) == 6
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("council_assign") == 6


def test_scores_submitted_by_two_agreeing_members_give_the_verdict_and_its_explanation(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    assert cli(config, "assign", "--campaign", "2024").exit_code == 0
    record = ids_by_unit(config)["xa-an-co"]
    for member, points in (("lan", ("25", "20", "30")), ("minh", ("27", "22", "25"))):
        scored = cli(
            config,
            "score",
            str(record),
            "--member",
            member,
            "--criterion",
            f"moi={points[0]}",
            "--criterion",
            f"ap-dung={points[1]}",
            "--criterion",
            f"hieu-qua={points[2]}",
            "--submit",
        )
        assert scored.exit_code == 0, scored.output
        assert "đã nộp, phiếu bị khóa" in scored.output
    [item] = [i for i in results(config)["initiatives"] if i["id"] == record]
    assert (item["total"], item["verdict"], item["third_needed"]) == (74.5, "recognised", False)
    assert [s["total"] for s in item["sheets"]] == [75, 74]
    assert "minh: Tính mới, tính sáng tạo 27/30 (Hoàn toàn mới)" in item["explanation"]
    assert item["explanation"].endswith("ngưỡng công nhận 50: công nhận.")
    table = cli(config, "results", "--campaign", "2024")
    assert "Công nhận" in table.output and "Chưa chấm xong" in table.output


@pytest.mark.parametrize(
    ("member", "criterion", "message"),
    [
        ("lan", "moi=31", "Điểm 31 của tiêu chí 'Tính mới, tính sáng tạo' ngoài khoảng 0–30."),
        ("lan", "khac=3", "Tiêu chí 'khac' không có trong thang điểm"),
        ("tam", "moi=20", "không được giao cho tam chấm"),  # tam is of xa-an-co
        ("ai", "moi=20", "'ai' không phải thành viên hội đồng"),
        ("viewer1", "moi=20", "'viewer1' không phải thành viên hội đồng"),
        ("lan", "moi", "phải có dạng KHÓA=ĐIỂM"),
    ],
)
def test_a_score_that_cannot_be_kept_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path,
    database_url: str,
    sessions: SessionFactory,
    member: str,
    criterion: str,
    message: str,
) -> None:
    config = configure(tmp_path, database_url, sessions)
    assert cli(config, "assign", "--campaign", "2024").exit_code == 0
    record = ids_by_unit(config)["xa-an-co"]
    refused = cli(config, "score", str(record), "--member", member, "--criterion", criterion)
    assert refused.exit_code == 2
    assert message in refused.stderr and len(refused.stderr.splitlines()) == 1
    with sessions.begin() as session:
        assert all(s is None for s in session.scalars(select(CouncilSheet.scores)))
        assert "council_score" not in session.scalars(select(AuditEvent.action)).all()


def test_an_unknown_initiative_or_a_change_after_submit_is_refused(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    assert cli(config, "assign", "--campaign", "2024").exit_code == 0
    unknown = cli(config, "score", "999", "--member", "lan", "--criterion", "moi=1")
    assert unknown.exit_code == 2 and "Không có sáng kiến mã 999" in unknown.stderr
    record = str(ids_by_unit(config)["xa-an-co"])
    early = cli(config, "score", record, "--member", "lan", "--criterion", "moi=1", "--submit")
    assert early.exit_code == 2 and "còn thiếu điểm Khả năng áp dụng" in early.stderr
    keys = ("--criterion", "moi=10", "--criterion", "ap-dung=10", "--criterion", "hieu-qua=10")
    assert cli(config, "score", record, "--member", "lan", *keys, "--submit").exit_code == 0
    late = cli(config, "score", record, "--member", "lan", "--criterion", "moi=30")
    assert late.exit_code == 2 and "đã nộp và bị khóa" in late.stderr
    [sheet] = [s for s in _sheets(config, int(record)) if s["member"] == "lan"]
    assert sheet["scores"] == {"moi": 10, "ap-dung": 10, "hieu-qua": 10}


def test_disagreeing_members_get_a_third_scorer_and_the_chair_may_decide(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    assert cli(config, "assign", "--campaign", "2024").exit_code == 0
    record = ids_by_unit(config)["xa-bien-gioi"]  # lan and tam; minh is the third
    for member, points in (("lan", "30"), ("tam", "5")):
        keys = ("--criterion", f"moi={points}", "--criterion", "ap-dung=25")
        done = cli(
            config,
            "score",
            str(record),
            "--member",
            member,
            *keys,
            "--criterion",
            "hieu-qua=20",
            "--submit",
        )
        assert done.exit_code == 0, done.output
    [item] = [i for i in results(config)["initiatives"] if i["id"] == record]
    assert (item["verdict"], item["third_needed"]) == ("third_needed", True)
    assert "Hai tổng điểm đầu 75 và 50 chênh 25 > 15" in item["explanation"]
    table = cli(config, "results", "--campaign", "2024")
    assert f"Cần người chấm thứ ba: {record}" in table.output
    third = cli(config, "assign", "--campaign", "2024")
    assert "giao cho minh" in third.output
    decided = cli(config, "decide", str(record), "--verdict", "not_recognised", "--by", "chu-tich")
    assert decided.exit_code == 0, decided.output
    [item] = [i for i in results(config)["initiatives"] if i["id"] == record]
    assert (item["verdict"], item["decided_by"]) == ("not_recognised", "chu-tich")
    assert item["explanation"].endswith("Chủ tịch hội đồng (chu-tich) quyết định: không công nhận.")


def test_assign_without_council_members_says_how_to_add_them(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    store_message(sessions, 1, datetime(2024, 6, 1, 2, tzinfo=UTC), "xa-an-co")
    config = write_local_config(tmp_path, (DB_LINE, f'url = "{database_url}"'))
    refused = cli(config, "assign", "--campaign", "2024")
    assert refused.exit_code == 2
    assert "users add TÊN --role council" in refused.stderr


def _sheets(config: Path, record: int) -> list[dict[str, Any]]:
    [item] = [i for i in results(config)["initiatives"] if i["id"] == record]
    sheets: list[dict[str, Any]] = item["sheets"]
    return sheets
