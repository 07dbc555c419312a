"""InvenTree's cleaning of request text (CleanMixin), where the checks and rules reason about text values.

Each test sends what a real InvenTree 0.18 answered in a run against it: control characters removed
before DRF measures or stores the value, HTML tags refused, and the views that do not clean left alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.core.parameters import ParameterLocation

from contract_tests.checks import rules, serializer, state
from tests.contract_tests.recorded import answer, case, context
from tests.contract_tests.test_rules import ACCEPTED, REFUSED, negative


@pytest.mark.parametrize(
    ("operation", "path", "sent", "answered"),
    [
        # POST /api/project-code/ code sent "úË2\x1f\x03â7%", answered without the two controls
        (
            "project_code_create",
            None,
            {"code": "\u00fa\u00cb2\x1f\x03\u00e27%"},
            {"pk": 9, "code": "\u00fa\u00cb2\u00e27%"},
        ),
        ("units_partial_update", {"id": 1}, {"symbol": "\u00bd\u00d3@\x10"}, {"pk": 1, "symbol": "\u00bd\u00d3@"}),
        (
            "machine_partial_update",
            {"id": "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"},
            {"name": "x\x99\u00d5\x05"},
            {"name": "x\u00d5"},
        ),
        ("news_partial_update", {"id": 1}, {"author": "\x9f_v\u00be"}, {"pk": 1, "author": "_v\u00be"}),
    ],
)
def test_an_answer_without_the_characters_inventree_removes_reflects_the_request(
    operation: str, path: dict[str, Any] | None, sent: dict[str, Any], answered: dict[str, Any]
) -> None:
    request = case(operation, body=sent, path_parameters=path)
    status = 201 if operation.endswith("create") else 200
    assert state.answer_reflects_request(context(), answer(request, status, answered), request) is None


def test_a_server_that_keeps_them_still_reflects_the_request() -> None:
    """A server that does not clean (the mock, an InvenTree before CleanMixin) stores the text as sent."""
    request = case("project_code_create", body={"code": "A\x1fB"})
    assert state.answer_reflects_request(context(), answer(request, 201, {"pk": 9, "code": "A\x1fB"}), request) is None


def test_a_real_difference_is_shown_with_the_invisible_characters_escaped() -> None:
    request = case("project_code_create", body={"code": "AB\x1fC"})
    response = answer(request, 201, {"pk": 9, "code": "AB"})
    with pytest.raises(AssertionError) as failure:
        state.answer_reflects_request(context(), response, request)
    message = str(failure.value)
    assert "sent 'AB\\x1fC', answered 'AB', expected 'AB\\x1fC' or 'ABC'" in message


def test_a_view_that_does_not_clean_is_held_to_the_text_as_sent() -> None:
    assert not serializer.cleans("search_create")
    assert serializer.cleaned({"search": "a\x01"}, "search_create") == {"search": "a\x01"}
    assert serializer.cleaned({"code": " a\x01 ", "metadata": {"k": "\x02v"}}, "project_code_create") == {
        "code": "a",
        "metadata": {"k": "v"},
    }


@pytest.mark.parametrize(
    ("operation", "path", "sent", "errors", "rule"),
    [
        # units name=%11 (run 1): blank once the control character is gone
        (
            "units_create",
            None,
            {"name": "\x11", "definition": "m"},
            {"name": ["This field may not be blank."]},
            "not-blank",
        ),
        (
            "machine_update",
            {"id": "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"},
            {"name": "\x15\x06\x96"},
            {"name": ["This field may not be blank."]},
            "not-blank",
        ),
        # the search view reads its text raw: a control character is not blank there
        ("search_create", None, {"search": "\x11"}, {"search": ["This field may not be blank."]}, None),
        (
            "project_code_create",
            None,
            {"code": "<b>C</b>"},
            {"code": ["Remove HTML tags from this value"]},
            "no-html-tags",
        ),
        (
            "project_code_create",
            None,
            {"code": "C", "description": "<i>x</i>"},
            {"description": ["Remove HTML tags from this value"]},
            "no-html-tags",
        ),
        # tags in another field than the one named: not what InvenTree does
        (
            "project_code_create",
            None,
            {"code": "<b>C</b>"},
            {"description": ["Remove HTML tags from this value"]},
            None,
        ),
        ("project_code_create", None, {"code": "plain"}, {"code": ["Remove HTML tags from this value"]}, None),
        ("locate_create", None, {"plugin": "<b>p</b>"}, {"plugin": ["Remove HTML tags from this value"]}, None),
    ],
)
def test_refusals_of_cleaned_text_are_explained_by_named_rules(
    operation: str, path: dict[str, Any] | None, sent: dict[str, Any], errors: dict[str, Any], rule: str | None
) -> None:
    request = case(operation, body=sent, path_parameters=path)
    assert rules.explain(REFUSED, request, answer(request, 400, errors)) == rule


def test_a_value_that_fits_once_cleaned_may_be_accepted() -> None:
    """PATCH project code `code` of 51 characters, 2 of them C1 controls: 49 once cleaned, accepted (run 1 #45)."""
    code = "!\u00e9\x82x\u00ea\x8eg" + "*" * 44
    assert len(code) == 51
    accepted = negative(
        "project_code_partial_update", ParameterLocation.BODY, path_parameters={"id": 1}, body={"code": code}
    )
    assert rules.explain(ACCEPTED, accepted, answer(accepted, 200, {"pk": 1})) == rules.DRF_COERCION
    too_long = negative(
        "project_code_partial_update", ParameterLocation.BODY, path_parameters={"id": 1}, body={"code": "x" * 51}
    )
    assert rules.explain(ACCEPTED, too_long, answer(too_long, 200, {"pk": 1})) is None


def test_a_non_object_sent_as_a_form_is_a_form_without_fields() -> None:
    """Schemathesis sends `[]` as a nameless multipart part: Django reads no fields, a valid partial update."""
    request = negative(
        "units_partial_update",
        ParameterLocation.BODY,
        path_parameters={"id": 1},
        body=[],
        media_type="multipart/form-data",
    )
    assert rules.explain(ACCEPTED, request, answer(request, 200, {"pk": 1})) == rules.DRF_COERCION
    create = negative("units_create", ParameterLocation.BODY, body=[], media_type="multipart/form-data")
    assert rules.explain(ACCEPTED, create, answer(create, 201, {"pk": 1})) is None  # required fields missing


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"search": True}, rules.SEARCH_READS_BY_HAND),
        ({"search": "M3", "search_regex": ["x"]}, rules.SEARCH_READS_BY_HAND),
        ({"search_regex": ["x"]}, None),  # without `search` InvenTree refuses (InvenTree/api.py:517)
        (["search"], None),
    ],
)
def test_search_accepts_what_it_never_reads(body: Any, rule: str | None) -> None:
    request = negative("search_create", ParameterLocation.BODY, body=body)
    assert rules.explain(ACCEPTED, request, answer(request, 200, {})) == rule


@pytest.mark.parametrize(
    ("body", "media_type", "rule"),
    [
        # run against InvenTree 0.18: multipart `action=""` without `data` -> 200 {"error": "No matching action found"}
        ({"action": ""}, "multipart/form-data", rules.ACTION_READS_BY_HAND),
        ({"data": 5}, "application/json", rules.ACTION_READS_BY_HAND),
        ([], "application/json", None),  # the view calls .get on it: a 500, never an acceptance to explain
    ],
)
def test_the_action_view_accepts_what_it_never_reads(body: Any, media_type: str, rule: str | None) -> None:
    request = negative("action_create", ParameterLocation.BODY, body=body, media_type=media_type)
    assert rules.explain(ACCEPTED, request, answer(request, 200, {"error": "No action specified"})) == rule
