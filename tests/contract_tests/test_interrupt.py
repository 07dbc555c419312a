"""A run stopped midway (SIGTERM, Ctrl-C) still leaves the server's data as it found it, and says so.

The suite runs as a command in its own process against the mock, behind a gate that holds the
server's answer to the N-th request: the test sends the signal while the run waits for that answer,
so the run is always stopped at the same point, with objects created and changed, and no sleep.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import Any

import anyio.to_thread
import httpx
import pytest
from schemathesis.core import SCHEMATHESIS_TEST_CASE_HEADER

from tests.contract_tests.servers import reset, serving

OPERATIONS = "project_code_create,project_code_partial_update,units_create,notifications_readall_retrieve"
HELD_REQUEST = 25  # by then the run has created codes and units, changed codes and marked notifications read
ENGINE_HEADER = SCHEMATHESIS_TEST_CASE_HEADER.lower().encode()  # ASGI header names are lower case
WAIT = 120.0  # seconds, a bound for the run to reach the held request and for it to exit


class Gate:
    """ASGI middleware that holds the answer to the N-th request of Schemathesis' engine until it is released.

    Only the engine's requests are counted (they carry its test case header): the run's own requests
    (log-in, the drift comparison in a thread beside the tests) come in no fixed order with them.
    """

    def __init__(self, app: Any, held: int) -> None:
        self.app, self.held, self.count = app, held, 0
        self.reached, self.released = threading.Event(), threading.Event()
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and ENGINE_HEADER in dict(scope["headers"]):
            with self._lock:
                self.count += 1
                hold = self.count == self.held
            if hold:
                self.reached.set()
                # Only the gated request waits; the server's other threads keep answering.
                await anyio.to_thread.run_sync(self.released.wait, WAIT)
        await self.app(scope, receive, send)


def state(url: str) -> dict[str, Any]:
    tables = ("project_codes", "custom_units", "notifications", "news", "machine_configs", "machine_settings")
    found = httpx.get(f"{url}/_mock/state").json()
    return {table: found[table] for table in tables}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_run_undoes_its_changes_before_it_exits(mock_app: Any, stop: signal.Signals) -> None:
    gate = Gate(mock_app, HELD_REQUEST)
    with serving(gate) as url:
        reset(url)
        before = state(url)
        command = [sys.executable, "-m", "contract_tests", "--base-url", url, "--username", "admin"]
        command += ["--password", "inventree", "--operations", OPERATIONS, "--max-examples", "20"]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert gate.reached.wait(WAIT), "the run never reached the held request"
            assert state(url) != before  # the run has changed the data by now
            run.send_signal(stop)
        finally:
            gate.released.set()
        out, err = run.communicate(timeout=WAIT)
        after = state(url)
    assert run.returncode == 2, out[-2000:] + err[-2000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith("Interrupted: the run's changes were undone before exiting: "), err[-2000:]
    assert "objects created by the suite" in last and "written back as they were" in last
    assert after == before
