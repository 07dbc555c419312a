"""A hostile server never hangs or crashes the suite: each answer has one deadline, redirects a cap, errors one line."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import requests

from contract_tests import Report, Settings, render, run
from contract_tests.cli import main
from contract_tests.deadline import DeadlineTransport, read_within
from tests.contract_tests.hostile import TOKEN, hostile
from tests.contract_tests.servers import reset, serving, suite

DEADLINE = 0.25


def hostile_run(url: str, **options: Any) -> Report:
    settings = {"base_url": url, "token": TOKEN, "operations": "units_list", "max_examples": 1}
    settings |= {"request_timeout": DEADLINE, "drift": False, **options}
    return run(Settings.load(settings, environ={}), progress=None)


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        ("trickle-body", "Read timed out after 0.25 seconds"),
        ("redirect-loop", "Exceeded 5 redirects"),
        ("garbage", "Connection failed"),
        ("reset", "Connection failed"),
    ],
)
def test_a_hostile_answer_makes_an_errored_operation_with_one_line(behaviour: str, said: str) -> None:
    with hostile(behaviour) as (url, paths):
        report = hostile_run(url)
    units = report.operations["GET /api/units/"]
    assert units.status == "error"
    assert units.errors == [f"Network Error: {said}"] or any(said in error for error in units.errors), units.errors
    assert all("\n" not in error for error in units.errors)
    text = render(report)
    assert "Traceback" not in text
    assert report.exit_code == 1
    assert any(path.startswith("/api/units/") for path in paths)


def test_a_body_that_trickles_forever_is_cut_at_the_deadline() -> None:
    with hostile("trickle-body") as (url, _), requests.Session() as session:
        started = time.monotonic()
        with pytest.raises(requests.ReadTimeout, match=r"no complete answer within 0\.25s"):
            session.get(
                f"{url}/api/units/",
                timeout=DEADLINE,
                hooks={"response": [read_within(started + DEADLINE, DEADLINE)]},
            )


def test_the_suite_s_own_requests_cut_a_trickling_body() -> None:
    with (
        hostile("trickle-body") as (url, _),
        httpx.Client(base_url=url, transport=DeadlineTransport(DEADLINE), timeout=DEADLINE) as client,
        pytest.raises(httpx.ReadTimeout, match=r"no complete answer within 0\.25s"),
    ):
        client.get("/api/units/")


def test_a_server_that_cannot_be_tested_at_all_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with hostile("garbage-everywhere") as (url, _):
        code = main(["--base-url", url, "--token", TOKEN, "--operations", "units_list"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("ServerUnreachable: ") and err.count("\n") == 1, err


def test_max_duration_stops_cleanly_cleans_up_and_reports(mock_app: Any) -> None:
    paths = ("/api/project-code/", "/api/units/")
    with serving(mock_app) as url:
        reset(url)
        before = [httpx.get(f"{url}{path}", auth=("admin", "inventree")).json() for path in paths]
        report = suite(url, tags=("project-code", "units"), max_duration=2)
        after = [httpx.get(f"{url}{path}", auth=("admin", "inventree")).json() for path in paths]
    assert report.stopped is not None and "--max-duration 2s reached" in report.stopped
    assert "Stopped early: --max-duration 2s reached" in render(report)
    assert report.cleanup, "clean-up ran"
    assert after == before
