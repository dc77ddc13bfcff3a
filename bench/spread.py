"""One large mailbox: would analysis spread over several hosts pay? The numbers that decide.

A poll has one writer per mailbox folder (its lock): the main thread fetches,
stores raw and commits, in order. Only the analysis (parse, classify, read the
documents, store the attachments) runs in worker processes, one per core. A
task queue shared by several hosts (procrastinate on the same PostgreSQL, or
Celery) could spread that analysis; the writer stays one.

From the stage timings of the last `bench/run backfill` (bench/results/
backfill_stages.json and backfill.json), for each run:

- ``writer_ms``: the main thread's own milliseconds per message (fetch + store +
  commit): what no number of hosts removes;
- ``analysis_ms``: CPU milliseconds of analysis per message, summed over workers;
- ``one_host_msg_s``: measured messages per second of that poll;
- ``cores_bound_msg_s`` = cores x 1000 / analysis_ms: the most one host's cores
  can analyse; ``writer_bound_msg_s`` = 1000 / writer_ms: the most any number of
  hosts can register;
- ``limit``: "cores" when the cores bound is the lower one (more hosts would
  help, up to the writer bound), else "writer" (more hosts cannot help);
- ``two_hosts_gain``: the best gain from a second host, min(2 x cores bound,
  writer bound) / min(cores bound, writer bound);
- ``backlog_min``: minutes one host takes for ``--backlog`` messages (50,000 by
  default: a province's single mailbox over a whole campaign) at the measured rate.

Run: .venv/bin/python -m bench.spread [--backlog 50000] (after bench/run backfill)
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.results import RESULTS, report

WRITER_STAGES = ("fetch", "store", "commit")
ANALYSIS_STAGES = ("parse_classify", "extract", "store_attachments")


def decide(
    stages: dict[str, Any], messages: int, seconds: float, cores: int, backlog: int
) -> dict[str, Any]:
    """Return the figures that decide whether a second host would help this run."""
    writer_ms = 1000 * sum(float(stages.get(s, 0.0)) for s in WRITER_STAGES) / messages
    analysis_ms = 1000 * sum(float(stages.get(s, 0.0)) for s in ANALYSIS_STAGES) / messages
    cores_bound = cores * 1000 / analysis_ms if analysis_ms else float("inf")
    writer_bound = 1000 / writer_ms if writer_ms else float("inf")
    one_host = messages / seconds
    return {
        "writer_ms": writer_ms,
        "analysis_ms": analysis_ms,
        "one_host_msg_s": one_host,
        "cores_bound_msg_s": cores_bound,
        "writer_bound_msg_s": writer_bound,
        "limit": "cores" if cores_bound < writer_bound else "writer",
        "two_hosts_gain": min(2 * cores_bound, writer_bound) / min(cores_bound, writer_bound),
        "backlog_min": backlog / one_host / 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backlog", type=int, default=50_000)
    args = parser.parse_args()
    stages_file = RESULTS / "backfill_stages.json"
    runs_file = RESULTS / "backfill.json"
    if not stages_file.exists() or not runs_file.exists():
        raise SystemExit("no backfill results: run `bench/run backfill` first")
    stages = json.loads(stages_file.read_text(encoding="utf-8"))
    runs = json.loads(runs_file.read_text(encoding="utf-8"))
    cores = int(stages["machine"]["cpus"]) or 1
    seconds = {
        (row.get("mix", ""), row["messages"], row["tool"]): row["seconds"] for row in runs["rows"]
    }
    rows = []
    for row in stages["rows"]:
        mix = row.get("mix", "")
        tool = f"cchc-inbox poll ({row['database']})"
        wall = seconds.get((mix, row["messages"], tool))
        if wall is None:
            continue
        rows.append(
            {
                "mix": mix,
                "messages": row["messages"],
                "database": row["database"],
                **decide(row, int(row["messages"]), float(wall), cores, args.backlog),
            }
        )
    report(
        "spread",
        rows,
        f"{cores} cores; from the backfill run of {runs['when']}. A second host helps only "
        "where limit is 'cores', by at most two_hosts_gain; backlog_min: one host's minutes "
        f"for {args.backlog} messages at the measured rate",
    )


if __name__ == "__main__":
    main()
