"""Drift: the server's own schema against the contract, each change classified, and failures on drifted parts."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from contract_tests import render
from contract_tests.drift import Drift, compare, detect, explain
from contract_tests.drift.cli import main as drift_main
from contract_tests.reporting.report import Masker, write_junit
from spec import load_spec
from tests.contract_tests.faults import Exchange, Intercept
from tests.contract_tests.servers import reset, serving, suite

UI_PREFERENCE = "/api/web/ui_preference/"
REAL_URL = os.environ.get("INVENTREE_REAL_URL")


def published() -> dict[str, Any]:
    return load_spec(published=True)


def kinds(drift: Drift, operation: str) -> set[tuple[str, str, bool]]:
    return {(change.kind, change.subject, change.breaking) for change in drift.of(operation)}


def test_the_contract_has_no_drift_from_itself() -> None:
    drift = compare(published(), published())
    assert drift.changes == []
    assert set(drift.contract_versions.values()) == {"196", "303"}
    assert len(drift.contract_versions) == 71


def test_a_removed_operation_is_breaking() -> None:
    server = published()
    del server["paths"][UI_PREFERENCE]
    drift = compare(published(), server)
    assert drift.removed_operations == {f"GET {UI_PREFERENCE}", f"PUT {UI_PREFERENCE}"}
    assert all(change.breaking for change in drift.changes)


def test_field_changes_are_classified_for_a_client() -> None:
    server = published()
    schemas = server["components"]["schemas"]
    project_code = schemas["ProjectCode"]
    del project_code["properties"]["description"]  # response and request: a field removed
    project_code["properties"]["code"]["maxLength"] = 20  # request: a lower maxLength
    project_code["properties"]["colour"] = {"type": "string"}  # an optional field added
    custom_unit = schemas["CustomUnit"]
    custom_unit["properties"]["symbol"]["nullable"] = True  # response: may now be null
    drift = compare(published(), server)
    create = kinds(drift, "POST /api/project-code/")
    assert ("field removed", "description", True) in create
    assert ("maxLength changed", "code", True) in create
    assert ("field added", "colour", False) in create
    units = kinds(drift, "GET /api/units/{id}/")
    assert ("nullable changed", "symbol", True) in units
    assert ("nullable changed", "symbol", False) in kinds(drift, "POST /api/units/")


def test_a_newly_required_request_field_is_breaking_and_a_relaxed_one_is_not() -> None:
    server = published()
    unit = server["components"]["schemas"]["CustomUnit"]
    unit["required"] = [*unit.get("required", []), "symbol"]
    drift = compare(published(), server)
    assert ("now required", "symbol", True) in kinds(drift, "POST /api/units/")
    assert ("now required", "symbol", False) in kinds(drift, "GET /api/units/{id}/")


def test_enum_and_parameter_changes() -> None:
    server = published()
    parameters = server["paths"]["/api/machine/"]["get"]["parameters"]
    server["paths"]["/api/machine/"]["get"]["parameters"] = [p for p in parameters if p["name"] != "driver"]
    parameters = server["paths"]["/api/news/"]["get"]["parameters"]
    parameters.append({"in": "query", "name": "feed", "required": True, "schema": {"type": "string"}})
    drift = compare(published(), server)
    assert ("parameter removed", "driver", True) in kinds(drift, "GET /api/machine/")
    assert ("parameter added (required)", "feed", True) in kinds(drift, "GET /api/news/")


def test_what_the_overlays_state_is_not_drift() -> None:
    overlaid = load_spec()
    drift = compare(published(), copy.deepcopy(overlaid), overlaid=overlaid)
    assert drift.changes == []


def test_explain_names_only_failures_on_drifted_parts() -> None:
    server = published()
    del server["paths"][UI_PREFERENCE]
    del server["components"]["schemas"]["ProjectCode"]["properties"]["description"]
    drift = compare(published(), server)
    assert explain(drift, f"GET {UI_PREFERENCE}", "Received: 404")
    assert explain(drift, "GET /api/project-code/{id}/", "'description' is a required property")
    assert not explain(drift, "GET /api/project-code/{id}/", "'code' is a required property")
    assert not explain(drift, "GET /api/project-code/{id}/", "descriptions")


def drifted_mock(app: Any) -> Any:
    """The mock with ui_preference gone (404, as InvenTree answers since API 301) and gone from its schema."""
    server = load_spec()
    del server["paths"][UI_PREFERENCE]

    def schema(exchange: Exchange) -> None:
        exchange.respond(200, server)

    def gone(exchange: Exchange) -> None:
        exchange.respond(404, {"detail": "API endpoint not found", "url": exchange.path})

    app = Intercept(app, method="GET", path=UI_PREFERENCE, before=gone)
    app = Intercept(app, method="PUT", path=UI_PREFERENCE, before=gone)
    return Intercept(app, method="GET", path="/api/schema/", before=schema)


@pytest.mark.slow
def test_failures_on_a_removed_operation_are_drift_and_do_not_fail_the_run(mock_app: Any, tmp_path: Path) -> None:
    operations = ("units_list", "units_create", "units_retrieve", "web_ui_preference_retrieve")
    with serving(drifted_mock(mock_app)) as url:
        reset(url)
        report = suite(url, operations=(*operations, "web_ui_preference_update"), drift=True)
    text = render(report)
    write_junit(report, tmp_path / "junit.xml", Masker([]))
    junit = ElementTree.parse(tmp_path / "junit.xml").getroot()
    assert junit.find(".//failure") is None
    told = [element.text or "" for element in junit.iter("system-out")]
    assert any("drift: GET /api/web/ui_preference/: operation removed" in text for text in told)
    drifted = [failure for failure in report.failures if failure.drift]
    assert {failure.operation for failure in drifted} == {f"GET {UI_PREFERENCE}", f"PUT {UI_PREFERENCE}"}, text
    assert not report.gating_failures, text
    assert report.exit_code == 0, text
    assert f"GET {UI_PREFERENCE}: operation removed [breaking]" in text
    assert "On drifted parts, not counted" in text


@pytest.mark.slow
def test_the_same_failures_fail_the_run_without_drift(mock_app: Any) -> None:
    with serving(drifted_mock(mock_app)) as url:
        reset(url)
        report = suite(url, operations=("units_list", "units_create", "web_ui_preference_retrieve"), drift=False)
    assert report.gating_failures and report.exit_code == 1


def test_drift_command_exit_codes(mock_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mock_app) as url:
        assert drift_main(["--base-url", url]) == 0
        assert "0 changes" in capsys.readouterr().out
    with serving(drifted_mock(mock_app)) as url:
        assert drift_main(["--base-url", url, "--token", "not-needed"]) == 1
        out = capsys.readouterr().out
        assert f"PUT {UI_PREFERENCE}: operation removed [breaking]" in out
        assert "not-needed" not in out


def test_drift_command_one_line_when_the_schema_cannot_be_had(capsys: pytest.CaptureFixture[str]) -> None:
    assert drift_main([]) == 2
    assert capsys.readouterr().err.startswith("UsageError: no server")
    assert drift_main(["--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("SchemaUnavailable: ") and err.count("\n") == 1


def test_a_server_without_a_schema_is_reported_not_compared(mock_app: Any) -> None:
    def missing(exchange: Exchange) -> None:
        exchange.respond(404, {"detail": "Not found."})

    with serving(Intercept(mock_app, method="GET", path="/api/schema/", before=missing)) as url:
        drift = detect(url, 5.0)
    assert drift.unavailable is not None and "404" in drift.unavailable


@pytest.mark.real_inventree
@pytest.mark.skipif(not REAL_URL, reason="set INVENTREE_REAL_URL to a real InvenTree server to run this test")
def test_the_real_server_names_ui_preference_removed(capsys: pytest.CaptureFixture[str]) -> None:
    assert REAL_URL is not None
    httpx.get(f"{REAL_URL}/api/", timeout=30).raise_for_status()
    assert drift_main(["--base-url", REAL_URL]) == 1
    out = capsys.readouterr().out
    assert f"GET {UI_PREFERENCE}: operation removed [breaking]" in out
    assert f"PUT {UI_PREFERENCE}: operation removed [breaking]" in out
