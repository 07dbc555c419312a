"""Schemathesis' own CLI, run in this project against the mock: every default check, negative data, no failure.

`schemathesis run` finds the project's schemathesis.toml, which adds the InvenTree checks and the
named rules (contract_tests.schemathesis_hooks); nothing else is configured here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract_tests.faults import FAULTS
from tests.contract_tests.servers import reset, serving
from tests.plugins.live_server import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def schemathesis_run(url: str, *options: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/api/schema/?format=json",
        "--url", url, "-H", f"Authorization: Token {ADMIN_TOKEN}", "--seed", "0", "--no-color", *options,
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.slow
def test_schemathesis_cli_finds_no_failure_in_the_mock(mock_app: Any) -> None:
    with serving(mock_app) as url:
        reset(url)
        run = schemathesis_run(url, "--max-examples", "10")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: 71" in run.stdout
    assert "dropped by `filter_failure`" in run.stdout  # the named rules were in force


def test_schemathesis_cli_still_reports_a_server_error(mock_app: Any) -> None:
    """The rules drop only what they explain: a 500 on some project code creates still fails the run."""
    fault = next(fault for fault in FAULTS if fault.name == "server-error")
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        run = schemathesis_run(url, "--max-examples", "10", "--include-operation-id", "project_code_create")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "Server error" in run.stdout
