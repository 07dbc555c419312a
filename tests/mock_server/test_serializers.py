"""DRF field semantics, driven by a schema."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.pipeline.bodies import FormFields
from mock_server.pipeline.errors import ValidationError
from mock_server.resources.serializers import clean

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pk": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "maxLength": 5},
        "note": {"type": "string", "nullable": True},
        "count": {"type": "integer", "minimum": 0},
        "ratio": {"type": "number"},
        "flag": {"type": "boolean"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "when": {"type": "string", "format": "date-time"},
        "link": {"type": "string", "format": "uri"},
        "data": {"type": "object", "additionalProperties": {}},
        "limit": {"type": "integer", "default": 1},
    },
    "required": ["pk", "name"],
}


def errors(data: Any, partial: bool = False, is_form: bool = False) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        clean(data, SCHEMA, partial=partial, is_form=is_form)
    result: dict[str, list[str]] = caught.value.body
    return result


def test_coercion() -> None:
    cleaned = clean(
        {"pk": 9, "name": 123, "count": "7", "ratio": "1.5", "flag": "yes", "kind": "a", "when": "2024-01-02T03:04:05"},
        SCHEMA,
        partial=False,
    )
    assert cleaned == {
        "name": "123",
        "count": 7,
        "ratio": 1.5,
        "flag": True,
        "kind": "a",
        "when": "2024-01-02T03:04:05Z",
        "limit": 1,
    }


def test_integral_floats_and_strings_are_integers() -> None:
    assert clean({"name": "x", "count": 3.0}, SCHEMA, partial=False)["count"] == 3
    assert clean({"name": "x", "count": "3.00"}, SCHEMA, partial=False)["count"] == 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": "toolong"}, {"name": ["Ensure this field has no more than 5 characters."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": ["x"]}, {"name": ["Not a valid string."]}),
        ({"name": "x", "count": "1.5"}, {"count": ["A valid integer is required."]}),
        ({"name": "x", "count": True}, {"count": ["A valid integer is required."]}),
        ({"name": "x", "count": -1}, {"count": ["Ensure this value is greater than or equal to 0."]}),
        ({"name": "x", "ratio": "abc"}, {"ratio": ["A valid number is required."]}),
        ({"name": "x", "flag": "perhaps"}, {"flag": ["Must be a valid boolean."]}),
        ({"name": "x", "kind": "c"}, {"kind": ['"c" is not a valid choice.']}),
        ({"name": "x", "link": "not a url"}, {"link": ["Enter a valid URL."]}),
        ({"name": "x", "data": "text"}, {"data": ['Expected a dictionary of items but got type "str".']}),
        (
            {"name": "x", "when": "yesterday"},
            {
                "when": [
                    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
    ],
)
def test_messages(data: dict[str, Any], expected: dict[str, list[str]]) -> None:
    assert errors(data) == expected


def test_partial_skips_missing_fields_and_defaults() -> None:
    assert clean({"note": None}, SCHEMA, partial=True) == {"note": None}


def test_form_data_booleans_default_to_false_and_blank_nullable_is_null() -> None:
    form = FormFields([("name", "x"), ("count", "")])
    assert errors(form, is_form=True) == {"count": ["A valid integer is required."]}
    cleaned = clean(FormFields([("name", "x"), ("note", "")]), SCHEMA, partial=False, is_form=True)
    assert cleaned["flag"] is False and cleaned["note"] == ""


def test_not_an_object() -> None:
    assert errors([1]) == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    assert errors(None) == {"non_field_errors": ["No data provided"]}
