"""benchmarks/wrk.py: reading wrk's figures back, and the command lines it is run with."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import wrk

TEXT_OUTPUT = """\
Running 10s test @ http://127.0.0.1:47813/api/project-code/?limit=10
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.10ms   12.68ms   1.20s    93.94%
    Req/Sec   361.97     60.90   535.00     83.33%
  Latency Distribution
     50%  812.00us
     75%   22.86ms
     90%   26.92ms
     99%    1.02s
  21670 requests in 10.00s, 12.20MB read
  Socket errors: connect 0, read 3, write 1, timeout 12
  Non-2xx or 3xx responses: 42
Requests/sec:   2167.26
Transfer/sec:    1.22MB
"""

JSON_LINE = (
    'WRK_JSON {"requests":2167,"duration_us":3004478,"bytes":1278530,'
    '"errors":{"connect":0,"read":1,"write":0,"status":7,"timeout":2},'
    '"latency_us":{"min":1660,"mean":23098.5,"max":204359,"stdev":12684.8,"p50":21037,"p90":26917,"p99":82091}}'
)


def test_text_summary_is_read_with_units_converted_to_milliseconds() -> None:
    result = wrk.parse_text(TEXT_OUTPUT)
    assert result.requests == 21670
    assert result.duration_s == pytest.approx(10.0)
    assert result.requests_per_s == pytest.approx(2167.26)
    assert result.p50_ms == pytest.approx(0.812)
    assert result.p90_ms == pytest.approx(26.92)
    assert result.p99_ms == pytest.approx(1020.0)
    assert result.max_ms == pytest.approx(1200.0)
    assert result.non_2xx == 42
    assert result.socket_errors == 16
    assert result.errors == 58


def test_a_clean_text_summary_has_no_errors() -> None:
    clean = "\n".join(
        line for line in TEXT_OUTPUT.splitlines() if "Socket errors" not in line and "Non-2xx" not in line
    )
    result = wrk.parse_text(clean)
    assert (result.non_2xx, result.socket_errors) == (0, 0)


def test_text_without_latency_distribution_is_refused() -> None:
    without = "\n".join(line for line in TEXT_OUTPUT.splitlines() if "%" not in line or "Stdev" in line)
    with pytest.raises(wrk.WrkError, match="--latency"):
        wrk.parse_text(without)


def test_json_line_of_the_reporter_is_preferred_over_the_text() -> None:
    result = wrk.parse(TEXT_OUTPUT + JSON_LINE + "\n")
    assert result.requests == 2167
    assert result.duration_s == pytest.approx(3.004478)
    assert result.requests_per_s == pytest.approx(2167 / 3.004478)
    assert (result.p50_ms, result.p90_ms, result.p99_ms, result.max_ms) == pytest.approx(
        (21.037, 26.917, 82.091, 204.359)
    )
    assert result.non_2xx == 7
    assert result.socket_errors == 3
    assert result.bytes_read == 1278530


def test_output_without_either_form_is_refused() -> None:
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_broken_json_line_names_the_problem() -> None:
    with pytest.raises(wrk.WrkError, match="unreadable wrk JSON"):
        wrk.parse('WRK_JSON {"requests": 1}\n')


@pytest.mark.parametrize(
    ("text", "ms"), [("512.00us", 0.512), ("1.23ms", 1.23), ("2.01s", 2010.0), ("1.50m", 90_000.0)]
)
def test_durations_in_every_unit_wrk_prints(text: str, ms: float) -> None:
    assert wrk.parse_text(TEXT_OUTPUT.replace("812.00us", text)).p50_ms == pytest.approx(ms)


def test_command_carries_the_load_shape_headers_and_script_arguments() -> None:
    settings = wrk.WrkSettings(threads=2, connections=16, duration_s=10.0, timeout_s=5.0)
    args = wrk.command(
        "http://127.0.0.1:8000/api/project-code/",
        settings,
        Path("/tmp/create.lua"),
        headers={"Authorization": "Token abc"},
        script_args=("x1",),
    )
    assert args[:7] == [
        "wrk",
        "--threads=2",
        "--connections=16",
        "--duration=10s",
        "--timeout=5s",
        "--latency",
        "--script=/tmp/create.lua",
    ]
    assert args[7:9] == ["--header", "Authorization: Token abc"]
    assert args[9:] == ["http://127.0.0.1:8000/api/project-code/", "--", "x1"]


def test_command_duration_can_be_overridden_and_sub_second_is_in_milliseconds() -> None:
    args = wrk.command("http://127.0.0.1:1/", wrk.WrkSettings(), Path("s.lua"), duration_s=0.5)
    assert "--duration=500ms" in args
    assert "--" not in args


@pytest.mark.parametrize("kind", sorted(wrk.SCRIPTS))
def test_every_script_ends_with_the_json_reporter(kind: str) -> None:
    script = wrk.compose_script(kind)
    assert "function done(summary, latency, requests)" in script
    assert wrk.JSON_MARKER.strip() in script


def test_create_script_builds_a_unique_code_per_request() -> None:
    script = wrk.compose_script("create")
    assert "function request()" in script
    assert "counter = counter + 1" in script
    assert 'wrk.method = "POST"' in script


def test_unknown_script_kind_is_refused() -> None:
    with pytest.raises(wrk.WrkError, match="unknown request kind"):
        wrk.compose_script("delete")


def test_varied_script_makes_every_query_distinct() -> None:
    script = wrk.compose_script("varied")
    assert "function request()" in script
    assert "_q=%s-%d-%d" in script
