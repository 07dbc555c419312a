"""The progress of a run: drawn live by rich on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import Any

from schemathesis.engine import Status, events
from schemathesis.engine.run import Phase, PhaseName

from contract_tests.reporting.progress import RunProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def coverage_phase(labels: list[str]) -> Iterator[events.EngineEvent]:
    """The events of a coverage phase over `labels`, as the engine sends them."""
    phase = Phase(PhaseName.COVERAGE)
    yield events.PhaseStarted(phase=phase, payload=None)
    for label in labels:
        recorder: Any = None  # the progress display reads only the label
        yield events.ScenarioFinished(
            id=uuid.uuid4(), phase=PhaseName.COVERAGE, suite_id=uuid.uuid4(), label=label,
            status=Status.SUCCESS, recorder=recorder, elapsed_time=0.1, skip_reason=None, is_final=False,
        )  # fmt: skip
    yield events.PhaseFinished(phase=phase, status=Status.SUCCESS, payload=None)


def test_progress_is_plain_lines_off_a_terminal() -> None:
    stream = io.StringIO()
    progress = RunProgress(stream, operations=3, failures=lambda: 2)
    for event in coverage_phase(["GET /api/units/", "POST /api/units/", "GET /api/units/"]):
        progress.handle(event)
    progress.close()
    assert stream.getvalue().splitlines() == ["Coverage ...", "Coverage: success; 2 operations, 2 failures so far"]


def test_progress_is_drawn_live_on_a_terminal() -> None:
    stream = Terminal()
    progress = RunProgress(stream, operations=3, failures=lambda: 1)
    for event in coverage_phase(["GET /api/units/"]):
        progress.handle(event)
    progress.close()
    shown = stream.getvalue()
    assert "Coverage" in shown and "1/1" in shown and "1 failures so far" in shown
