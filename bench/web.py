"""The web application's pages on a big register, against the same queries run directly.

A register of 100,000 messages from 1,000 units (bench.reports' generator, with a
search text of about 100 words per message) on SQLite and PostgreSQL. Each page
is requested through the application in-process (Flask's test client, signed in:
routing, the access check, the queries and the rendering; no network), best of
N rounds, beside the app/store call that gathers the same data without Flask.

Run: .venv/bin/python -m bench.web [--messages 100000] [--units 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from app import accounts
from app.config import load_config
from app.queries import messages, overview, review_queue
from app.root import open_engine, open_register
from bench.reports import fill, write_config
from bench.results import report
from bench.scratch import scratch_postgres, sqlalchemy_url
from store.browse import MessageFilter
from web.factory import create_app

TARGET_MS = 300.0


def best_of(rounds: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def pages(units: int) -> dict[str, tuple[str, Callable[[Any], object]]]:
    """Return each page's path and the direct call that gathers its data."""
    unit = f"xa-thu-nghiem-{7 % units:04d}"

    def listing(which: MessageFilter) -> Callable[[Any], object]:
        return lambda register: messages(register, which, page=1, per_page=50)

    return {
        "overview": ("/", lambda register: overview(register, register.clock())),
        "messages": ("/messages", listing(MessageFilter())),
        "messages, unit and status": (
            f"/messages?unit={unit}&status=accepted",
            listing(MessageFilter(unit=unit, status="accepted")),
        ),
        "messages, common words": ("/messages?q=mot+cua", listing(MessageFilter(text="mot cua"))),
        "messages, rare words": (
            "/messages?q=ma+so+4242",
            listing(MessageFilter(text="ma so 4242")),
        ),
        "review": ("/review", lambda register: review_queue(register, page=1)),
    }


def measure(database: str, config: Path, units: int, rounds: int) -> list[dict[str, Any]]:
    settings = load_config(config)
    engine = open_engine(settings)
    register = open_register(settings, engine)
    assert accounts.create(register, "bench", "admin", "bench-password", by="bench").ok
    app = create_app(register)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    signed = client.post(
        "/login", data={"name": "bench", "password": "bench-password", "csrf_token": token}
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)
    rows = []
    for name, (path, direct) in pages(units).items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        page_s = best_of(rounds, lambda p=path: client.get(p))  # type: ignore[misc]
        direct_s = best_of(rounds, lambda d=direct: d(register))  # type: ignore[misc]
        rows.append(
            {
                "database": database,
                "page": name,
                "path": path,
                "page_ms": page_s * 1000,
                "direct_ms": direct_s * 1000,
                "page_vs_direct": page_s / direct_s,
                "html_kb": len(response.data) / 1024,
                "under_target": page_s * 1000 < TARGET_MS,
            }
        )
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sqlite"
        folder.mkdir()
        config = write_config(folder, f"sqlite:///{folder / 'r.db'}", args.units)
        fill(config, args.messages, args.units, with_text=True)
        rows += measure("SQLite", config, args.units, args.rounds)

        with scratch_postgres() as server_url:
            folder = Path(scratch) / "pg"
            folder.mkdir()
            config = write_config(folder, sqlalchemy_url(server_url), args.units)
            fill(config, args.messages, args.units, with_text=True)
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            rows += measure("PostgreSQL", config, args.units, args.rounds)
    report(
        "web",
        rows,
        f"{args.messages} messages, {args.units} units; target: each page under "
        f"{TARGET_MS:.0f} ms of server time (in-process, signed in, rendered); direct: "
        "the app/store call that gathers the same data, without Flask",
    )


if __name__ == "__main__":
    main()
