"""The start-up phase: the mock from spawn to its first 200 on `GET /api/`, with an empty and a warm cache.

The mock caches the resolved contract and the parsed fixtures on disk (spec/cache.py). Each
measurement gets a cache folder of its own: the first start fills it (what a new checkout or a
changed fixture file costs), the later starts find it (every other start). Measured N times with
the default fixtures (the median is quoted) and with 100,000 generated project codes (as the
scale phase makes them): the time to the first 200, the CPU time the process used by then, and
its peak memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.context import PROJECT_DIR, RunContext
from benchmarks.process import ServerProcess, ServerStartError, free_port
from benchmarks.results import StartupRun
from benchmarks.scale import CACHE_ENV, DEFAULT_FIXTURES, ScaleError, write_fixtures
from benchmarks.targets import TARGETS

PROBE = "/api/"
DEFAULT_LABEL = "default fixtures"


def _start_once(ctx: RunContext, label: str, cache: Path, fixtures: Path | None, timeout_s: float) -> StartupRun:
    port = free_port()
    args = TARGETS["mock"].build(port, ctx.paths) + (["--fixtures", str(fixtures)] if fixtures else [])
    server = ServerProcess(
        "mock",
        args,
        f"http://127.0.0.1:{port}{PROBE}",
        log_path=ctx.raw_dir / "logs" / f"startup-{label.replace(' ', '-')}.log",
        env={**os.environ, CACHE_ENV: str(cache)},
        cwd=PROJECT_DIR,
    )
    filled = any(cache.iterdir()) if cache.is_dir() else False
    seconds = server.start(timeout_s=timeout_s)
    cpu = server.cpu_seconds()
    peak_kib = server.stop()
    return StartupRun(label, "warm" if filled else "empty", round(seconds, 4), round(cpu, 3), round(peak_kib / 1024, 1))


def _series(ctx: RunContext, label: str, fixtures: Path | None, starts: int, timeout_s: float) -> list[StartupRun]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache_dir:
        for number in range(starts):
            run = _start_once(ctx, label, Path(cache_dir), fixtures, timeout_s)
            runs.append(run)
            ctx.log(
                f"startup: {label}, {run.cache} cache ({number + 1}/{starts}): first 200 after {run.start_s:.2f} s,"
                f" {run.cpu_s:.2f} s CPU, {run.peak_rss_mib:,.0f} MiB"
            )
    return runs


def run_startup(ctx: RunContext) -> list[StartupRun]:
    """N starts with the default fixtures, and two with the large generated fixtures, each from an empty cache."""
    config = ctx.config
    runs: list[StartupRun] = []
    try:
        runs += _series(ctx, DEFAULT_LABEL, None, 1 + config.startup_repetitions, config.start_timeout_s)
        with tempfile.TemporaryDirectory(prefix="bench-startup-fixtures-") as tmp:
            size = config.startup_large_size
            folder = write_fixtures(DEFAULT_FIXTURES, Path(tmp) / "fixtures", size)
            runs += _series(ctx, f"{size:,} project codes", folder, 2, config.scale_start_timeout_s)
    except (ServerStartError, ScaleError, OSError) as exc:
        ctx.note(f"startup: the mock did not start ({exc}); the rest of the start-up phase is skipped")
    return runs
