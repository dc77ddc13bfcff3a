"""Start-up: `cchc-inbox --help` and `cchc-inbox status` as new processes, against `python -c pass`.

A command line is mostly its start: the interpreter, then the imports. Each command
runs as a subprocess of the venv's interpreter (the console script
`.venv/bin/cchc-inbox`, as an administrator types it), N rounds interleaved so that
the machine's noise falls on all of them alike; best and median wall time, the best
CPU time (user + system: what a busy machine does not inflate), and the ratio of the
best wall time to the floor, `python -c pass` in the same venv. `status` reads a
scratch SQLite register made by `cchc-inbox db upgrade` from a config in a temporary
folder (no mail: it exits 1, "mailbox never read", as a health check should);
`status (PostgreSQL)` the same on a scratch PostgreSQL database (CCHC_TEST_PG's
server), which it reads through psycopg alone.

Also timed, to tell the entry point from the imports: `python -m ingest.cli --help`
(no console script) and `python -c "import ingest.cli"` (the imports alone); and
`python -c "import sqlalchemy.orm"`, the library's own import, which every command
that reads the register through the ORM pays (`status` on SQLite does not: it reads
through the standard library's sqlite3, store/glance.py). Then,
from one run of each command under `python -X importtime`, the slowest imports:
the top cumulative times, and the time spent in each top-level package (its
modules' own time, summed: what dominates).

Run: .venv/bin/python -m bench.startup [--rounds 20] [--units 100] [--top 12]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.reports import write_config
from bench.results import report
from bench.scratch import scratch_postgres, sqlalchemy_url

#: The issue's targets, wall time of the whole process (ms).
TARGETS_MS = {"--help": 150.0, "status": 300.0, "status (PostgreSQL)": 300.0}
SCRIPT = Path(sys.executable).with_name("cchc-inbox")


def commands(config: Path, postgres: Path) -> dict[str, list[str]]:
    """Return what is timed, the floor first: a name and its command line."""
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        # What any command that reads the register through the ORM pays first.
        'python -c "import sqlalchemy.orm"': [python, "-c", "import sqlalchemy.orm"],
        'python -c "import ingest.cli"': [python, "-c", "import ingest.cli"],
        "python -m ingest.cli --help": [python, "-m", "ingest.cli", "--help"],
        "--help": [str(SCRIPT), "--help"],
        "status": [str(SCRIPT), "--config", str(config), "status"],
        "status (PostgreSQL)": [str(SCRIPT), "--config", str(postgres), "status"],
    }


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    # status exits 1 here (no poll ever read the mailbox): the health check's answer.
    if result.returncode not in (0, 1) or (result.returncode == 1 and "status" not in args):
        raise SystemExit(f"{' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def time_all(
    lines: dict[str, list[str]], rounds: int, cwd: Path
) -> dict[str, list[tuple[float, float]]]:
    """Time each command line ``rounds`` times, interleaved: (wall, CPU) seconds per run.

    The CPU time (user + system, of the child) hardly grows when other processes
    share the cores; the wall time does: on a busy machine it tells what the wall
    time would be on a quiet one.
    """
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in lines}
    for args in lines.values():
        run(args, cwd)  # once untimed: bytecode compiled, files in the page cache
    for _ in range(rounds):
        for name, args in lines.items():
            cpu = _children_cpu()
            start = time.perf_counter()
            run(args, cwd)
            times[name].append((time.perf_counter() - start, _children_cpu() - cpu))
    return times


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_times(args: list[str], cwd: Path) -> list[tuple[int, str, int, int]]:
    """Return (depth, module, self µs, cumulative µs) of each import of one run of the
    console script ``args``."""
    stderr = run([sys.executable, "-X", "importtime", *args], cwd).stderr
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        found.append((depth, name.strip(), int(own), int(total)))
    return found


def slowest_imports(command: str, args: list[str], cwd: Path, top: int) -> list[dict[str, Any]]:
    found = import_times(args, cwd)
    rows: list[dict[str, Any]] = []
    for _depth, name, _own, total in sorted(found, key=lambda f: -f[3])[:top]:
        rows.append({"command": command, "kind": "cumulative", "name": name, "ms": total / 1000})
    packages: Counter[str] = Counter()
    for _depth, name, own, _total in found:
        packages[name.split(".")[0]] += own
    for package, own in packages.most_common(top):
        rows.append({"command": command, "kind": "package", "name": package, "ms": own / 1000})
    rows.append(
        {
            "command": command,
            "kind": "all",
            "name": f"{len(found)} modules",
            "ms": sum(f[2] for f in found) / 1000,
        }
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--units", type=int, default=100, help="units in the scratch roster")
    parser.add_argument("--top", type=int, default=12, help="imports listed per command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, scratch_postgres() as url:
        folder = Path(scratch)
        config = write_config(folder, f"sqlite:///{folder / 'register.db'}", args.units)
        run([str(SCRIPT), "--config", str(config), "db", "upgrade"], ROOT)
        (folder / "pg").mkdir()
        postgres = write_config(folder / "pg", sqlalchemy_url(url), args.units)
        run([str(SCRIPT), "--config", str(postgres), "db", "upgrade"], ROOT)
        lines = commands(config, postgres)
        times = time_all(lines, args.rounds, folder)
        floor = min(wall for wall, _ in times["python -c pass"])
        rows = []
        for name, runs in times.items():
            best = min(wall for wall, _ in runs)
            rows.append(
                {
                    "command": name,
                    "best_ms": best * 1000,
                    "median_ms": statistics.median(wall for wall, _ in runs) * 1000,
                    "best_cpu_ms": min(cpu for _, cpu in runs) * 1000,
                    "best_vs_floor": best / floor,
                    "target_ms": TARGETS_MS.get(name),
                    "under_target": best * 1000 < TARGETS_MS[name] if name in TARGETS_MS else None,
                }
            )
        imports: list[dict[str, Any]] = []
        for name in ("--help", "status", "status (PostgreSQL)"):
            imports += slowest_imports(name, lines[name], folder, args.top)
    report(
        "startup",
        rows,
        f"best and median of {args.rounds} rounds, interleaved (wall time; best_cpu_ms: the "
        "child's user+system time, near the wall time of a quiet machine); floor: python -c "
        f"pass in this venv ({floor * 1000:.0f} ms); targets: --help under 150 ms, status "
        "under 300 ms (on SQLite and on PostgreSQL)",
    )
    report(
        "startup_imports",
        imports,
        "one run under python -X importtime (its own overhead included): the slowest "
        "modules by cumulative time, then the time of each top-level package's modules "
        "summed (self time: these do not overlap), then all imports",
    )


if __name__ == "__main__":
    main()
