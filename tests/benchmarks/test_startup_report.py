"""The start-up table and the CPU multiple of bare Starlette, rendered from recorded runs."""

from __future__ import annotations

from benchmarks.report import render_markdown
from benchmarks.results import BenchResults, LoadRun, StartupRun


def test_startups_are_grouped_by_fixtures_and_cache() -> None:
    results = BenchResults(
        startup=[
            StartupRun("default fixtures", "empty", 1.8, 1.2, 70.0),
            StartupRun("default fixtures", "warm", 0.7, 0.6, 60.0),
            StartupRun("default fixtures", "warm", 0.9, 0.62, 61.0),
            StartupRun("100,000 project codes", "empty", 14.0, 13.5, 600.0),
            StartupRun("100,000 project codes", "warm", 2.5, 1.1, 170.0),
        ]
    )
    text = render_markdown(results)
    assert "| default fixtures | warm | 2 | 0.80 s (0.70\u20130.90) | 0.61 s | 61 MiB |" in text
    assert "| 100,000 project codes | empty | 1 | 14.00 s | 13.50 s | 600 MiB |" in text
    assert BenchResults.from_dict(results.to_dict()).startup == results.startup


def test_cpu_per_request_is_also_a_multiple_of_bare_starlettes() -> None:
    load = [
        LoadRun(server, "list", repetition, 1000, 10.0, 100.0, 1.0, 2.0, 0, 0, cpu_us_per_request=cpu)
        for repetition in (1, 2)
        for server, cpu in (("mock", 250.0), ("starlette", 100.0), ("prism", 1000.0))
    ]
    results = BenchResults(
        servers={"mock": "our mock", "prism": "Prism (quiet)", "starlette": "bare Starlette"},
        scenarios={"list": "GET list"},
        load=load,
    )
    assert "as a multiple of bare Starlette's, pair by pair: GET list 2.50\u00d7." in render_markdown(results)
