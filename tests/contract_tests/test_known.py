"""contract_tests/known/inventree-0.18-dev.yaml: the known defects and drift name real operations and checks."""

from __future__ import annotations

from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401  (Schemathesis registers its OpenAPI checks on import)
import yaml
from schemathesis.checks import CHECKS

import contract_tests.checks  # noqa: F401  (importing the package registers every InvenTree check)
from spec import load_spec, operations

KNOWN = Path(__file__).resolve().parents[2] / "contract_tests" / "known" / "inventree-0.18-dev.yaml"


def test_every_known_failure_names_an_operation_and_a_check_of_the_suite() -> None:
    document = yaml.safe_load(KNOWN.read_text(encoding="utf-8"))
    labels = {f"{method} {path}" for method, path, _ in operations(load_spec())}
    checks = set(CHECKS.get_all_names())
    entries = [*document["defects"], *document["drift"]]
    assert [entry["id"] for entry in entries] == [*(f"A{n}" for n in range(1, 14)), "B1", "B2"]
    for entry in entries:
        assert entry["title"] and entry["reason"] and entry["source"], entry["id"]
        assert set(entry["operations"]) <= labels, (entry["id"], set(entry["operations"]) - labels)
        assert set(entry["checks"]) <= checks, (entry["id"], set(entry["checks"]) - checks)
