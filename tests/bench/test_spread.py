"""The figures that decide whether analysis spread over a second host would pay."""

from __future__ import annotations

import pytest

from bench.spread import decide


def test_a_run_limited_by_its_writer_gains_nothing_from_a_second_host() -> None:
    # 1,000 messages: the main thread 8 s (8 ms each), analysis 6 CPU-s on 2 cores.
    stages = {"fetch": 1.0, "store": 1.0, "commit": 6.0, "parse_classify": 2.0, "extract": 4.0}
    figures = decide(stages, 1000, 10.0, cores=2, backlog=50_000)
    assert figures["writer_ms"] == pytest.approx(8.0)
    assert figures["analysis_ms"] == pytest.approx(6.0)
    assert figures["limit"] == "writer"
    assert figures["two_hosts_gain"] == pytest.approx(1.0)
    assert figures["backlog_min"] == pytest.approx(50_000 / 100 / 60)


def test_a_run_limited_by_its_cores_gains_up_to_the_writers_bound() -> None:
    # The writer could register 500 messages/s; two cores analyse 200/s; two hosts 400/s.
    stages = {"fetch": 0.5, "store": 0.5, "commit": 1.0, "extract": 10.0}
    figures = decide(stages, 1000, 5.0, cores=2, backlog=1000)
    assert figures["limit"] == "cores"
    assert figures["cores_bound_msg_s"] == pytest.approx(200.0)
    assert figures["writer_bound_msg_s"] == pytest.approx(500.0)
    assert figures["two_hosts_gain"] == pytest.approx(2.0)
