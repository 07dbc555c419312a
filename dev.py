#!/usr/bin/env python3
"""Run the project's nox sessions with nothing but Python 3.11+: `python3 dev.py SESSION [-- ARGS]`.

    python3 dev.py mock                  serve the mock on http://127.0.0.1:8000
    python3 dev.py tests                 run the test suite
    python3 dev.py tests -- -m slow      ARGS after `--` go to the session (here: pytest)
    python3 dev.py -l                    any nox option works: list the sessions

Nox gets a virtual environment of its own, .nox/bootstrap/, made on first use with the standard
`venv` module; pip installs into that environment only, never into the Python running this script.
So the same command works on a system Python that forbids pip installs (PEP 668 "externally
managed": Debian, Ubuntu, Homebrew), on a python.org or container Python, and inside an active
virtual environment. Nox then installs the project into a virtual environment per session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NOX_DIR = ROOT / ".nox"
BOOTSTRAP = NOX_DIR / "bootstrap"
STAMP = BOOTSTRAP / "bootstrap.json"
MINIMUM_PYTHON = (3, 11)
WINDOWS = sys.platform == "win32"


class BootstrapError(Exception):
    """A problem that stops the bootstrap, told in one line with what to do."""


def main(argv: list[str]) -> int:
    """Make sure nox is installed in .nox/bootstrap, then hand the command line over to it."""
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    try:
        python = ensure_nox()
    except BootstrapError as error:
        print(f"dev.py: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dev.py: interrupted; the next run starts the set-up again", file=sys.stderr)
        return 130
    return run_nox(python, nox_arguments(argv))


def nox_arguments(argv: list[str]) -> list[str]:
    """`SESSION ...` means `-s SESSION ...`; anything else (options, nothing) goes to nox as it is."""
    noxfile = ["--noxfile", str(ROOT / "noxfile.py")]
    if argv and not argv[0].startswith("-"):
        return [*noxfile, "--session", argv[0], *argv[1:]]
    return [*noxfile, *argv]


def ensure_nox() -> Path:
    """The Python of .nox/bootstrap with nox installed; created or updated only when needed."""
    if sys.version_info < MINIMUM_PYTHON:
        raise BootstrapError(
            f"the project needs Python {'.'.join(map(str, MINIMUM_PYTHON))} or newer, and this is "
            f"{sys.version.split()[0]} ({sys.executable}); run this script with a newer python3"
        )
    python = BOOTSTRAP / ("Scripts/python.exe" if WINDOWS else "bin/python")
    requirements = nox_requirements()
    wanted: dict[str, object] = {"python": interpreter(), "requirements": requirements}
    found = read_stamp()
    if found == wanted and python.exists():
        return python
    if found is not None and found.get("python") != wanted["python"]:
        # Every environment under .nox/ was made from the Python recorded there: start afresh, so
        # that the sessions run on the Python this command was given.
        print(f"dev.py: {sys.executable} is a different Python from the last run's; recreating .nox/", file=sys.stderr)
        shutil.rmtree(NOX_DIR, ignore_errors=True)
    if not python.exists() or found is None:
        create_environment()
    install_nox(python, requirements)
    STAMP.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
    return python


def interpreter() -> dict[str, str]:
    """What identifies the Python running this script, inside or outside a virtual environment."""
    return {"version": sys.version, "base_prefix": sys.base_prefix}


def nox_requirements() -> list[str]:
    """The `nox` dependency group of pyproject.toml: what .nox/bootstrap holds."""
    import tomllib  # noqa: PLC0415  (Python 3.11+; imported after the version check)

    with (ROOT / "pyproject.toml").open("rb") as file:
        requirements = tomllib.load(file).get("dependency-groups", {}).get("nox")
    if not requirements:
        raise BootstrapError("pyproject.toml has no [dependency-groups] nox = [...] to install nox from")
    return [str(requirement) for requirement in requirements]


def read_stamp() -> dict[str, object] | None:
    try:
        found = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def create_environment() -> None:
    """A fresh .nox/bootstrap with pip, made by the standard venv module."""
    try:
        import ensurepip  # noqa: F401, PLC0415
        import venv  # noqa: PLC0415
    except ImportError:
        # Debian and Ubuntu ship venv's pip installer (ensurepip) in a package of its own.
        package = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        raise BootstrapError(
            f"this Python cannot make virtual environments (ensurepip is missing): install the package {package} "
            f"(sudo apt install {package}), then run the command again"
        ) from None

    print(f"dev.py: creating {BOOTSTRAP.relative_to(ROOT)}, a virtual environment for nox", file=sys.stderr)
    try:
        venv.EnvBuilder(clear=True, with_pip=True, symlinks=not WINDOWS).create(BOOTSTRAP)
    except (OSError, subprocess.CalledProcessError) as error:
        shutil.rmtree(BOOTSTRAP, ignore_errors=True)
        raise BootstrapError(f"cannot create {BOOTSTRAP}: {error}") from None


def install_nox(python: Path, requirements: list[str]) -> None:
    print(f"dev.py: installing {' '.join(requirements)} into {BOOTSTRAP.relative_to(ROOT)}", file=sys.stderr)
    # A `user = true` in the pip configuration would make pip refuse to install into a virtual environment.
    environ = {**os.environ, "PIP_USER": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    command = [str(python), "-m", "pip", "install", "--quiet", *requirements]
    if subprocess.run(command, env=environ, check=False).returncode != 0:
        raise BootstrapError(
            f"pip could not install {' '.join(requirements)} into {BOOTSTRAP} (its message is above); "
            "check the network or pip's index settings, then run the command again"
        )


def run_nox(python: Path, arguments: list[str]) -> int:
    """Run nox; on POSIX this process becomes nox, so signals (Ctrl-C, SIGTERM) reach it directly."""
    command = [str(python), "-m", "nox", *arguments]
    sys.stdout.flush()
    sys.stderr.flush()
    if not WINDOWS:
        os.execv(command[0], command)  # noqa: S606  (our own command, no shell)
    with subprocess.Popen(command) as process:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # the console sent Ctrl-C to nox too: wait for it to stop its session


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
