"""contract_tests/checks/rules.py: only a named rule drops a failure; everything else still fails."""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis import GenerationMode
from schemathesis.core.failures import AcceptedNegativeData, ServerError
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import (
    CaseMetadata,
    ComponentInfo,
    FuzzingPhaseData,
    GenerationInfo,
    PhaseInfo,
    TestPhase,
)
from schemathesis.openapi.checks import AllowHeaderMismatch, RejectedPositiveData

from contract_tests.checks import rules
from tests.contract_tests.recorded import answer, case

REFUSED = RejectedPositiveData(operation="op", message="m", status_code=400, allowed_statuses=["2xx"])
ACCEPTED = AcceptedNegativeData(operation="op", message="m", status_code=201, expected_statuses=["400"])


@pytest.mark.parametrize(
    ("operation", "sent", "errors", "rule"),
    [
        (
            "project_code_create",
            {"code": "PRJ-001"},
            {"code": ["Project code with this Code already exists."]},
            "unique-value",
        ),
        ("project_code_create", {"code": "  "}, {"code": ["This field may not be blank."]}, "not-blank"),
        (
            "project_code_create",
            {"code": "A\x00B"},
            {"code": ["Null characters are not allowed."]},
            "no-null-characters",
        ),
        (
            "action_create",
            {"action": "a", "data": {"k\x00": 1}},
            {"data": ["Null characters are not allowed."]},
            "no-null-characters",
        ),
        ("project_code_create", {"code": "AB"}, {"code": ["Null characters are not allowed."]}, None),
        (
            "units_create",
            {"name": "x y", "definition": "m"},
            {"name": ["Unit name must be a valid identifier"]},
            "unit-name-valid",
        ),
        (
            "units_create",
            {"name": "a", "definition": "not a unit!!"},
            {"definition": ["'not' is not defined in the unit registry"]},
            "unit-definition-parses",
        ),
        (
            "units_create",
            {"name": "a", "definition": "m", "symbol": "s"},
            {"symbol": ["Symbols are not supported."]},
            None,
        ),
        (
            "project_code_create",
            {"code": "A", "responsible": 99},
            {"responsible": ['Invalid pk "99" - object does not exist.']},
            "related-object-exists",
        ),
        (
            "project_code_metadata_update",
            {"metadata": "text"},
            {"metadata": ["Metadata must be a python dict object"]},
            "metadata-is-object",
        ),
        (
            "news_destroy",
            None,
            {"non_field_errors": ["List of items or filters must be provided for bulk deletion"]},
            "bulk-delete-selection",
        ),
        (
            "machine_create",
            {"name": "M", "machine_type": "t", "driver": "d"},
            {"name": ["Machine config with this Name already exists."], "driver": ["This field may not be blank."]},
            None,
        ),
        ("project_code_create", {"code": "abc"}, {"code": ["This field may not be blank."]}, None),  # not blank
        ("project_code_create", {"code": "abc"}, {"description": ["Descriptions cannot be changed."]}, None),
        ("project_code_create", {"code": "abc"}, {"code": "already exists"}, "unique-value"),
        ("units_create", {"name": "a", "definition": "m"}, {"detail": "Something else"}, None),
        ("project_code_metadata_update", {"metadata": {"a": 1}}, {"metadata": ["bad"]}, None),  # it is an object
    ],
)
def test_400_for_valid_data_is_dropped_only_under_a_named_rule(
    operation: str, sent: Any, errors: dict[str, Any], rule: str | None
) -> None:
    path = {"id": 1} if "metadata" in operation else None
    request = case(operation, body=sent, path_parameters=path) if sent is not None else case(operation)
    assert rules.explain(REFUSED, request, answer(request, 400, errors)) == rule


def test_other_refusals_and_failures_are_kept() -> None:
    request = case("project_code_create", body={"code": "PRJ-001"})
    duplicate = {"code": ["Project code with this Code already exists."]}
    assert rules.explain(REFUSED, request, answer(request, 409, duplicate)) is None
    assert (
        rules.explain(REFUSED, request, answer(request, 400, content=b"<h1>Bad Request</h1>", content_type="text/html"))
        is None
    )
    assert rules.explain(REFUSED, request, answer(request, 400, {})) is None
    server_error = ServerError(operation="op", status_code=500)
    assert rules.explain(server_error, request, answer(request, 500, duplicate)) is None


def test_the_catch_alls_own_allow_is_inventree_behaviour() -> None:
    mismatch = AllowHeaderMismatch(
        operation="POST /api/machine/{id}/restart/",
        allow_header="GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        missing_methods=[],
        undocumented_methods=["DELETE", "GET", "PATCH", "PUT"],
        message="Undocumented methods advertised: DELETE, GET, PATCH, PUT",
    )
    request = case("machine_restart_create", path_parameters={"id": "0"})
    catch_all = {"detail": "API endpoint not found", "url": "http://127.0.0.1/api/machine/0/restart/"}
    assert rules.explain(mismatch, request, answer(request, 404, catch_all)) == "catch-all-allow"
    assert rules.explain(mismatch, request, answer(request, 405, {"detail": 'Method "PUT" not allowed.'})) is None
    assert rules.explain(mismatch, request, answer(request, 404, {"detail": "Not found."})) is None


def negative(operation: str, *locations: ParameterLocation, **kwargs: Any) -> Any:
    """A request Schemathesis generated as invalid in `locations`."""
    components = {location: ComponentInfo(mode=GenerationMode.NEGATIVE) for location in locations}
    data = FuzzingPhaseData(description=None, parameter=None, parameter_location=None, location=None)
    meta = CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=GenerationMode.NEGATIVE),
        components=components,
        phase=PhaseInfo(name=TestPhase.FUZZING, data=data),
    )
    return case(operation, _meta=meta, **kwargs)


@pytest.mark.parametrize(
    ("request_", "rule"),
    [
        (negative("project_code_create", ParameterLocation.BODY, body={"code": 12345}), rules.DRF_COERCION),
        (
            negative("project_code_create", ParameterLocation.BODY, body={"code": " " * 3 + "x" * 50}),
            rules.DRF_COERCION,
        ),
        (negative("project_code_create", ParameterLocation.BODY, body={"code": "x" * 51}), None),
        (negative("project_code_create", ParameterLocation.BODY, body={"code": False}), None),
        (negative("project_code_create", ParameterLocation.BODY, body=["code"]), None),
        (negative("project_code_list", ParameterLocation.QUERY, query={"limit": "many"}), rules.IGNORED_QUERY),
        (negative("project_code_retrieve", ParameterLocation.PATH, path_parameters={"id": "abc"}), None),
        (
            negative(
                "notifications_partial_update", ParameterLocation.BODY, path_parameters={"id": 1}, body={"read": "yes"}
            ),
            rules.DRF_COERCION,
        ),
    ],
)
def test_accepted_invalid_data_is_dropped_only_when_drf_reads_it_as_valid(request_: Any, rule: str | None) -> None:
    assert rules.explain(ACCEPTED, request_, answer(request_, 201, {"pk": 1})) == rule


def test_the_hook_counts_what_it_drops() -> None:
    ledger = rules.Ledger()
    hook = rules.failure_filter(ledger)
    request = case("project_code_create", body={"code": "PRJ-001"})
    duplicate = answer(request, 400, {"code": ["Project code with this Code already exists."]})
    assert hook(None, REFUSED, request, duplicate) is False  # type: ignore[arg-type]
    assert hook(None, REFUSED, request, answer(request, 400, {"x": ["y"]})) is True  # type: ignore[arg-type]
    assert ledger.counts == {"unique-value": 1}
    assert set(rules.reasons()) >= {rule.name for rule in rules.BUSINESS_RULES} | {rules.DRF_COERCION}
