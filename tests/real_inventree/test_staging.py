"""The suite against a real InvenTree: data left exactly as found (whole or stopped), and only known failures.

Opt-in (see tests/real_inventree/server.py): each test seeds the server with a staging-like data set,
dumps its whole database, runs the suite as a command, dumps again, and compares the dumps; only the
tables tests/real_inventree/dumps.py names may differ, in the ways it names. Every failure the run
reports must be one of the server's known defects or drift (contract_tests/known/inventree-0.18-dev.yaml).
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from tests.real_inventree import dumps
from tests.real_inventree.server import RealServer, real_server

pytestmark = [pytest.mark.real_inventree, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
KNOWN = ROOT / "contract_tests" / "known" / "inventree-0.18-dev.yaml"
RUN_TIMEOUT = 1200  # seconds: a bound; the default run takes about 9 minutes on a loaded two-core machine
# The interrupted run is stopped once the server has answered this many of its requests: by then it
# has created objects, changed existing ones and marked notifications read.
STOP_AFTER = 400


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    junit: Path
    before: Path
    after: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    """The real server, seeded by the tests and given back with the data it had before them."""
    with real_server().kept_as_found(tmp_path_factory.mktemp("as-found")) as found:
        yield found


def command(server: RealServer, junit: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "contract_tests", "--base-url", server.url, "--username", "admin",
        "--password", "inventree", "--second-username", "reader", "--second-password", "readonly",
        "--junit-xml", str(junit), *options,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def default_run(server: RealServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run with default options on a freshly seeded server, between two dumps."""
    folder = tmp_path_factory.mktemp("default-run")
    server.seed()
    before = server.dump(folder / "before.json")
    done = subprocess.run(
        command(server, folder / "junit.xml"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    after = server.dump(folder / "after.json")
    return Run(done.returncode, done.stdout, done.stderr, folder / "junit.xml", before, after)


def test_a_run_leaves_the_data_as_it_found_it(default_run: Run) -> None:
    assert default_run.returncode in (0, 1), default_run.stderr[-3000:]
    assert dumps.differences(default_run.before, default_run.after) == []
    assert "Clean-up:" in default_run.stdout and "restore it by hand" not in default_run.stdout


def test_every_failure_is_a_known_defect_or_drift(default_run: Run) -> None:
    known = known_failures()
    found = failures(default_run.junit)
    assert found, "the server has known defects: a run that finds none did not test"
    unknown = sorted(found - set(known))
    assert not unknown, "failures that are neither a known defect nor drift:\n" + "\n".join(map(str, unknown))


def test_a_run_stopped_midway_undoes_its_changes(server: RealServer, tmp_path: Path) -> None:
    server.seed()
    before = server.dump(tmp_path / "before.json")
    # The server's log has a line per answered request: the run's progress as the server saw it, read
    # as it is written (tail -F), so the signal goes out at a fixed point without any sleep.
    log = subprocess.Popen(["tail", "-n", "0", "-F", str(server.log)], stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(RUN_TIMEOUT, log.kill)  # bounds the wait should the server stop answering
    watchdog.start()
    run = subprocess.Popen(
        command(server, tmp_path / "junit.xml"), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert log.stdout is not None
        answered = sum(1 for _ in itertools.islice(iter(log.stdout.readline, ""), STOP_AFTER))
        assert answered == STOP_AFTER, f"the server answered {answered} requests, then its log stopped"
        assert run.poll() is None, "the run ended before it could be stopped"
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=RUN_TIMEOUT)
    finally:
        watchdog.cancel()
        log.kill()
        log.communicate()  # reaps tail and closes its pipe
        if run.poll() is None:
            run.kill()
    after = server.dump(tmp_path / "after.json")
    assert run.returncode == 2
    assert err.strip().splitlines()[-1].startswith("Interrupted: the run's changes were undone before exiting")
    assert dumps.differences(before, after) == []


def known_failures() -> dict[tuple[str, str], str]:
    """(operation, check) -> the id of the known defect or drift that explains it."""
    document = yaml.safe_load(KNOWN.read_text(encoding="utf-8"))
    return {
        (operation, check): entry["id"]
        for entry in [*document["defects"], *document["drift"]]
        for operation in entry["operations"]
        for check in entry["checks"]
    }


def failures(junit: Path) -> set[tuple[str, str]]:
    """(operation, check) of every failure in a JUnit report of the suite."""
    root = ElementTree.parse(junit).getroot()
    return {
        (case.attrib["name"], failure.attrib["type"])
        for case in root.iter("testcase")
        for failure in case.findall("failure")
    }
