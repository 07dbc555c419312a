"""Every InvenTree check is in force where a run starts, in a fresh process (no test has imported a check module)."""

from __future__ import annotations

import subprocess
import sys

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
