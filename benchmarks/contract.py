"""The contract suite's own speed: one full run against a fresh mock with a fixed --max-examples."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.context import PROJECT_DIR, RunContext
from benchmarks.load import start
from benchmarks.process import ServerStartError
from benchmarks.results import ContractRun
from benchmarks.targets import MOCK_USER, TARGETS

# Lines the suite may print with the number of generated test cases, most specific first. Its report
# says "requests: N": one per generated case that got an answer.
_CASE_PATTERNS = (
    re.compile(r"^Operations: .*\brequests: (?P<count>\d[\d,]*)", re.M),
    re.compile(r"(?P<count>\d[\d,]*)\s+(?:generated\s+)?(?:test\s+)?cases?\b", re.I),
    re.compile(r"cases?(?:\s+generated)?\s*[:=]\s*(?P<count>\d[\d,]*)", re.I),
)
_ACCESS_LINE = re.compile(r'"(?:GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD) [^"]* HTTP/1\.[01]" \d{3}')


def cases_from_output(output: str) -> int | None:
    """The number of generated cases the suite reports, if it says so."""
    for pattern in _CASE_PATTERNS:
        found = [int(m["count"].replace(",", "")) for m in pattern.finditer(output)]
        if found:
            return max(found)
    return None


def cases_from_junit(path: Path) -> int | None:
    """The number of test cases in a JUnit XML report (each pytest item, not each generated example)."""
    if not path.exists():
        return None
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - a file the suite just wrote
    except ET.ParseError:
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(suite.get("tests", "0")) for suite in suites)
    return total or None


def requests_from_access_log(path: Path) -> int | None:
    """The requests the server logged (one line per request in uvicorn's access log)."""
    if not path.exists():
        return None
    count = sum(
        1 for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if _ACCESS_LINE.search(line)
    )
    return count or None


def run_contract(ctx: RunContext) -> ContractRun | None:
    """Time `python -m contract_tests` against a mock of its own; None (said in one line) when it cannot run."""
    if importlib.util.find_spec("contract_tests.__main__") is None:
        ctx.note("contract suite: `python -m contract_tests` is not available; its timing is skipped")
        return None
    max_examples = ctx.config.contract_max_examples
    try:
        # The default log level: uvicorn's access log then counts the requests the suite sends.
        server, _cold, base_url = start(ctx, TARGETS["mock"], "contract-mock", ("--log-level", "info"))
    except ServerStartError as exc:
        ctx.note(f"contract suite: the mock did not start ({exc}); its timing is skipped")
        return None
    junit = ctx.raw_dir / "contract-junit.xml"
    args = [
        sys.executable,
        "-m",
        "contract_tests",
        "--base-url",
        base_url,
        "--username",
        MOCK_USER[0],
        "--password",
        MOCK_USER[1],
        "--max-examples",
        str(max_examples),
        "--seed",
        "1",
        "--junit-xml",
        str(junit),
    ]
    ctx.log(f"contract suite: {' '.join(args[1:])}")
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            args, capture_output=True, text=True, cwd=PROJECT_DIR, check=False, timeout=ctx.config.contract_timeout_s
        )
        wall = time.perf_counter() - started
        output = completed.stdout + completed.stderr
        exit_code = completed.returncode
    except subprocess.TimeoutExpired as exc:
        wall = time.perf_counter() - started
        output = str(exc.stdout or "") + str(exc.stderr or "")
        exit_code = -1
        ctx.note(f"contract suite: stopped after {ctx.config.contract_timeout_s:.0f} s")
    finally:
        server.stop()
    (ctx.raw_dir / "contract-output.txt").write_text(output, encoding="utf-8")
    cases, source = cases_from_output(output), "the suite's report"
    if cases is None:
        cases = requests_from_access_log(ctx.raw_dir / "logs" / "contract-mock.log")
        source = "requests in the mock's log"
    if cases is None:
        cases, source = cases_from_junit(junit), "test items in the JUnit report"
    if cases is None:
        source = "not reported"
    ctx.log(f"contract suite: exit {exit_code} after {wall:.1f} s, {cases} cases ({source})")
    if exit_code not in (0, 1):
        ctx.note(f"contract suite: exit code {exit_code} (2: a usage or connection error); see contract-output.txt")
    return ContractRun(max_examples, round(wall, 2), exit_code, cases, source)
