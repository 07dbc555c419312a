"""Baseline: record a run's failures, accept them in later runs, fail only on new ones, name the ones gone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract_tests import UsageError, render
from contract_tests.reporting import baseline
from tests.contract_tests.faults import FAULTS, Fault
from tests.contract_tests.servers import reset, serving, suite

FAULT = {fault.name: fault for fault in FAULTS}
# The operations of the two faults below, read-only: every run sends the same requests to the same data.
OPERATIONS = ("project_code_retrieve", "units_retrieve")


def run(app: Any, faults: list[Fault], path: Path, **options: Any) -> Any:
    for fault in faults:
        app = fault.wrap(app)
    with serving(app) as url:
        reset(url)
        return suite(url, operations=OPERATIONS, read_only=True, baseline=path, **options)


@pytest.mark.slow
def test_record_then_accept_then_fail_only_on_a_new_fault(mock_app: Any, tmp_path: Path) -> None:
    known, new = FAULT["wrong-type"], FAULT["missing-required-field"]
    path = tmp_path / "contract-baseline.json"

    recorded = run(mock_app, [known], path, baseline_record=True)
    assert recorded.failures, render(recorded)
    assert recorded.exit_code == 0, render(recorded)
    entries = baseline.load(path)
    assert {entry.operation for entry in entries} == {"GET /api/project-code/{id}/"}, path.read_text()
    # A human gives the reason; recording again keeps it.
    document = json.loads(path.read_text())
    for item in document["failures"]:
        item["reason"] = "pk as text: fixed in the next release"
    path.write_text(json.dumps(document))

    again = run(mock_app, [known], path)
    assert again.exit_code == 0, render(again)
    text = render(again)
    assert "Known failures, accepted by the baseline" in text
    assert "pk as text: fixed in the next release" in text
    assert not again.stale_baseline

    both = run(mock_app, [known, new], path)
    assert both.exit_code == 1, render(both)
    assert {failure.operation for failure in both.gating_failures} == {"GET /api/units/{id}/"}
    assert {failure.check for failure in both.gating_failures} == {"response_schema_conformance"}

    fixed = run(mock_app, [], path)
    assert fixed.exit_code == 0, render(fixed)
    assert {entry.fingerprint for entry in fixed.stale_baseline} == {entry.fingerprint for entry in entries}
    assert "Baseline entries that no longer occur" in render(fixed)

    run(mock_app, [known], path, baseline_record=True)
    assert {entry.reason for entry in baseline.load(path)} == {"pk as text: fixed in the next release"}


def test_fingerprints_leave_out_what_a_run_draws_at_random() -> None:
    one = baseline.fingerprint("GET /api/x/", "check", "Title", "Received: 'abc' at /api/x/12/ for pk 12")
    two = baseline.fingerprint("GET /api/x/", "check", "Title", "Received: 'zz' at /api/x/7/ for pk 7")
    other = baseline.fingerprint("GET /api/x/", "check", "Title", "Documented: 200")
    assert one == two != other
    assert baseline.stable("id 3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b at https://h/x?y=1") == "id <uuid> at <url>"


def test_a_missing_or_malformed_baseline_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file; record one first"):
        baseline.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"failures": 3}')
    with pytest.raises(UsageError, match="no 'failures' list"):
        baseline.load(bad)
