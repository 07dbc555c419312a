"""Every InvenTree check is in force where a run starts, in a fresh process (no test has imported a check module)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Imports what `entry` imports, then every module of contract_tests.checks: a check registered only
# by the second step is one a run started from `entry` would never apply.
PROGRAM = """
import importlib, pkgutil
from schemathesis.checks import CHECKS
import {entry}
loaded = set(CHECKS.get_all_names())
import contract_tests.checks as package
for module in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"contract_tests.checks.{{module.name}}")
print(" ".join(sorted(set(CHECKS.get_all_names()) - loaded)))
"""


@pytest.mark.parametrize(
    "entry",
    [
        "contract_tests.cli",  # python -m contract_tests, and the pytest plugin's run
        "contract_tests.schemathesis_hooks",  # schemathesis run, through schemathesis.toml
    ],
)
def test_every_check_is_registered_by(entry: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(entry=entry)], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == [], f"checks {entry} leaves out: {done.stdout.strip()}"


def test_one_registry_names_every_check_module() -> None:
    """Every module of contract_tests.checks that defines a check is in the one list the package imports."""
    import contract_tests.checks as package

    with_checks = {
        f"contract_tests.checks.{path.stem}"
        for path in Path(package.__file__).parent.glob("*.py")
        if "\n@schemathesis.check\n" in path.read_text(encoding="utf-8")
    }
    assert with_checks == {module.__name__ for module in package.CHECK_MODULES}
