"""Profile the mock under load with pyinstrument: where a request's time goes, per scenario.

The mock runs under `python -m pyinstrument -m mock_server`; after the load it is stopped with
SIGINT, uvicorn shuts down cleanly and pyinstrument writes its session, which is then rendered
as a call tree and a flat list by own time (text) and as HTML beside the raw results.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
from pathlib import Path

from benchmarks.client import ClientError
from benchmarks.context import RunContext
from benchmarks.load import measure, open_session, reset, start
from benchmarks.process import ServerStartError
from benchmarks.targets import SCENARIOS, Paths, Target
from benchmarks.wrk import WrkError


def _profiled_mock(session_file: Path) -> Target:
    def build(port: int, paths: Paths) -> list[str]:
        return [
            paths.python,
            "-m",
            "pyinstrument",
            "--renderer",
            "session",
            "--outfile",
            str(session_file),
            "--interval",
            "0.001",
            "-m",
            "mock_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]

    return Target("mock", "our mock (profiled)", "", build, stateful=True)


def render(session_file: Path, renderer: str, output: Path, *options: str) -> bool:
    args = [
        sys.executable,
        "-m",
        "pyinstrument",
        "--load",
        str(session_file),
        "--renderer",
        renderer,
        "--outfile",
        str(output),
        "--show-all",
        *options,
    ]
    completed = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
    return completed.returncode == 0


def run_profile(ctx: RunContext) -> list[Path]:
    """One profiled life of the mock per scenario; the text and HTML reports written."""
    if importlib.util.find_spec("pyinstrument") is None:
        ctx.note("profile: pyinstrument is not installed (dependency group `bench`); skipped")
        return []
    written: list[Path] = []
    folder = ctx.raw_dir / "profile"
    folder.mkdir(parents=True, exist_ok=True)
    for key in ctx.config.scenarios:
        scenario = SCENARIOS[key]
        session_file = folder / f"mock-{key}.pyisession"
        target = _profiled_mock(session_file)
        try:
            server, _cold, base_url = start(ctx, target, f"profile-{key}")
        except ServerStartError as exc:
            ctx.note(f"profile: the mock did not start under pyinstrument ({exc}); skipped")
            return written
        try:
            session = open_session(target, base_url)
            session = reset(target, session)
            url = base_url + scenario.path.format(id=session.object_id)
            result = measure(
                ctx,
                server,
                url,
                scenario.kind,
                headers=session.headers,
                duration_s=ctx.config.wrk.duration_s,
                warmup_s=0.0,
                label=f"profile-{key}",
            ).result
            ctx.log(f"profile: {scenario.label}: {result.requests_per_s:,.0f} req/s under the profiler")
        except (ClientError, WrkError) as exc:
            ctx.note(f"profile: {scenario.label}: {exc}")
        finally:
            # SIGINT: uvicorn shuts down and re-raises it as KeyboardInterrupt, which pyinstrument
            # catches to write its session; after SIGTERM the process dies without writing one.
            server.stop(grace_s=120.0, signum=signal.SIGINT)
        if not session_file.exists():
            ctx.note(f"profile: pyinstrument wrote no session for {scenario.label}")
            continue
        for renderer, suffix, options in (
            ("text", "tree.txt", ("--unicode",)),
            ("text", "flat.txt", ("--unicode", "-p", "flat=true")),
            ("html", "html", ()),
        ):
            output = folder / f"mock-{key}.{suffix}"
            if render(session_file, renderer, output, *options):
                written.append(output)
        if written and written[-1].name.startswith(f"mock-{key}."):
            session_file.unlink()  # tens of MB; the reports hold what it says
    if written:
        ctx.log(f"profile: reports in {folder}")
    return written
