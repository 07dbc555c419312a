"""In-process clients of the session's mock (`mock_app`) for the machine tests (loaded with `pytest_plugins`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from tests.plugins.live_server import ADMIN

MakeMachine = Callable[..., dict[str, Any]]


@pytest.fixture
def api(mock_app: ASGIApp) -> Iterator[TestClient]:
    """A client of the freshly reset mock, authenticated as the staff user `admin`."""
    # Not entered as a context manager: the mock has no start-up or shut-down work (no lifespan).
    client = TestClient(mock_app, base_url="http://testserver")
    client.post("/_mock/reset").raise_for_status()
    client.auth = ADMIN
    yield client
    client.close()


@pytest.fixture
def make_machine(api: TestClient) -> MakeMachine:
    """Create a machine (a USB label printer unless told otherwise) and return its body."""

    def make(**fields: Any) -> dict[str, Any]:
        body = {"name": "Test printer", "machine_type": "label-printer", "driver": "usb-label-printer", **fields}
        response = api.post("/api/machine/", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make
