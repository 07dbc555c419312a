"""The edges of the command lines: a clean stop on Ctrl-C or SIGTERM, one line when an extra is missing."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from tests.mock_server.test_cli import STARTUP_TIMEOUT, free_port


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_ends_the_mock_with_one_line_and_exit_code_0(stop: signal.Signals) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=20), timeout=STARTUP_TIMEOUT) as client:
            assert client.get(f"http://127.0.0.1:{port}/api/").status_code == 200
        process.send_signal(stop)
        output, _ = process.communicate(timeout=STARTUP_TIMEOUT)
    finally:
        process.kill()
        process.wait(STARTUP_TIMEOUT)
    assert process.returncode == 0, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    lines = output.strip().splitlines()
    assert lines[-1] == f"InvenTree mock stopped ({stop.name}).", output
    assert not any("Shutting down" in line or "Finished server process" in line for line in lines)


def run_without(modules: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter where importing any of `modules` fails, as if not installed."""
    blocked = "".join(f"sys.modules[{name!r}] = None; " for name in modules)
    return subprocess.run(
        [sys.executable, "-c", f"import sys; {blocked}{code}"],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("missing", [("uvicorn",), ("connexion",), ("pint", "PIL", "connexion")])
def test_the_mock_without_its_extra_names_it_in_one_line(missing: tuple[str, ...]) -> None:
    result = run_without(missing, "from mock_server.cli import main; sys.exit(main(['--port', '0']))")
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "pip install 'inventree-contract-kit[mock]'" in line


@pytest.mark.parametrize("missing", [("schemathesis",), ("hypothesis", "schemathesis")])
def test_the_suite_without_its_extra_names_it_in_one_line(missing: tuple[str, ...]) -> None:
    result = run_without(missing, "from inventree_contract_kit.scripts import contract; sys.exit(contract())")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "pip install 'inventree-contract-kit[contract]'" in line


def test_the_suite_launcher_runs_the_suite() -> None:
    result = run_without(
        (), "from inventree_contract_kit.scripts import contract; sys.argv[1:] = ['--help']; sys.exit(contract())"
    )
    assert result.returncode == 0, result.stderr
    assert "--base-url" in result.stdout
