"""Fixtures the mock's own tests share."""

from __future__ import annotations

import pytest

from mock_server.control import injection


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Each injected delay's pause (seconds), recorded instead of waited: the mock runs in this process."""
    taken: list[float] = []

    async def record(seconds: float) -> None:
        taken.append(seconds)

    monkeypatch.setattr(injection, "pause", record)
    return taken
