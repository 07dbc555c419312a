"""Fault rules read from options, environment variables, JSON and `Prefer` headers; the command line that takes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_server import Settings
from mock_server.cli import _parser
from mock_server.control.fault_rules import (
    Delay,
    FaultSpec,
    FaultSpecError,
    parse_fault_option,
    parse_prefer,
    spec_from_json,
)
from mock_server.control.options import control_banner, control_settings
from mock_server.workers import settings_environment
from tests.mock_server.test_cli import STARTUP_TIMEOUT, free_port, run_cli
from tests.plugins.mock_process import mock_process

CONTROL_OPTIONS = (
    "--delay",
    "--error-rate",
    "--fault",
    "--seed",
    "--journal-size",
    "--journal-body-bytes",
    "--cors-origin",
    "--control-token",
)


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("units_list:status=503", FaultSpec(operation="units_list", status=503)),
        ("units_list:delay=100-400,rate=0.5", FaultSpec(operation="units_list", delay=Delay(100, 400), rate=0.5)),
        ("/api/news/*:drop", FaultSpec(path="/api/news/*", drop=True)),
        ("post /api/units/:status=500,times=2", FaultSpec(path="/api/units/", method="POST", status=500, times=2)),
        ("*:delay=250", FaultSpec(delay=Delay(250, 250))),
        (
            "flags_list:status=503,detail=Down, back at 10:00",
            FaultSpec(operation="flags_list", status=503, detail="Down, back at 10:00"),
        ),
        (
            '{"operation": "units_list", "status": 500, "body": {"x": 1}}',
            FaultSpec("units_list", status=500, body='{"x": 1}'),
        ),
    ],
)
def test_a_fault_option_is_read(option: str, expected: FaultSpec) -> None:
    assert parse_fault_option(option) == expected


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("units_list", "expected TARGET:EFFECT"),
        ("units_list:status=302", "400 to 599"),
        ("units_list:colour=red", "expected status="),
        ("units_list:delay=fast", "is not a delay"),
        ("units_list:rate=0.5", "needs an effect"),
        ("{not json", "invalid JSON"),
    ],
)
def test_a_bad_fault_option_names_the_problem(option: str, words: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_fault_option(option)
    message = str(caught.value)
    assert message.startswith(f"--fault {option!r}: ") and words in message and "\n" not in message


def test_prefer_reads_code_and_delay_among_other_preferences() -> None:
    assert parse_prefer(["return=minimal", 'code="503", delay=100-200; x=y']) == FaultSpec(
        status=503, delay=Delay(100, 200)
    )
    assert parse_prefer(["respond-async, wait=10"]) is None
    assert parse_prefer([]) is None
    with pytest.raises(FaultSpecError) as caught:
        parse_prefer(["code=700, delay=-1"])
    assert set(caught.value.errors) == {"code", "delay"}


def test_the_environment_gives_every_control_option() -> None:
    settings = Settings.from_env(
        {
            "INVENTREE_MOCK_DELAY": "100-200",
            "INVENTREE_MOCK_ERROR_RATE": "0.1",
            "INVENTREE_MOCK_FAULTS": "units_list:status=503; GET /api/news/*:delay=5",
            "INVENTREE_MOCK_SEED": "4",
            "INVENTREE_MOCK_JOURNAL_SIZE": "10",
            "INVENTREE_MOCK_JOURNAL_BODY_BYTES": "100",
            "INVENTREE_MOCK_CORS_ORIGINS": "http://localhost:*, https://app.example.com",
            "INVENTREE_MOCK_CONTROL_TOKEN": "t0ken",
        }
    )
    assert settings.delay == Delay(100, 200) and settings.error_rate == 0.1
    assert settings.faults == (
        FaultSpec(operation="units_list", status=503),
        FaultSpec(path="/api/news/*", method="GET", delay=Delay(5, 5)),
    )
    assert (settings.seed, settings.journal_size, settings.journal_body_bytes) == (4, 10, 100)
    assert settings.cors_origins == ("http://localhost:*", "https://app.example.com")
    assert settings.control_token == "t0ken"
    # A JSON list carries any rule, as the control API shows it.
    rules = '[{"id": 1, "path": "/api/*", "method": "GET", "status": 503, "detail": "a; b", "rate": 1.0}]'
    assert Settings.from_env({"INVENTREE_MOCK_FAULTS": rules}).faults == (
        FaultSpec(path="/api/*", method="GET", status=503, detail="a; b"),
    )
    with pytest.raises(ValueError, match=r"^INVENTREE_MOCK_DELAY: 'soon' is not a delay"):
        Settings.from_env({"INVENTREE_MOCK_DELAY": "soon"})


def test_options_become_settings_and_the_banner_says_what_is_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(
        ["--delay", "50", "--fault", "units_list:status=503", "--seed", "9", "--cors-origin", "http://a:1"]
    )
    settings = control_settings(Settings(), args)
    assert settings.delay == Delay(50, 50) and settings.seed == 9 and settings.cors_origins == ("http://a:1",)
    assert settings.control_token is None
    control_banner(settings)
    banner = capsys.readouterr().out
    assert "curl http://127.0.0.1:8000/_mock/requests" in banner
    assert "Faults in force: 2 (curl http://127.0.0.1:8000/_mock/faults; seed 9)" in banner
    exposed = control_settings(Settings(host="0.0.0.0"), _parser().parse_args([]))
    assert exposed.control_token
    control_banner(exposed)
    assert f"Control API token (send it as X-Mock-Token): {exposed.control_token}" in capsys.readouterr().out


def test_help_lists_every_control_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in CONTROL_OPTIONS:
        assert option in result.stdout


def test_a_bad_option_value_is_named() -> None:
    result = run_cli("--delay", "soon")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("argument --delay: 'soon' is not a delay: give milliseconds, 200, or a range, 100-400")
    )


def test_an_unknown_operation_in_a_fault_stops_start_up_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--port", str(free_port()), "--fault", "unitz_list:status=503"],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
        check=False,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "FaultSpecError: --fault: operation: Unknown operationId 'unitz_list'; did you mean units_list"
    )


def test_worker_processes_read_back_every_control_setting() -> None:
    """`--workers` hands the settings to each process in INVENTREE_MOCK_* variables."""
    settings = Settings(
        delay=Delay(100, 400),
        error_rate=0.25,
        faults=(
            parse_fault_option("units_list:status=503,times=3,detail=Down, back soon"),
            parse_fault_option("POST /api/units/*:drop"),
            spec_from_json({"operation": "units_create", "status": 400, "body": {"name": ["Taken"]}, "rate": 0.5}),
        ),
        seed=9,
        journal_size=7,
        journal_body_bytes=99,
        cors_origins=("http://localhost:*", "https://app.example.com"),
        control_token="a-token",
    )
    assert Settings.from_env(settings_environment(settings)) == settings
    # The defaults (no fault, no error rate) read back too.
    assert Settings.from_env(settings_environment(Settings())) == Settings()


@pytest.mark.slow  # two worker processes started from the command line: several seconds
def test_every_worker_process_takes_the_fault_options(tmp_path: Path) -> None:
    args = ["--state", str(tmp_path / "state.sqlite3"), "--workers", "2", "--log-level", "info", "--quiet"]
    args += ["--fault", "units_list:status=503,detail=Down for maintenance"]
    with mock_process(args, tmp_path / "workers.log") as mock:
        mock.wait_for_log("Started server process", count=2)
        for _ in range(6):  # a new connection each time, so that both workers answer
            with mock.client() as admin:
                answer = admin.get("/api/units/")
                assert answer.status_code == 503 and answer.json() == {"detail": "Down for maintenance"}
                assert admin.get("/api/flags/").status_code == 200
        assert httpx.get(f"{mock.url}/_mock/faults").json()[0]["operation"] == "units_list"
