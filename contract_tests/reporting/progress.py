"""What a run is doing while it runs: the phase, operations done of the total, failures so far.

On a terminal it is a live display drawn by rich (which Schemathesis depends on already); anywhere
else (CI logs, a pipe) one plain line when a phase starts and one when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from schemathesis.engine import events
from schemathesis.engine.run import INTERNAL_PHASES, PhaseName


class RunProgress:
    """Follows engine events; `failures` tells how many distinct failures the run has found so far."""

    def __init__(self, stream: TextIO, operations: int, failures: Callable[[], int]) -> None:
        self.stream, self.operations, self.failures = stream, operations, failures
        self.live = stream.isatty()
        self.done: set[str] = set()
        self._display: Progress | None = None
        self._task: TaskID | None = None

    def handle(self, event: events.EngineEvent) -> None:
        if isinstance(event, events.PhaseStarted) and event.phase.is_enabled:
            self.done = set()
            total = len(event.operations) if event.operations else self.operations
            self._start(event.phase.name.display, None if event.phase.name not in _COUNTED else total)
        elif isinstance(event, events.ScenarioFinished):
            self.done.add(str(event.label))
            self._update()
        elif isinstance(event, events.PhaseFinished) and event.phase.is_enabled:
            self._finish(f"{event.phase.name.display}: {event.status.value}")

    def close(self) -> None:
        if self._display is not None:
            self._display.stop()
            self._display = None

    def _start(self, phase: str, total: int | None) -> None:
        if not self.live:
            self.stream.write(f"{phase} ...\n")
            self.stream.flush()
            return
        if self._display is None:
            self._display = Progress(
                TextColumn("{task.description:<14}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("operations, {task.fields[failures]} failures so far"),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
            )
            self._display.start()
        self._task = self._display.add_task(phase, total=total, failures=self.failures())

    def _update(self) -> None:
        if self._display is not None and self._task is not None:
            self._display.update(self._task, completed=len(self.done), failures=self.failures())

    def _finish(self, line: str) -> None:
        if self._display is not None and self._task is not None:
            self._update()
            self._display.update(self._task, total=len(self.done) or 1, completed=len(self.done) or 1)
            self._task = None
            return
        if not self.live:
            self.stream.write(f"{line}; {len(self.done)} operations, {self.failures()} failures so far\n")
            self.stream.flush()


# Phases that go once through the operations; the others (probing, stateful) have no total to show.
_COUNTED = frozenset(name for name in PhaseName if name not in INTERNAL_PHASES and name != PhaseName.STATEFUL_TESTING)
