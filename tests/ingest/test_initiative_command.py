"""`cchc-inbox initiative …` and `report initiatives --format json` on a register, each backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from store.db import SessionFactory
from store.models import InitiativeEdit
from tests.cli import run_cli, write_local_config
from tests.store.register import store_message

DB_LINE = 'url = "sqlite:///var/cchc-inbox.db"'


def configure(tmp_path: Path, database_url: str, sessions: SessionFactory) -> Path:
    """A config on the scratch register, with one initiative of xa-an-co stored."""
    store_message(sessions, 1, datetime(2024, 6, 1, 2, tzinfo=UTC), "xa-an-co")
    return write_local_config(tmp_path, (DB_LINE, f'url = "{database_url}"'))


def report(config: Path) -> list[dict[str, object]]:
    result = run_cli(
        "--config", str(config), "report", "initiatives", "--format", "json", "--campaign", "2024"
    )
    assert result.exit_code == 0, result.output
    initiatives = json.loads(result.stdout)["initiatives"]
    assert isinstance(initiatives, list)
    return initiatives


def test_the_json_report_keeps_its_keys_and_gains_id_tags_and_similar(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    [item] = report(config)
    assert {
        "unit",
        "unit_name",
        "title",
        "field",
        "authors",
        "received_at",
        "timing",
        "files",
    } <= set(item)
    assert isinstance(item["id"], int)
    assert item["tags"] == [
        {
            "kind": "field",
            "value": "Cải cách thủ tục hành chính",
            "evidence": "Cải cách thủ tục hành chính",
        }
    ]
    assert item["similar"] == [] and item["withdrawn"] is False


def test_staff_edit_an_initiative_by_its_id_and_the_report_shows_the_correction(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    [item] = report(config)
    ident = str(item["id"])
    edited = run_cli(
        "--config",
        str(config),
        "initiative",
        "edit",
        ident,
        "--title",
        "Số hóa hồ sơ một cửa",
        "--authors",
        "Lê Văn C; Trần Thị D",
        "--by",
        "lan",
    )
    assert edited.exit_code == 0, edited.output
    assert f"Đã sửa sáng kiến {ident}" in edited.stdout
    [after] = report(config)
    assert (after["id"], after["title"], after["authors"]) == (
        item["id"],
        "Số hóa hồ sơ một cửa",
        ["Lê Văn C", "Trần Thị D"],
    )
    shown = run_cli("--config", str(config), "initiative", "show", ident, "--format", "json")
    detail = json.loads(shown.stdout)
    assert [(e["what"], e["by"]) for e in detail["edits"]] == [("title", "lan"), ("authors", "lan")]
    tagged = run_cli(
        "--config", str(config), "initiative", "tag", ident, "--add", "index:PAPI", "--by", "lan"
    )
    assert tagged.exit_code == 0, tagged.output
    withdrawn = run_cli("--config", str(config), "initiative", "withdraw", ident, "--by", "lan")
    assert "đã được đánh dấu rút" in withdrawn.stdout
    [last] = report(config)
    assert last["withdrawn"] is True
    assert {"kind": "index", "value": "PAPI", "evidence": "(cán bộ thêm)"} in last["tags"]
    listing = run_cli("--config", str(config), "initiative", "list", "--campaign", "2024")
    assert "Đã rút" in listing.stdout and "PAPI" in listing.stdout
    restored = run_cli("--config", str(config), "initiative", "restore", ident, "--by", "hoa")
    assert restored.exit_code == 0 and "lại có trong danh sách" in restored.stdout
    assert report(config)[0]["withdrawn"] is False


def test_an_unknown_id_or_a_bad_tag_is_one_vietnamese_line_exit_2_and_nothing_written(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    [item] = report(config)
    for args in (
        ("edit", "999", "--title", "X", "--by", "lan"),
        ("withdraw", "999", "--by", "lan"),
        ("show", "999"),
        ("tag", "999", "--add", "index:PAPI"),
        ("merge", "999", str(item["id"]), "--by", "lan"),
        ("merge", str(item["id"]), "999", "--by", "lan"),
        ("unmerge", "999", "--by", "lan"),
        ("restore", "999", "--by", "lan"),
    ):
        result = run_cli("--config", str(config), "initiative", *args)
        assert result.exit_code == 2, args
        assert result.stderr == "Không có sáng kiến mã 999. Xem `cchc-inbox initiative list`.\n"
    bad = run_cli("--config", str(config), "initiative", "tag", str(item["id"]), "--add", "PAPI")
    assert bad.exit_code == 2 and "không hợp lệ" in bad.stderr and len(bad.stderr.splitlines()) == 1
    itself = run_cli(
        "--config", str(config), "initiative", "merge", str(item["id"]), str(item["id"])
    )
    assert itself.exit_code == 2
    assert itself.stderr == f"Không gộp được sáng kiến {item['id']} vào chính nó; chưa ghi gì.\n"
    nothing = run_cli("--config", str(config), "initiative", "edit", str(item["id"]))
    assert nothing.exit_code == 2 and "--title" in nothing.stderr
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(InitiativeEdit)) == 0


def test_show_tells_the_values_as_read_the_corrections_and_who_made_them(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    config = configure(tmp_path, database_url, sessions)
    [item] = report(config)
    ident = str(item["id"])
    run_cli(
        "--config",
        str(config),
        "initiative",
        "edit",
        ident,
        "--field",
        "Cải cách thể chế",
        "--by",
        "lan",
    )
    shown = run_cli("--config", str(config), "initiative", "show", ident)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Sáng kiến {ident}: đơn vị xa-an-co, đợt 2024"
    assert "Lĩnh vực: Cải cách thể chế" in lines
    assert "Nhãn field:Cải cách thể chế — Cải cách thể chế" in lines
    assert "Đã sửa tay: field" in lines
    assert lines[-1].endswith(" lan: field (như đọc từ hồ sơ) → Cải cách thể chế")


def test_split_moves_the_named_files_to_a_new_initiative_and_refuses_an_unknown_one(
    tmp_path: Path, database_url: str, sessions: SessionFactory
) -> None:
    store_message(
        sessions,
        1,
        datetime(2024, 6, 1, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("mo-ta.docx", "Số hóa hồ sơ"), ("tu-danh-gia.docx", "Số hóa hồ sơ")),
    )
    config = write_local_config(tmp_path, (DB_LINE, f'url = "{database_url}"'))
    [item] = report(config)
    ident = str(item["id"])
    for args, text in (
        (("999", "--files", "a.docx"), "Không có sáng kiến mã 999."),
        ((ident, "--files", "khac.pdf"), f"sáng kiến {ident} không có tệp khac.pdf; chưa ghi gì."),
    ):
        refused = run_cli("--config", str(config), "initiative", "split", *args, "--by", "lan")
        assert refused.exit_code == 2 and text in refused.stderr, args
        assert len(refused.stderr.splitlines()) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(InitiativeEdit)) == 0
    done = run_cli(
        "--config", str(config), "initiative", "split", ident, "--files", "tu-danh-gia.docx"
    )
    assert done.exit_code == 0, done.output
    assert f"ra khỏi sáng kiến {ident} (tệp: tu-danh-gia.docx)." in done.stdout
    files = sorted((i["id"] == item["id"], i["files"]) for i in report(config))
    assert files == [(False, ["tu-danh-gia.docx"]), (True, ["mo-ta.docx"])]
