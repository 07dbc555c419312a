"""The suite against the mock: the mock conforms, the reports are usable, and staging safety holds."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from contract_tests import Report
from contract_tests.cli import main
from contract_tests.reporting.report import render
from tests.contract_tests.faults import FAULTS, Intercept
from tests.contract_tests.servers import reset, serving, suite
from tests.plugins.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mock_url(mock: LiveServer) -> str:
    """The session's mock, reset to its fixtures."""
    return mock.url


@dataclasses.dataclass(frozen=True)
class FullRun:
    report: Report
    before: dict[str, Any]
    after: dict[str, Any]


@pytest.fixture(scope="module")
def full_run(live_server: LiveServer) -> FullRun:
    """One run of the whole suite on the freshly reset mock, with its tables before and after.

    A run of every operation costs about 15 s however few examples it asks for (Schemathesis'
    coverage phase sends thousands of requests), so the tests that judge a whole run share one.
    """
    live_server.reset()
    before = _tables(live_server.url)
    report = suite(live_server.url)
    return FullRun(report, before, _tables(live_server.url))


def test_the_mock_conforms(full_run: FullRun) -> None:
    report = full_run.report
    assert not report.failures and not report.errors, render(report)
    assert all(operation.requests for operation in report.operations.values())


def test_the_published_contract_is_stricter_than_the_mock(mock_url: str) -> None:
    """Without `limit` the mock, like InvenTree, answers a plain array; the published schema says otherwise."""
    report = suite(mock_url, operations=("units_list",), published=True)
    assert {"list_shape_matches_limit", "response_schema_conformance"} <= {f.check for f in report.failures}


# The mock's tables a run may change only through what it cannot undo: its own token, the exchange
# rates it refreshes, a user preference first stored, the registry state a restart leaves, and the
# registry errors of machines of unknown types (InvenTree keeps those until it reloads its machines).
UNDOABLE_ONLY = frozenset({"project_codes", "custom_units", "notifications", "news", "error_reports"}) | frozenset(
    {"machine_configs", "machine_settings", "stock_items", "stock_locations", "users", "owners", "flags"}
)


def _tables(url: str) -> dict[str, Any]:
    state = httpx.get(f"{url}/_mock/state").json()
    for row in state["project_codes"]:
        row.setdefault("metadata", {})  # no metadata stored reads as {}, what the suite writes back
    return {name: state[name] for name in UNDOABLE_ONLY}


def test_the_suite_leaves_the_server_as_it_found_it(full_run: FullRun) -> None:
    """Created objects are deleted, changed ones written back, existing ones never deleted, readall undone."""
    report = full_run.report
    assert not report.failures, render(report)
    assert full_run.after == full_run.before
    created, changed, unread, spared = (int(line.split()[0]) for line in report.cleanup[:4])
    assert created > 0 and changed > 0 and unread > 0 and spared > 0, report.cleanup


def test_read_only_sends_only_safe_methods(mock_app: Any) -> None:
    seen: list[tuple[str, str]] = []

    async def record(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            seen.append((scope["method"], scope["path"]))
        await mock_app(scope, receive, send)

    with serving(record) as url:
        reset(url)
        report = suite(url, read_only=True, max_examples=2)
    assert report.exit_code in (0, 1)
    assert {method for method, _ in seen} <= {"GET", "HEAD", "OPTIONS", "TRACE"}
    assert ("GET", "/api/notifications/readall/") not in seen
    assert not any(label.startswith(("POST", "PUT", "PATCH", "DELETE")) for label in report.operations)


def test_cli_report_reproduces_failures_without_secrets(
    mock_app: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTREE_"):
            monkeypatch.delenv(name)
    fault = next(fault for fault in FAULTS if fault.name == "wrong-type")
    junit = tmp_path / "contract.xml"
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        token = httpx.get(f"{url}/api/user/token/", auth=("admin", "inventree")).json()["token"]
        argv = ["--base-url", url, "--token", token, "--operations", "project_code_retrieve", "--max-examples", "5"]
        code = main([*argv, "--junit-xml", str(junit)])
    out = capsys.readouterr().out
    assert code == 1
    assert "GET /api/project-code/{id}/" in out and "response_schema_conformance" in out
    curl = next(line.strip() for line in out.splitlines() if line.strip().startswith("curl "))
    assert '-H "Authorization: Token ${INVENTREE_TOKEN}"' in curl and "/api/project-code/" in curl
    xml = junit.read_text(encoding="utf-8")
    assert token not in out and token not in xml
    failure = ElementTree.fromstring(xml).find(".//testcase[@name='GET /api/project-code/{id}/']/failure")
    assert failure is not None and failure.text is not None and "${INVENTREE_TOKEN}" in failure.text


def test_refused_credentials_are_one_line_and_exit_2(mock_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-url", mock_url, "--username", "admin", "--password", "not-the-password"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("CredentialsRefused: ") and "not-the-password" not in err and "\n" not in err


def pytest_run(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`pytest contract_tests` in a fresh process, as a developer would run it."""
    command = [sys.executable, "-m", "pytest", "contract_tests", "-p", "no:cacheprovider", "-q", "--base-url", url]
    environ = {key: value for key, value in os.environ.items() if not key.startswith("INVENTREE_")}
    return subprocess.run(
        [*command, "--username", "admin", "--password", "inventree", "--max-examples", "3", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=environ,
        check=False,
    )


@pytest.mark.slow
def test_plain_pytest_passes_on_the_mock_and_fails_on_a_fault(mock_app: Any) -> None:
    with serving(mock_app) as url:
        reset(url)
        passed = pytest_run(url, "--tag", "units")
    assert passed.returncode == 0, passed.stdout[-3000:]
    wrong_type = Intercept(mock_app, method="GET", path=r"/api/units/\d+/", after=_units_pk_as_text)
    with serving(wrong_type) as url:
        reset(url)
        failed = pytest_run(url, "--operations", "units_retrieve")
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "response_schema_conformance" in failed.stdout or "Response violates schema" in failed.stdout


def test_plain_pytest_skips_without_a_server() -> None:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("INVENTREE_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests", "-p", "no:cacheprovider", "-q", "-rs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=environ,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "pass --base-url URL or set INVENTREE_BASE_URL" in done.stdout


def _units_pk_as_text(exchange: Any) -> None:
    import json

    answer = exchange.answer()
    if exchange.status == 200 and isinstance(answer, dict):
        answer["pk"] = str(answer["pk"])
        exchange.content = json.dumps(answer).encode()


Sent = list[tuple[str, str, str, bytes]]


def _units_recorder(mock_app: Any, seen: Sent) -> Any:
    """The mock, noting every units request it is sent (method, path, query, body) in `seen`."""

    async def record(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/units/"):
            body, more = b"", True
            while more:
                message = await receive()
                body, more = body + message.get("body", b""), message.get("more_body", False)
            # A multipart boundary is random by design; what it separates is what the seed decides.
            # It is written the same way in what is recorded, never in what the mock is sent.
            content_type = dict(scope["headers"]).get(b"content-type", b"")
            noted = body
            if b"boundary=" in content_type:
                noted = body.replace(content_type.split(b"boundary=")[1], b"BOUNDARY")
            seen.append((scope["method"], scope["path"], scope["query_string"].decode(), noted))

            async def replay() -> Any:
                return {"type": "http.request", "body": body, "more_body": False}

            receive = replay
        await mock_app(scope, receive, send)

    return record


def _recorded_run(mock_app: Any, **options: Any) -> tuple[Any, Sent]:
    """A run of the suite on the units operations, and every request the mock saw."""
    seen: Sent = []
    with serving(_units_recorder(mock_app, seen)) as url:
        reset(url)
        report = suite(url, tags=("units",), **options)
    return report, seen


@pytest.mark.slow
def test_the_same_seed_sends_the_same_requests(mock_app: Any) -> None:
    first, sent = _recorded_run(mock_app, seed=3, max_examples=2)
    second, again = _recorded_run(mock_app, seed=3, max_examples=2)
    _, other = _recorded_run(mock_app, seed=4, max_examples=2)
    assert first.exit_code == second.exit_code == 0
    assert sorted(sent) == sorted(again)
    assert sorted(sent) != sorted(other)


def test_parallel_workers_test_every_operation_and_conform(mock_app: Any) -> None:
    report, sent = _recorded_run(mock_app, workers=2, max_examples=2)
    assert report.exit_code == 0, render(report)
    assert all(operation.requests for operation in report.operations.values())
    assert len(report.operations) == 6 and sent


def _command_run(mock_app: Any, seed: int) -> Sent:
    """Every units request a run of the command (its own process, its own hash seed) sends to a reset mock."""
    seen: Sent = []
    with serving(_units_recorder(mock_app, seen)) as url:
        reset(url)
        command = [sys.executable, "-m", "contract_tests", "--base-url", url, "--username", "admin"]
        command += ["--password", "inventree", "--tag", "units", "--max-examples", "5", "--seed", str(seed)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    return seen


@pytest.mark.slow
def test_the_same_seed_sends_the_same_requests_from_separate_processes(mock_app: Any) -> None:
    """What a run sends depends on the seed and the server's answers alone, not on the process."""
    assert sorted(_command_run(mock_app, 3)) == sorted(_command_run(mock_app, 3))
