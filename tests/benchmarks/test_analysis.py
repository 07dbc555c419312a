"""benchmarks/analysis.py: medians over repetitions, and ratios taken pair by pair."""

from __future__ import annotations

import pytest

from benchmarks.analysis import (
    Spread,
    pairwise_ratios,
    ratio_summaries,
    scale_multiples,
    summarise_load,
    summarise_servers,
)
from benchmarks.results import LoadRun, ScaleRun, ServerRun


def run(server: str, scenario: str, repetition: int, rps: float, p99: float = 10.0, non_2xx: int = 0) -> LoadRun:
    return LoadRun(server, scenario, repetition, int(rps * 10), 10.0, rps, p99 / 2, p99, non_2xx, 0)


def test_spread_is_the_median_with_both_ends() -> None:
    assert Spread.of([3.0, 1.0, 2.0]) == Spread(2.0, 1.0, 3.0, 3)
    assert Spread.of([1.0, 3.0]).median == 2.0
    with pytest.raises(ValueError, match="at least one"):
        Spread.of([])


def test_ratios_pair_runs_of_the_same_repetition_and_scenario() -> None:
    runs = [
        run("prism", "list", 1, 1000.0),
        run("prism", "list", 2, 500.0),  # a slow spell in repetition 2 ...
        run("mock", "list", 1, 2000.0),
        run("mock", "list", 2, 1000.0),  # ... hits both sides of its ratio
        run("mock", "detail", 1, 900.0),  # no Prism run to pair with
    ]
    ratios = pairwise_ratios(runs, "prism", "requests_per_s")
    assert ratios[("mock", "list")] == [2.0, 2.0]
    assert ratios[("prism", "list")] == [1.0, 1.0]
    assert ("mock", "detail") not in ratios


def test_ratio_summary_reports_median_and_range() -> None:
    runs = [run("prism", "list", r, 1000.0, p99=20.0) for r in (1, 2, 3)] + [
        run("mock", "list", 1, 1500.0, p99=10.0),
        run("mock", "list", 2, 1000.0, p99=20.0),
        run("mock", "list", 3, 2000.0, p99=40.0),
    ]
    rps = ratio_summaries(runs, "prism", "requests_per_s")[("mock", "list")]
    assert (rps.median, rps.low, rps.high, rps.count) == (1.5, 1.0, 2.0, 3)
    p99 = ratio_summaries(runs, "prism", "p99_ms")[("mock", "list")]
    assert (p99.median, p99.low, p99.high) == (1.0, 0.5, 2.0)


def test_a_zero_reference_gives_no_ratio() -> None:
    runs = [run("prism", "list", 1, 0.0), run("mock", "list", 1, 10.0)]
    assert pairwise_ratios(runs, "prism", "requests_per_s") == {}


def test_load_summary_takes_medians_and_adds_up_errors() -> None:
    runs = [run("mock", "create", 1, 100.0, non_2xx=3), run("mock", "create", 2, 300.0, non_2xx=4)]
    summary = summarise_load(runs)[("mock", "create")]
    assert summary.requests_per_s.median == 200.0
    assert summary.non_2xx == 7
    assert summary.requests == 4000


def test_server_summary_keeps_the_median_start_and_the_highest_memory_peak() -> None:
    lives = [ServerRun("prism", 1, 2.0, 150.0), ServerRun("prism", 2, 3.0, 170.0), ServerRun("prism", 3, 2.5, 160.0)]
    summary = summarise_servers(lives)["prism"]
    assert summary.cold_start_s.median == 2.5
    assert summary.peak_rss_mib == 170.0


def test_scale_multiples_are_relative_to_the_smallest_store() -> None:
    runs = [
        ScaleRun(10, "search", 1, 1000.0, 2.0, 5.0, 0, 0),
        ScaleRun(10, "search", 2, 1000.0, 4.0, 5.0, 0, 0),
        ScaleRun(1000, "search", 1, 900.0, 3.0, 6.0, 0, 0),
        ScaleRun(100000, "search", 1, 10.0, 300.0, 600.0, 0, 0),
    ]
    multiples = scale_multiples(runs)
    assert multiples[("search", 10)] == 1.0
    assert multiples[("search", 1000)] == 1.0
    assert multiples[("search", 100000)] == 100.0
