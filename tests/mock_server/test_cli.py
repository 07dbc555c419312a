"""`python -m mock_server`: starts, says where it listens and which credentials work; fails in one line."""

from __future__ import annotations

import gc
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.plugins.live_server import free_port

STARTUP_TIMEOUT = 60.0


@pytest.fixture
def running() -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(STARTUP_TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()


def test_serves_and_prints_where_and_who(running: tuple[subprocess.Popen[str], int]) -> None:
    process, port = running
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(5)]
    assert f"listening on http://127.0.0.1:{port}/api/" in banner[0]
    assert any("admin / inventree" in line and "reader / readonly" in line for line in banner)
    # The banner is printed before uvicorn binds; the readiness wait is bounded by the client timeout.
    with httpx.Client(transport=httpx.HTTPTransport(retries=20), timeout=STARTUP_TIMEOUT) as client:
        response = client.get(f"http://127.0.0.1:{port}/api/")
    assert response.json()["apiVersion"] == 303


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_server", *args],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
        check=False,
    )


def test_bad_fixtures_folder_is_one_line(tmp_path: Path) -> None:
    result = run_cli("--fixtures", str(tmp_path / "missing"), "--port", str(free_port()))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("FixtureError:") and "--fixtures DIR" in result.stderr


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--port", str(port), "--log-level", "critical")
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize(("extra", "frozen"), [((), True), (("--reload",), False)], ids=["serving", "reloading"])
def test_what_start_up_built_is_frozen_before_serving(
    monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...], frozen: bool
) -> None:
    """A full collection would walk the contract and fixtures again and again: gc.freeze takes them out.

    With --reload an app is replaced, and the one replaced must stay collectable: nothing is frozen.
    """
    import uvicorn

    from mock_server import cli

    seen: list[int] = []

    def run(self: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        seen.append(gc.get_freeze_count())
        for sock in sockets or []:
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    gc.unfreeze()
    try:
        assert cli.main(["--port", str(free_port()), "--log-level", "warning", *extra]) == 0
    finally:
        gc.unfreeze()
    assert len(seen) == 1 and (seen[0] > 0) is frozen
