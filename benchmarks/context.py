"""What every phase of a run shares: the settings, the files made for the servers, and the log."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.config import BenchConfig
from benchmarks.targets import Paths

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class RunContext:
    """The shared state of one run; phases add notes that end up under the table."""

    config: BenchConfig
    paths: Paths
    raw_dir: Path
    scripts: dict[str, Path] = field(default_factory=dict)
    wrk: str | None = None
    notes: list[str] = field(default_factory=list)

    def log(self, message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    def note(self, message: str) -> None:
        """Log a line and keep it for the report."""
        self.log(message)
        self.notes.append(message)
