"""Sessions for the InvenTree contract kit: serve the mock, test, lint, type-check, measure.

`nox` alone runs spec, lint, typecheck and tests; `nox -s mock` serves the mock on http://127.0.0.1:8000.
Without nox installed, `python3 dev.py <session>` runs the same sessions (see dev.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType

import nox

nox.needs_version = ">=2025.2.9"  # nox.project.dependency_groups
nox.options.sessions = ["spec", "lint", "typecheck", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
# virtualenv comes with nox and seeds pip without ensurepip; pip honours the user's pip configuration.
nox.options.default_venv_backend = "virtualenv"

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
INSTALL_STAMP = "inventree-contract-kit.installed"


class _WithoutUvProbe(logging.Filter):
    """Nox looks for uv before it creates any environment and logs its absence; this project does not use uv."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "uv binary not found."


logging.getLogger("nox").addFilter(_WithoutUvProbe())


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


# SIGTERM stops a session as Ctrl-C does: nox then stops the running command (SIGTERM after its
# interrupt timeout) and reports the session by the command's exit code, instead of dying at once
# and leaving the command (the mock, pytest) running without it.
if sys.platform != "win32":
    signal.signal(signal.SIGTERM, _interrupt)


def install(session: nox.Session, *extras: str, groups: tuple[str, ...] = (), project: bool = True) -> None:
    """Install the project (editable, with extras) and the named dependency groups, unless already installed.

    pip takes half a minute even when nothing changed. The stamp records what was installed from
    which pyproject.toml by which Python; while it matches, the session starts at once. The install
    is editable, so changed sources need none; a changed pyproject.toml (dependencies, entry points)
    installs again, and so does a new environment (`nox -N`, or after `rm -rf .nox`).
    """
    target = ["-e", f".[{','.join(extras)}]" if extras else "."] if project else []
    requirements = [requirement for group in groups for requirement in nox.project.dependency_groups(PYPROJECT, group)]
    inputs = [(ROOT / "pyproject.toml").read_text(encoding="utf-8"), str(ROOT), sys.version, *target, *requirements]
    fingerprint = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    stamp = Path(session.virtualenv.location) / INSTALL_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint:
        session.log("Requirements already installed from this pyproject.toml (pip skipped)")
        return
    stamp.unlink(missing_ok=True)
    session.install(*target, *requirements)
    stamp.write_text(fingerprint, encoding="utf-8")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (spec, mock server, contract suite against the mock); `-- -m slow` runs the long ones."""
    install(session, "all", groups=("test", "browser"))
    # The default run spreads test files over the machine's cores (pytest-xdist; a file's tests stay
    # together, so module fixtures are built once). Arguments given after `--` replace this: the slow
    # and real-server runs share one server and go one test at a time.
    workers = str(min(4, os.cpu_count() or 1))
    args = session.posargs or ["tests", "-n", workers, "--dist", "loadfile"]
    session.run("python", "-m", "pytest", *args, env={"HYPOTHESIS_PROFILE": "ci"})


@nox.session
def spec(session: nox.Session) -> None:
    """Resolve and validate the contract, published and with overlays; write both under build/."""
    install(session)
    (ROOT / "build").mkdir(exist_ok=True)
    session.run("python", "-m", "spec", "--published", "--output", "build/openapi.published.json")
    session.run("python", "-m", "spec", "--output", "build/openapi.json")
    session.log("Wrote build/openapi.published.json and build/openapi.json")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    install(session, groups=("lint",), project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy (strict)."""
    install(session, "all", groups=("typecheck",))
    session.run("mypy", *session.posargs)


@nox.session
def mock(session: nox.Session) -> None:
    """Serve the mock InvenTree on http://127.0.0.1:8000 with the default fixtures (Ctrl-C stops it)."""
    install(session, "mock")
    # On Ctrl-C the mock stops by itself and exits 0, and the session succeeds; the timeouts give it
    # time to, before nox sends SIGTERM (and, 5 s later, SIGKILL).
    session.run("python", "-m", "mock_server", *session.posargs, interrupt_timeout=2.0, terminate_timeout=5.0)


@nox.session
def contract(session: nox.Session) -> None:
    """Run the contract suite against --base-url URL or $INVENTREE_BASE_URL (arguments pass through)."""
    install(session, "contract")
    session.run("python", "-m", "contract_tests", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the mock beside Prism, Connexion's mock mode and bare Starlette; write benchmarks/results/."""
    install(session, "all", groups=("bench",))
    session.run("python", "-m", "benchmarks", *session.posargs)
