"""The README's curl lines for frontend developers, run as written against a live mock.

Each `python -m mock_server ...` line of a block starts a mock with those options (read by the
CLI's own parser, served on a free loopback port); the `curl` lines after it run against that
mock, with the README's address replaced by the mock's. Delays are recorded, not waited.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mock_server.cli import _parser
from mock_server.control.options import control_settings
from mock_server.settings import Settings
from tests.plugins.live_server import serve

README = Path(__file__).resolve().parents[2] / "README.md"
README_URL = "http://127.0.0.1:8000"
START = "python -m mock_server"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl on PATH")


def block_after(heading: str) -> list[str]:
    """The lines of the first bash block under `heading`."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match, f"no bash block under {heading!r}"
    return [line for line in match.group(1).splitlines() if line.strip()]


@contextmanager
def started(line: str) -> Iterator[str]:
    """The mock the README's start line describes, with the CLI's own reading of its options."""
    args = _parser().parse_args(shlex.split(line)[len(START.split()) :])
    settings = control_settings(Settings.from_env({}, host=args.host), args)
    server = serve(**{field: getattr(settings, field) for field in Settings.__dataclass_fields__})
    try:
        yield next(server).url
    finally:
        server.close()


def run_block(heading: str) -> list[tuple[str, int, str]]:
    """Each curl line of the block: the line, the status it got, and what curl printed."""
    results: list[tuple[str, int, str]] = []
    lines = block_after(heading)
    while lines:
        start = lines.pop(0)
        assert start.startswith(START), start
        with started(start) as url:
            while lines and lines[0].startswith("curl "):
                line = lines.pop(0)
                argv = [arg.replace(README_URL, url) for arg in shlex.split(line, comments=True)]
                done = subprocess.run(
                    [*argv, "-sS", "--max-time", "20", "-w", "\n%{http_code}"],
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=30,
                )
                assert done.returncode == 0, f"{line}: {done.stderr}"
                output, _, status = done.stdout.rpartition("\n")
                results.append((line, int(status), output))
    return results


def test_the_latency_faults_and_journal_lines(pauses: list[float]) -> None:
    results = run_block("### Latency, faults and the request journal")
    statuses = [status for _, status, _ in results]
    # With --seed 7 the same lines meet the same faults on every run.
    assert statuses == [503, 200, 201, 201, 201, 200, 204, 204, 200, 200, 204], results
    prefer_delay = results[1][0]
    assert "delay=300" in prefer_delay
    # Each API request was held by the global delay (100-400 ms), the one with Prefer by its own.
    assert 0.3 in pauses and all(0.1 <= seconds <= 0.4 for seconds in pauses)
    listed = results[5][2]
    assert '"operation":"units_create"' in listed.replace(" ", "") and '"drop":true' in listed.replace(" ", "")


def test_the_browser_lines() -> None:
    results = run_block("### Browsers")
    assert [status for _, status, _ in results] == [200, 200, 403, 200, 403, 200], results
    allowed, elsewhere = results[0][2].lower(), results[1][2].lower()
    assert "access-control-allow-origin: http://localhost:5173" in allowed
    assert "access-control-allow-credentials: true" in allowed
    assert "access-control-allow-origin" not in elsewhere
    assert "other origins" in results[2][2] and "X-Mock-Token" in results[4][2]
    served = results[3][2]
    assert '"servers":[{"url":"http://127.0.0.1:' in served.replace(" ", "")
