"""The settings of one benchmark run, with their defaults in one place."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.targets import SCENARIOS, TARGETS
from benchmarks.wrk import WrkSettings

PACKAGE_DIR = Path(__file__).resolve().parent
RESULTS_DIR = PACKAGE_DIR / "results"
TOOLS_DIR = PACKAGE_DIR / "tools"


@dataclass(frozen=True)
class BenchConfig:
    """What to measure and how long: the defaults are the figures the issue compares against."""

    wrk: WrkSettings = field(default_factory=WrkSettings)
    warmup_s: float = 3.0
    repetitions: int = 2
    servers: tuple[str, ...] = tuple(TARGETS)
    scenarios: tuple[str, ...] = tuple(SCENARIOS)
    load: bool = True
    scale: bool = True
    scale_sizes: tuple[int, ...] = (10, 1_000, 100_000)
    scale_duration_s: float = 5.0
    scale_warmup_s: float = 2.0
    scale_repetitions: int = 2
    # One client, one connection: the latency is then the store's work per request, not a queue of
    # 16 requests waiting behind a slow one (which, at 100,000 objects, would only measure wrk's timeout).
    scale_wrk: WrkSettings = field(default_factory=lambda: WrkSettings(threads=1, connections=1, timeout_s=30.0))
    # Starts of the mock to its first 200 on GET /api/: the default fixtures 1 + N times (the first
    # fills an empty cache), and twice with this many generated project codes.
    startup: bool = True
    startup_repetitions: int = 5
    startup_large_size: int = 100_000
    contract: bool = True
    contract_max_examples: int = 10
    contract_timeout_s: float = 1800.0
    profile: bool = False
    start_timeout_s: float = 90.0
    scale_start_timeout_s: float = 900.0
    output_dir: Path = RESULTS_DIR
    tools_dir: Path = TOOLS_DIR
    quick: bool = False

    def quickened(self) -> BenchConfig:
        """A short run to try the setup: seconds instead of minutes, still two repetitions."""
        return replace(
            self,
            wrk=replace(self.wrk, duration_s=3.0),
            warmup_s=1.0,
            scale_sizes=(10, 1_000, 10_000),
            scale_duration_s=2.0,
            scale_warmup_s=1.0,
            startup_repetitions=2,
            startup_large_size=10_000,
            contract_max_examples=3,
            quick=True,
        )
