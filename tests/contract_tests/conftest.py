"""Fixtures of the contract suite's own tests: one mock app for all tests, served as each test needs."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server import Settings, create_app


@pytest.fixture(scope="session")
def mock_app() -> Any:
    """The mock's ASGI app; tests serve it (or wrap it in a fault) and reset it before running the suite."""
    return create_app(Settings())
