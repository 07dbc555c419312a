"""benchmarks/report.py and results.py: the Markdown table, and the JSON it can be re-rendered from."""

from __future__ import annotations

from pathlib import Path

from benchmarks.analysis import Spread
from benchmarks.report import fmt_ms, fmt_rate, fmt_ratio, render_markdown, table
from benchmarks.results import BenchResults, ContractRun, LoadRun, ScaleRun, ScaleServer, ServerRun


def sample() -> BenchResults:
    load = []
    for repetition, (mock, prism) in enumerate([(1200.0, 1000.0), (1100.0, 1000.0)], start=1):
        load.append(
            LoadRun("mock", "list", repetition, int(mock * 10), 10.0, mock, 5.0, 20.0, 0, 0, cpu_us_per_request=400.0)
        )
        load.append(
            LoadRun(
                "prism", "list", repetition, int(prism * 10), 10.0, prism, 8.0, 40.0, 0, 0, cpu_us_per_request=800.0
            )
        )
        load.append(LoadRun("mock", "create", repetition, 5000, 10.0, 500.0, 9.0, 30.0, 12, 1))
    return BenchResults(
        meta={
            "taken": "2025-01-01 12:00 UTC",
            "machine": {"cpu": "Test CPU", "cores": 2, "python": "3.11.7", "wrk": "wrk 4.1.0", "prism": "5.14.2"},
            "settings": {"threads": 2, "connections": 16, "duration_s": 10.0, "warmup_s": 3.0, "repetitions": 2},
            "about": {"mock": "the mock", "prism": "prism mock"},
        },
        servers={"mock": "our mock", "prism": "Prism (quiet)", "starlette": "bare Starlette"},
        scenarios={"list": "GET list", "create": "POST create"},
        scale_queries={"search": "search"},
        load=load,
        server_runs=[
            ServerRun("mock", 1, 1.5, 80.0),
            ServerRun("mock", 2, 1.7, 90.0),
            ServerRun("prism", 1, 2.0, 160.0),
        ],
        scale=[
            ScaleRun(10, "search", 1, 1000.0, 2.0, 5.0, 0, 0),
            ScaleRun(100000, "search", 1, 50.0, 200.0, 400.0, 3, 0),
        ],
        scale_servers=[ScaleServer(10, 1.0, 80.0), ScaleServer(100000, 20.0, 400.0)],
        contract=ContractRun(max_examples=10, wall_s=50.0, exit_code=0, cases=500, cases_source="suite output"),
        notes=["Prism serves the published contract."],
    )


def test_number_formats() -> None:
    assert fmt_rate(21345.6) == "21,346"
    assert fmt_rate(42.25) == "42.2"
    assert fmt_ms(0.8123) == "0.81"
    assert fmt_ms(12.34) == "12.3"
    assert fmt_ms(1234.5) == "1,234"
    assert fmt_ratio(Spread(1.2, 1.1, 1.3, 2)) == "1.20\u00d7, 1.10\u20131.30"
    assert fmt_ratio(Spread(1.2, 1.2, 1.2, 2)) == "1.20\u00d7"


def test_table_aligns_numbers_right() -> None:
    assert table(["a", "b"], [["x", "1"]]) == ["| a | b |", "| --- | --: |", "| x | 1 |"]


def test_report_has_every_section_with_ratios_against_prism() -> None:
    text = render_markdown(sample(), chart_name="latest.png")
    assert text.startswith("# Benchmark")
    assert "![requests/s and p99 per server](latest.png)" in text
    assert "`wrk -t2 -c16 -d10s --latency`, after a 3 s warm-up" in text
    for heading in (
        "## Requests per second",
        "## Latency p50 / p99",
        "## Failed requests",
        "## Servers",
        "## Scale",
        "## Contract suite",
        "## Notes",
    ):
        assert heading in text
    # Pair by pair: 1200/1000 and 1100/1000, median 1.15.
    assert "| GET list | 1,150 (1.15\u00d7, 1.10\u20131.20) | 1,000 |" in text
    # p99 ratio: 20/40 in both repetitions.
    assert "5.00 / 20.0 (0.50\u00d7)" in text


def test_cpu_per_request_has_its_own_table_and_a_dash_where_unknown() -> None:
    text = render_markdown(sample())
    assert "## Server CPU time per request" in text
    assert "| GET list | 400 (0.50\u00d7) | 800 |\n" in text
    assert "| POST create | \u2013 | \u2013 |" in text.split("## Server CPU time")[1].split("## Failed")[0]


def test_servers_without_data_get_no_column_and_missing_cells_a_dash() -> None:
    text = render_markdown(sample())
    assert "| bare Starlette" not in text and "| request | our mock | Prism (quiet) |\n" in text
    create_row = next(line for line in text.splitlines() if line.startswith("| POST create | 500"))
    assert create_row.endswith("| \u2013 |")


def test_errors_are_counted_over_all_measured_requests() -> None:
    text = render_markdown(sample())
    assert "| POST create | 26 of 10,000 | \u2013 |" in text


def test_scale_and_contract_rows() -> None:
    text = render_markdown(sample())
    assert "200 / 400 ms, 50.0/s (100.0\u00d7 p50), 3 failed" in text
    assert "| 10 | 50.0 s | 500 | 10.0 | 0 | suite output |" in text
    assert "| 100,000 | 20.00 s | 400 MiB |" in text


def test_quick_runs_are_marked_as_not_for_quoting() -> None:
    results = sample()
    results.meta["settings"]["quick"] = True
    assert "do not quote these figures" in render_markdown(results)


def test_an_empty_run_still_renders() -> None:
    text = render_markdown(BenchResults(notes=["wrk could not be had"]))
    assert "wrk could not be had" in text
    assert "## Requests per second" not in text


def test_results_round_trip_through_json(tmp_path: Path) -> None:
    results = sample()
    path = tmp_path / "latest.json"
    results.write_json(path)
    again = BenchResults.read_json(path)
    assert again == results
    assert render_markdown(again) == render_markdown(results)
    assert '"cases_per_s": 10.0' in path.read_text(encoding="utf-8")
