"""`python -m mock_server` as a subprocess on a free loopback port, for what a thread cannot show.

A restart, a `kill -9`, several worker processes or a file watcher need the real command line.
Readiness is polled (`GET /api/`) and log lines are awaited, each within a bounded deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.plugins.live_server import free_port

READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.05


def wait_until(condition: Callable[[], bool], what: str, timeout: float = READY_TIMEOUT) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(POLL_INTERVAL)


class MockProcess:
    """One running `python -m mock_server`; its output goes to `log_file`."""

    def __init__(self, args: list[str], log_file: Path, port: int | None = None, cwd: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        with log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mock_server", "--port", str(self.port), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches its workers too
                cwd=cwd,
            )

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def is_ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the mock exited with {self.process.returncode}:\n{self.log()}")
        try:
            return httpx.get(f"{self.url}/api/", timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False

    def wait_ready(self) -> MockProcess:
        wait_until(self.is_ready, f"the mock on port {self.port} answering GET /api/")
        return self

    def wait_for_log(self, text: str, count: int = 1, timeout: float = READY_TIMEOUT) -> None:
        wait_until(lambda: self.log().count(text) >= count, f"{count} x {text!r} in the mock's log", timeout)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=("admin", "inventree"), timeout=30.0)

    def kill_hard(self) -> None:
        """`kill -9` of every process of the mock (its workers too): nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(READY_TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(READY_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(READY_TIMEOUT)


@contextmanager
def mock_process(
    args: list[str], log_file: Path, port: int | None = None, cwd: Path | None = None
) -> Iterator[MockProcess]:
    """A started and ready mock process (in folder `cwd`, if given), stopped at the end."""
    process = MockProcess(args, log_file, port, cwd)
    try:
        yield process.wait_ready()
    finally:
        process.stop()
