"""contract_tests/checks/serializer.py: values read the way Django REST Framework reads them."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks import serializer
from spec import load_spec

DOCUMENT = load_spec()
PROJECT_CODE = {"$ref": "#/components/schemas/ProjectCode"}
MACHINE = {"$ref": "#/components/schemas/MachineConfigCreate"}
NEWS = {"$ref": "#/components/schemas/PatchedNewsFeedEntry"}


@pytest.mark.parametrize(
    ("value", "field", "stored"),
    [
        (12345, {"type": "string"}, "12345"),
        (1.5, {"type": "string"}, "1.5"),
        ("  padded  ", {"type": "string"}, "padded"),
        ("12", {"type": "integer"}, 12),
        ("12.00", {"type": "integer"}, 12),
        (12.0, {"type": "integer"}, 12),
        ("yes", {"type": "boolean"}, True),
        (0, {"type": "boolean"}, False),
        ("off", {"type": "boolean"}, False),
        (None, {"type": "string", "nullable": True}, None),
        ("cui", {"type": "string", "enum": ["cui", "pui"]}, "cui"),
    ],
)
def test_values_drf_accepts(value: Any, field: dict[str, Any], stored: Any) -> None:
    assert serializer.to_internal_value(value, field) == stored


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (True, {"type": "string"}),
        (["a"], {"type": "string"}),
        ("a\x00b", {"type": "string"}),
        (None, {"type": "string"}),
        (1.5, {"type": "integer"}),
        (True, {"type": "integer"}),
        ("maybe", {"type": "boolean"}),
        ([1], {"type": "boolean"}),
        (True, {"type": "string", "enum": ["cui"]}),
    ],
)
def test_values_drf_refuses(value: Any, field: dict[str, Any]) -> None:
    with pytest.raises(serializer.Rejected):
        serializer.to_internal_value(value, field)


@pytest.mark.parametrize(
    ("body", "partial", "accepted"),
    [
        ({"code": 12345}, False, True),  # a number where text is expected: stored as "12345"
        ({"code": "x" * 51}, False, False),  # too long
        ({"code": " " + "x" * 50 + " "}, False, True),  # too long only before DRF trims it
        ({"code": True}, False, False),
        ({"description": "no code"}, False, False),  # `code` is required on create
        ({"description": "no code"}, True, True),  # ... but not on a partial update
        ({"code": "a", "pk": "read-only, ignored", "unknown": [1]}, False, True),
        ({"code": "a", "responsible": "7"}, False, True),
        ({"code": "a", "responsible": "seven"}, False, False),
        (["code"], False, False),
    ],
)
def test_whole_bodies(body: Any, partial: bool, accepted: bool) -> None:
    assert serializer.accepts(body, PROJECT_CODE, DOCUMENT, partial=partial, media_type="application/json") is accepted


def test_form_bodies_are_read_as_text() -> None:
    form = "application/x-www-form-urlencoded"
    assert serializer.accepts({"code": True}, PROJECT_CODE, DOCUMENT, partial=False, media_type=form)
    assert serializer.accepts(
        {"name": "m", "machine_type": 1, "driver": ["a", "b"]}, MACHINE, DOCUMENT, partial=False, media_type=form
    )


def test_dates_are_parsed_not_matched() -> None:
    json = "application/json"
    assert serializer.accepts({"published": "2024-01-02"}, NEWS, DOCUMENT, partial=True, media_type=json)
    assert not serializer.accepts({"published": "yesterday"}, NEWS, DOCUMENT, partial=True, media_type=json)


def test_properties_merge_single_allof_references() -> None:
    fields = serializer.properties({"$ref": "#/components/schemas/MachineSetting"}, DOCUMENT)
    assert fields["config_type"]["enum"] == ["M", "D"] and fields["config_type"]["readOnly"] is True


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"detail": "Not found."}, True),
        ({"detail": "API endpoint not found", "url": "http://x/api/nope/"}, True),
        ({"code": ["This field is required."]}, True),
        ({"items": {"0": ["Not a valid integer."]}}, True),
        ({"non_field_errors": ["List of items or filters must be provided for bulk deletion"]}, True),
        ({"non_field_errors": "No items found to delete"}, True),  # a view's own ValidationError({...: "..."})
        ({"code": 5}, False),
        ({"error": 404}, False),
        ({}, False),
        (["Not a valid action."], True),  # a view that raised ValidationError("...")
        ([], False),
        ([{"code": 1}], False),
    ],
)
def test_drf_error_bodies(body: Any, valid: bool) -> None:
    validator = serializer.validator({"$ref": "#/components/schemas/BadRequest"}, DOCUMENT)
    assert validator.is_valid(body) is valid


def test_a_nullable_integer_is_a_relation_read_by_its_pk() -> None:
    relation = {"type": "integer", "nullable": True}
    assert serializer.to_internal_value(5.7, relation) == 5  # Django's int() of the lookup value
    with pytest.raises(serializer.Rejected):
        serializer.to_internal_value(5.7, {"type": "integer"})
    with pytest.raises(serializer.Rejected):
        serializer.to_internal_value(True, relation)


def test_cleanmixin_views_are_judged_on_the_cleaned_body() -> None:
    json = "application/json"
    too_long = {"code": "\x07" + "x" * 50}
    assert not serializer.accepts(too_long, PROJECT_CODE, DOCUMENT, partial=False, media_type=json)
    assert serializer.accepts(
        too_long, PROJECT_CODE, DOCUMENT, partial=False, media_type=json, operation_id="project_code_create"
    )
    html = {"code": "<b>x</b>"}
    assert serializer.accepts(html, PROJECT_CODE, DOCUMENT, partial=False, media_type=json)
    assert not serializer.accepts(
        html, PROJECT_CODE, DOCUMENT, partial=False, media_type=json, operation_id="project_code_create"
    )


def test_a_setting_value_takes_any_json_value_as_its_text() -> None:
    setting = {"$ref": "#/components/schemas/PatchedMachineSetting"}
    json = "application/json"
    assert not serializer.accepts({"value": True}, setting, DOCUMENT, partial=True, media_type=json)
    operation = "machine_settings_partial_update"
    assert serializer.accepts({"value": True}, setting, DOCUMENT, partial=True, media_type=json, operation_id=operation)
