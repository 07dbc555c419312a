"""Serve any ASGI app (the mock, or the mock with a fault) on a free loopback port, and run the suite on it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from contract_tests import Report, Settings, run

READY_TIMEOUT = 30.0


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Yield the base URL of `app` served in a thread; the readiness wait is bounded."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"server on 127.0.0.1:{port} not ready within {READY_TIMEOUT} s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(READY_TIMEOUT)
        sock.close()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ADMIN = {"username": "admin", "password": "inventree"}


def reset(url: str) -> None:
    """Put the mock back to its fixtures (its control API, outside the contract)."""
    httpx.post(f"{url}/_mock/reset").raise_for_status()


def suite(url: str, **options: Any) -> Report:
    """Run the contract suite against `url` as the mock's admin; quiet, and small unless told otherwise."""
    options = {"base_url": url, **ADMIN, "max_examples": 5, **options}
    return run(Settings.load(options, environ={}), progress=None)
