"""Reports on a big register: `report compliance` and `digest` against the bare SQL query.

A register of 100,000 messages from 1,000 units (generated, inserted directly) on
SQLite and PostgreSQL. Each report is timed three ways: the whole command as a
subprocess (process start included), the same command in-process (imports
warm: what the query and the rendering cost), and, as the floor, the one
aggregate query that answers the compliance question, run by `psql` /
`sqlite3` directly.

Run: .venv/bin/python -m bench.reports [--messages 100000] [--units 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from click.testing import CliRunner
from sqlalchemy import insert

from app.config import load_config
from app.initiatives import council_lines
from app.root import open_engine, open_register
from bench.harness import ROOT
from bench.results import report
from bench.scratch import scratch_postgres, sqlalchemy_url
from ingest.cli import main as cli
from parsers.text import search_form
from store.db import make_session_factory, upgrade_schema
from store.models import Attachment, Initiative, Message
from store.tallies import rebuild_unit_tallies

FLOOR_SQL = """
SELECT m.unit_code,
       COUNT(DISTINCT CASE WHEN m.timing IN ('early', 'on_time') THEN i.title_key END),
       COUNT(DISTINCT i.title_key),
       MIN(m.received_at)
FROM messages m LEFT JOIN initiatives i ON i.message_id = m.id
WHERE m.status = 'accepted'
GROUP BY m.unit_code
"""
OPENS = datetime(2024, 5, 15, 1, 0, tzinfo=UTC)


def write_roster(path: Path, units: int) -> list[str]:
    """Write a roster of ``units`` communes; return their codes."""
    codes = [f"xa-thu-nghiem-{n:04d}" for n in range(units)]
    path.write_text(
        "".join(
            f'[[unit]]\ncode = "{code}"\nname = "UBND xã Thử Nghiệm {n:04d}"\n'
            f'kind = "commune"\nrequired = true\nemails = ["vanthu{n}@tayninh.gov.vn"]\n\n'
            for n, code in enumerate(codes)
        ),
        encoding="utf-8",
    )
    return codes


def write_config(folder: Path, database_url: str, units: int) -> Path:
    codes_file = folder / "units.toml"
    write_roster(codes_file, units)
    path = folder / "config.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"
[storage]
dir = "files"
[units]
file = "{codes_file}"
[[mailboxes]]
name = "bench"
host = "127.0.0.1"
port = 10143
security = "none"
username = "phongnv-cth@tayninh.gov.vn"
password_env = "CCHC_BENCH_UNUSED"
[campaign]
name = "Benchmark"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"
[schedule]
poll_every = "5m"
digest_at = "07:00"
""",
        encoding="utf-8",
    )
    return path


#: Words of the documents' text the web benchmark searches in (with_text).
WORDS = [
    "sáng",
    "kiến",
    "cải",
    "cách",
    "hành",
    "chính",
    "một",
    "cửa",
    "liên",
    "thông",
    "hồ",
    "sơ",
    "trực",
    "tuyến",
    "dịch",
    "vụ",
    "công",
    "chuyển",
    "đổi",
    "số",
    "tiếp",
    "nhận",
    "trả",
    "kết",
    "quả",
    "thủ",
    "tục",
    "người",
    "dân",
    "doanh",
    "nghiệp",
    "mức",
    "độ",
    "hài",
    "lòng",
    "ứng",
    "dụng",
    "phần",
    "mềm",
    "quản",
    "lý",
    "văn",
    "bản",
    "điều",
    "hành",
    "chữ",
    "ký",
    "số",
    "tra",
    "cứu",
    "mã",
    "QR",
    "xã",
    "huyện",
    "tỉnh",
]


def generated_rows(
    messages: int,
    codes: list[str],
    seed: int = 11,
    *,
    with_text: bool = False,
    document_words: int = 0,
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """Yield (message, attachment, initiative) rows: 97% accepted, 2% to review, 1% ignored.

    ``with_text``: messages carry a search text (about 100 words of document text),
    as the poller writes it, for the web's search. ``document_words``: each document
    keeps that many words of text read from it (the council's list compares them).
    """
    rng = random.Random(seed)
    fetched = datetime(2024, 7, 1, tzinfo=UTC)
    for n in range(1, messages + 1):
        unit = codes[n % len(codes)]
        received = OPENS + timedelta(seconds=rng.randrange(0, 50 * 86400))
        roll = rng.random()
        status = "accepted" if roll < 0.97 else "needs_review" if roll < 0.99 else "ignored"
        timing = "late" if received > OPENS + timedelta(days=41) else "on_time"
        digest = f"{n:064x}"
        message = {
            "id": n,
            "mailbox": "bench",
            "folder": "INBOX",
            "uidvalidity": 1,
            "uid": n,
            "sha256": digest,
            "size": 250_000,
            "received_at": received,
            "fetched_at": fetched,
            "rfc_message_id": f"<bench-{n}@tayninh.gov.vn>",
            "date_header": received,
            "from_address": f"vanthu{n % len(codes)}@tayninh.gov.vn",
            "from_name": "Văn thư",
            "subject": f"Gửi sáng kiến CCHC năm 2024 (số {n})",
            "parse_status": "ok",
            "parse_error": None,
            "unit_code": unit if status != "needs_review" else None,
            "unit_source": "address",
            "timing": timing,
            "status": status,
            "reasons": [] if status == "accepted" else ["unknown_unit"],
            "candidates": [],
        }
        if with_text:
            words = " ".join(rng.choice(WORDS) for _ in range(100))
            message["search_text"] = search_form(
                f"{message['subject']} {message['from_address']} sang-kien-{n}.pdf "
                f"{words} ma so {n}"
            )
        attachment = {
            "id": n,
            "message_id": n,
            "position": 0,
            "filename": f"sang-kien-{n}.pdf",
            "content_type": "application/pdf",
            "size": 240_000,
            "sha256": digest,
            "is_document": True,
            "extract_status": "ok",
            "extract_reason": None,
            "text": " ".join(rng.choice(WORDS) for _ in range(document_words)) or None,
            "text_chars": 12_000,
            "parent": None,
        }
        # A unit resends the same initiative now and then (a corrected copy).
        title = f"Sáng kiến số {rng.randrange(0, 3)} của {unit}"
        initiative = {
            "message_id": n,
            "attachment_id": n,
            "title": title,
            "title_key": title.lower(),
            "field": "Cải cách thủ tục hành chính",
            "authors": ["Nguyễn Văn A"],
        }
        yield message, attachment, initiative


def fill(
    config_path: Path,
    messages: int,
    units: int,
    *,
    with_text: bool = False,
    document_words: int = 0,
) -> None:
    config = load_config(config_path)
    engine = open_engine(config, create=True)
    upgrade_schema(engine)
    codes = [f"xa-thu-nghiem-{n:04d}" for n in range(units)]
    sessions = make_session_factory(engine)
    rows = generated_rows(messages, codes, with_text=with_text, document_words=document_words)
    while True:
        chunk = [row for _, row in zip(range(5000), rows, strict=False)]
        if not chunk:
            break
        with sessions.begin() as session:
            session.execute(insert(Message), [m for m, _, _ in chunk])
            session.execute(insert(Attachment), [a for _, a, _ in chunk])
            session.execute(insert(Initiative), [i for _, _, i in chunk if i])
    # Inserted directly, not through the worker's writes: count the units once.
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    engine.dispose()


def best_of(rounds: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def commands(config: Path) -> dict[str, list[str]]:
    return {
        "report compliance": ["--config", str(config), "report", "compliance"],
        "digest": ["--config", str(config), "digest", "--date", "2024-06-10"],
        # The council's list: one row per initiative, near-duplicates across the
        # register's campaigns found from the document texts.
        "report initiatives": [
            "--config",
            str(config),
            "report",
            "initiatives",
            "--format",
            "json",
        ],
    }


def measure(database: str, config: Path, floor: list[str], rounds: int) -> list[dict[str, Any]]:
    rows = []
    runner = CliRunner()
    floor_s = best_of(rounds, lambda: subprocess.run(floor, check=True, capture_output=True))
    for name, args in commands(config).items():
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        in_process = best_of(rounds, lambda a=args: runner.invoke(cli, a))  # type: ignore[misc]
        whole = best_of(
            rounds,
            lambda a=args: subprocess.run(  # type: ignore[misc]
                [sys.executable, "-m", "ingest.cli", *a], check=True, capture_output=True, cwd=ROOT
            ),
        )
        rows.append(
            {
                "database": database,
                "command": name,
                "in_process_ms": in_process * 1000,
                "subprocess_ms": whole * 1000,
                "floor_query_ms": floor_s * 1000,
                "in_process_vs_floor": in_process / floor_s,
            }
        )
    rows.append(
        {
            "database": database,
            "command": "council list, listed again (web page)",
            "in_process_ms": listed_again(config, rounds) * 1000,
            "subprocess_ms": None,
            "floor_query_ms": floor_s * 1000,
            "in_process_vs_floor": None,
        }
    )
    return rows


def listed_again(config_path: Path, rounds: int) -> float:
    """Return the best time of the council's list made again by a process that made it
    once, as the web page `/initiatives` is on its second request."""
    config = load_config(config_path)
    engine = open_engine(config)
    register = open_register(config, engine)
    council_lines(register, config.campaign)
    seconds = best_of(rounds, lambda: council_lines(register, config.campaign))
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--document-words", type=int, default=400, help="words of text kept per document"
    )
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sqlite"
        folder.mkdir()
        db = folder / "r.db"
        config = write_config(folder, f"sqlite:///{db}", args.units)
        fill(config, args.messages, args.units, document_words=args.document_words)
        floor = ["sqlite3", str(db), FLOOR_SQL]
        rows += measure("SQLite", config, floor, args.rounds)

        with scratch_postgres() as server_url:
            folder = Path(scratch) / "pg"
            folder.mkdir()
            config = write_config(folder, sqlalchemy_url(server_url), args.units)
            fill(config, args.messages, args.units, document_words=args.document_words)
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            floor = ["psql", "-X", "-q", "-d", server_url, "-c", FLOOR_SQL]
            rows += measure("PostgreSQL", config, floor, args.rounds)
    report(
        "reports",
        rows,
        f"{args.messages} messages, {args.units} units; target: under 200 ms at 100,000 "
        "messages (in-process: imports warm, no process start); floor: the aggregate "
        "compliance query run by psql / sqlite3 (process start included)",
    )


if __name__ == "__main__":
    main()
