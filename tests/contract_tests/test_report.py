"""contract_tests/reporting/report.py: the summary per operation, curl lines that reproduce, JUnit, and no secrets anywhere."""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from contract_tests.reporting.report import FailureRecord, Masker, OperationResult, Report, Tally, render, write_junit

TOKEN = "inv-0123456789abcdef0123456789abcdef01234567-20991231"
PASSWORD = "hunter2"


def report(*, failures: bool = True, fatal: str | None = None) -> Report:
    units = OperationResult("POST /api/units/", ("units",), requests=12, checks={"not_a_server_error": Tally(11, 1)})
    if failures:
        units.failures.append(
            FailureRecord(
                operation=units.label,
                check="not_a_server_error",
                title="Server error",
                details=f"Received: 500 for token {TOKEN}\x00",
                reproduce=["curl -X POST -H 'Authorization: [Filtered]' -d '{\"name\": \"a\"}' http://x/api/units/"],
            )
        )
    listing = OperationResult("GET /api/units/", ("units",), requests=30, checks={"not_a_server_error": Tally(30, 0)})
    untested = OperationResult("GET /api/version/", ("version",))
    return Report(
        target="http://x (InvenTree 0.18.0, API 303) as admin (staff)",
        settings="http://x as a token",
        operations={op.label: op for op in (units, listing, untested)},
        tolerated=Counter({"unique-value": 3}),
        rule_reasons={"unique-value": "codes are unique"},
        fatal=fatal,
        duration=12.5,
    )


def test_masker_hides_secrets_and_their_basic_auth_form() -> None:
    mask = Masker([TOKEN, PASSWORD], "admin")
    basic = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    text = mask(f"token {TOKEN} password {PASSWORD} header Basic {basic}")
    assert TOKEN not in text and PASSWORD not in text and basic not in text


def test_curl_lines_read_the_token_from_the_environment() -> None:
    mask = Masker([TOKEN])
    for header in ("'Authorization: [Filtered]'", f"'Authorization: Token {TOKEN}'"):
        line = mask.curl(f"curl -X GET -H {header} http://x/api/units/")
        assert line == 'curl -X GET -H "Authorization: Token ${INVENTREE_TOKEN}" http://x/api/units/'


def test_summary_groups_by_operation_and_check() -> None:
    text = render(report())
    assert "Operations: 3 selected, 2 tested, 1 passed, 1 failed, 0 errored, 1 untested; requests: 42" in text
    lines = text.splitlines()
    first = lines.index("By operation (requests, result, failing checks):") + 1
    assert lines[first].split() == ["POST", "/api/units/", "12", "FAILED", "not_a_server_error"]
    assert any(line.split() == ["not_a_server_error", "41", "/", "1"] for line in lines)
    assert "unique-value: 3  (codes are unique)" in text
    assert "1. POST /api/units/  [not_a_server_error] Server error" in text
    assert text.rstrip().endswith("Result: DOES NOT CONFORM: 1 failures in 1 operations (exit 1)")


def test_exit_codes() -> None:
    assert report().exit_code == 1
    assert report(failures=False).exit_code == 0
    assert "CONFORMS (exit 0)" in render(report(failures=False))
    assert report(fatal="ServerUnreachable: gone").exit_code == 2


def test_junit_has_one_case_per_operation_and_no_secrets(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "contract.xml"
    write_junit(report(), target, Masker([TOKEN]))
    text = target.read_text(encoding="utf-8")
    assert TOKEN not in text
    suite = ElementTree.fromstring(text).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    failing = suite.find("testcase[@name='POST /api/units/']/failure")
    assert failing is not None and failing.get("type") == "not_a_server_error"
    assert failing.text is not None and "\\x00" in failing.text  # an illegal XML character, written escaped


def test_operations_refused_with_401_or_403_are_called_out() -> None:
    refused = report(failures=False)
    refused.operations["GET /api/version/"].requests = 4
    refused.operations["GET /api/version/"].statuses.update({403: 4})
    text = render(refused)
    heading = "No request succeeded, some were refused with 401/403 (the user lacks the permission; hardly tested):"
    assert heading in text
    assert "  GET /api/version/" in text.split(heading)[1]
