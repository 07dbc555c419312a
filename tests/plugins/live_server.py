"""The mock for the tests: one app per session, served by uvicorn in a thread on a free loopback port.

This is the one way the tests start a server: `mock_app` is the session's app (in-process clients
use it directly), `live_server` serves it, `mock` resets it before a test, `serve(**settings)` serves
a mock of its own made with other settings, and `serving(app)` serves any other ASGI app, such as
the mock wrapped in a fault, or a server of a test's own.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from mock_server import Settings, create_app

READY_TIMEOUT = 30.0
ADMIN = ("admin", "inventree")
READER = ("reader", "readonly")
ADMIN_TOKEN = "inv-a1b2c3d4e5f60718293a4b5c6d7e8f9012345678-20260101"


@dataclasses.dataclass(frozen=True)
class LiveServer:
    url: str

    def reset(self) -> None:
        httpx.post(f"{self.url}/_mock/reset").raise_for_status()

    def client(self, auth: tuple[str, str] | None = ADMIN, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=auth, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[str]:
    """Yield the base URL of any ASGI `app` served by uvicorn in a thread (`config`: more uvicorn options)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
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


@pytest.fixture(scope="session")
def mock_app() -> Any:
    """The session's mock (default fixtures); whoever uses it resets it first (`mock`, `api`)."""
    return create_app(Settings())


def serve(**options: Any) -> Iterator[LiveServer]:
    """Serve a mock of its own, made with these `Settings` fields, until the generator is closed."""
    with serving(create_app(Settings(**options))) as url:
        yield LiveServer(url)


@pytest.fixture(scope="session")
def live_server(mock_app: Any) -> Iterator[LiveServer]:
    """The session's mock on a loopback port; tests that change state reset it (see `mock`)."""
    with serving(mock_app) as url:
        yield LiveServer(url)


@pytest.fixture
def mock(live_server: LiveServer) -> LiveServer:
    """The session's mock, reset to its fixtures before the test."""
    live_server.reset()
    return live_server


@pytest.fixture
def admin(mock: LiveServer) -> Iterator[httpx.Client]:
    with mock.client(ADMIN) as client:
        yield client


@pytest.fixture
def reader(mock: LiveServer) -> Iterator[httpx.Client]:
    with mock.client(READER) as client:
        yield client


@pytest.fixture
def anonymous(mock: LiveServer) -> Iterator[httpx.Client]:
    with mock.client(None) as client:
        yield client
