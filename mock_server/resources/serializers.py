"""Request data cleaned the way a Django REST Framework serializer cleans it, driven by the spec.

No library reproduces DRF's field semantics outside Django, so coercion is written here: numbers
become strings for text fields (`{"code": 12345}` stores "12345"), "1"/"yes"/"on" are booleans,
read-only and unknown fields are ignored, and every message is DRF's own wording. Constraints the
schema can state (maxLength, minimum, pattern, ...) are then checked as DRF's field validators
check them (MaxLengthValidator, MinValueValidator, RegexValidator, ...), each compiled once per
field: a generic JSON Schema validator walked the schema anew for every request, a fifth of a
create's cost, to evaluate these few one-line rules.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from drf.values import FALSE_VALUES, INTEGER_SUFFIX, NULL_VALUES, TRUE_VALUES, WEB_URL
from mock_server.pipeline.bodies import FormFields, UploadedFile
from mock_server.pipeline.errors import FieldErrors, ValidationError
from mock_server.resources.cleaning import CLEANED, NOTES, clean_mixin
from mock_server.resources.declarations import MODEL_DEFAULT, NOT_BLANK

RelationCheck = Callable[[str, int], bool]
MISSING = object()

SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"

DATETIME_HELP = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


class FieldError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def writable_properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The properties a client may send: DRF ignores read-only ones in requests."""
    return {name: prop for name, prop in schema.get("properties", {}).items() if not prop.get("readOnly")}


class Serializer:
    """A DRF serializer for one body schema, compiled once: its writable fields, required ones and constraints."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.properties = writable_properties(schema)
        self.required = frozenset(name for name in schema.get("required", []) if name in self.properties)
        self.notes = frozenset(name for name, prop in self.properties.items() if prop.get(NOTES))
        self._validators = {
            name: checks for name, prop in self.properties.items() if (checks := field_validators(prop))
        }

    def clean(
        self, data: Any, *, partial: bool, is_form: bool = False, relation_exists: RelationCheck | None = None
    ) -> dict[str, Any]:
        """Validate and coerce `data`; raise a DRF 400 listing every bad field."""
        if data is None:
            raise ValidationError({"non_field_errors": ["No data provided"]})
        if not isinstance(data, Mapping):
            raise ValidationError({"non_field_errors": [_not_a_dict(data)]})
        if self.schema.get(CLEANED):
            data = clean_mixin(data, notes_fields=self.notes, is_form=is_form)
        required = self.required
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        # Field by field, in the serializer's order: DRF runs each field's parsing, then its validators,
        # so the errors of a 400 come in field order.
        for name, prop in self.properties.items():
            raw = _raw_value(data, name, prop, is_form)
            if raw is MISSING:
                if is_form and _type(prop) == "boolean" and not partial:
                    # An unticked HTML checkbox is not sent: DRF reads it as the field's default, else False.
                    cleaned[name] = prop.get(MODEL_DEFAULT, False)
                elif partial:
                    continue
                elif name in required:
                    # DRF's file fields word a missing upload their own way.
                    errors[name] = ["No file was submitted." if prop.get("x-mock-file") else "This field is required."]
                elif "default" in prop:
                    cleaned[name] = prop["default"]
                continue
            try:
                cleaned[name] = _coerce(
                    raw,
                    prop,
                    required=name in required or bool(prop.get(NOT_BLANK)),
                    is_form=is_form,
                    relations=relation_exists,
                )
            except FieldError as error:
                errors[name] = [error.message]
                continue
            for check in self._validators.get(name, ()):
                message = check(cleaned[name])
                if message is not None:
                    errors[name] = [message]
                    del cleaned[name]
                    break
        if errors:
            raise FieldErrors(errors, valid=cleaned, order=tuple(self.properties))
        return cleaned


def clean(
    data: Any,
    schema: Mapping[str, Any],
    *,
    partial: bool,
    is_form: bool = False,
    relation_exists: RelationCheck | None = None,
) -> dict[str, Any]:
    """Validate and coerce `data` against an object schema (compiled for this one call)."""
    return Serializer(schema).clean(data, partial=partial, is_form=is_form, relation_exists=relation_exists)


def _raw_value(data: Mapping[str, Any], name: str, prop: Mapping[str, Any], is_form: bool) -> Any:
    if is_form and isinstance(data, FormFields):
        if _type(prop) == "array":
            values = data.get_list(name)
            return values if values else MISSING
        if _type(prop) == "object" and name not in data:
            nested = {key[len(name) + 1 :]: value for key, value in data.items() if key.startswith(name + ".")}
            return nested if nested else MISSING
    return data.get(name, MISSING)


def _type(prop: Mapping[str, Any]) -> str | None:
    if "type" in prop:
        return str(prop["type"])
    for part in prop.get("allOf", []):
        if "type" in part:
            return str(part["type"])
    return None


def _nullable(prop: Mapping[str, Any]) -> bool:
    return bool(prop.get("nullable") or any(p.get("nullable") for p in prop.get("allOf", [])))


def _enum(prop: Mapping[str, Any]) -> list[Any] | None:
    if "enum" in prop:
        return list(prop["enum"])
    for part in prop.get("allOf", []):
        if "enum" in part:
            return list(part["enum"])
    return None


def _coerce(
    value: Any, prop: Mapping[str, Any], *, required: bool, is_form: bool, relations: RelationCheck | None
) -> Any:
    kind = _type(prop)
    nullable = _nullable(prop)
    # DRF's RelatedField.run_validation turns "" into None, in JSON bodies as in forms.
    blank_relation = value == "" and bool(prop.get("x-mock-relation"))
    if value is None or blank_relation or (is_form and value == "" and nullable and kind != "string"):
        if nullable:
            return None
        raise FieldError("This field may not be null.")
    if prop.get("x-mock-file"):
        return _file(value)
    if prop.get("x-mock-relation"):
        return _relation(value, str(prop["x-mock-relation"]), relations)
    if prop.get("x-mock-text"):
        return _text(value)
    choices = _enum(prop)
    if choices is not None:
        return _choice(value, choices, allow_blank=not required)
    if kind == "string":
        return _string(value, prop, allow_blank=not required)
    if kind == "integer":
        return _integer(value)
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return _boolean(value, nullable)
    if kind == "array":
        return _list(value, prop, is_form=is_form, relations=relations)
    if kind == "object":
        return _dict(value)
    return _json_value(value)


def _string(value: Any, prop: Mapping[str, Any], *, allow_blank: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("Not a valid string.")
    text = str(value).strip()
    if text == "":
        if allow_blank:
            return ""
        raise FieldError("This field may not be blank.")
    _check_characters(text)
    fmt = prop.get("format")
    if fmt == "uri" and not WEB_URL.match(text):
        raise FieldError("Enter a valid URL.")
    if fmt == "date-time":
        return _datetime(text)
    if fmt == "uuid":
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise FieldError("Must be a valid UUID.") from None
    return text


def _text(value: Any) -> str:
    """InvenTree's SettingsValueField: any value is kept as `str(value)`, Python's spelling ("True")."""
    if isinstance(value, UploadedFile):
        raise FieldError("Not a valid string.")
    text = str(value)
    _check_characters(text)
    return text


def _check_characters(text: str) -> None:
    if "\x00" in text:
        raise FieldError("Null characters are not allowed.")
    for char in text:
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise FieldError(f"Surrogate characters are not allowed: U+{ord(char):X}.")


def _datetime(text: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(f"Datetime has wrong format. Use one of these formats instead: {DATETIME_HELP}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # Django makes naive input aware in the server's zone (UTC)
    return format_datetime(parsed)


def format_datetime(value: dt.datetime) -> str:
    """DRF's rendering of an aware datetime: ISO 8601, `Z` for UTC."""
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _integer(value: Any) -> int:
    if isinstance(value, str) and len(value) > 1000:
        raise FieldError("String value too large.")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("A valid integer is required.")
    try:
        return int(INTEGER_SUFFIX.sub("", str(value)))
    except ValueError:
        raise FieldError("A valid integer is required.") from None


def _number(value: Any) -> float:
    if isinstance(value, str) and len(value) > 1000:
        raise FieldError("String value too large.")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("A valid number is required.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise FieldError("A valid number is required.") from None
    if not math.isfinite(number):
        raise FieldError("A valid number is required.")
    return number


def _boolean(value: Any, nullable: bool) -> bool | None:
    try:
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        if nullable and value in NULL_VALUES:
            return None
    except TypeError:  # unhashable (a list or an object)
        pass
    raise FieldError("Must be a valid boolean.")


def _choice(value: Any, choices: list[Any], *, allow_blank: bool) -> Any:
    if value == "" and allow_blank:
        return ""
    by_text = {str(choice): choice for choice in choices}
    try:
        return by_text[str(value)]
    except KeyError:
        raise FieldError(f'"{value}" is not a valid choice.') from None


def _relation(value: Any, table: str, relations: RelationCheck | None) -> int:
    """DRF's PrimaryKeyRelatedField: the value is looked up as Django's IntegerField prepares it.

    That is `int(value)`: a float is truncated (1.5 finds pk 1), a text must be an integer's digits
    (" 1 " finds pk 1, "1.0" is the wrong type); a pk that finds nothing names the value as sent.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError(f"Incorrect type. Expected pk value, received {type(value).__name__}.")
    try:
        pk = int(value)
    except ValueError:
        raise FieldError(f"Incorrect type. Expected pk value, received {type(value).__name__}.") from None
    except OverflowError:  # an infinite float (form data "inf"): no object has that pk
        raise FieldError(f'Invalid pk "{value}" - object does not exist.') from None
    if relations is not None and not relations(table, pk):
        raise FieldError(f'Invalid pk "{value}" - object does not exist.')
    return pk


def _list(value: Any, prop: Mapping[str, Any], *, is_form: bool, relations: RelationCheck | None) -> list[Any]:
    if isinstance(value, (str, Mapping)) or not isinstance(value, list):
        raise FieldError(f'Expected a list of items but got type "{type(value).__name__}".')
    item_schema = prop.get("items") or {}
    try:
        return [_coerce(v, item_schema, required=True, is_form=is_form, relations=relations) for v in value]
    except FieldError as error:
        raise FieldError(error.message) from None


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(f'Expected a dictionary of items but got type "{type(value).__name__}".')
    return {str(k): _json_value(v) for k, v in value.items()}


def _json_value(value: Any) -> Any:
    """Any JSON value; strings are checked for what cannot be stored or sent back."""
    if isinstance(value, str):
        _check_characters(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_characters(str(key))
            _json_value(item)
    elif isinstance(value, list):
        for item in value:
            _json_value(item)
    elif isinstance(value, UploadedFile):
        raise FieldError("Value must be valid JSON.")
    return value


def _file(value: Any) -> UploadedFile:
    if not isinstance(value, UploadedFile):
        raise FieldError("The submitted data was not a file. Check the encoding type on the form.")
    if not value.filename:
        raise FieldError("No filename could be determined.")
    if not value.content:
        raise FieldError("The submitted file is empty.")
    return value


def _not_a_dict(data: Any) -> str:
    return f"Invalid data. Expected a dictionary, but got {type(data).__name__}."


FieldValidator = Callable[[Any], "str | None"]


def field_validators(prop: Mapping[str, Any]) -> list[FieldValidator]:
    """DRF's validators for a field's length, range and pattern rules, in that order; each gives a message or None."""
    checks: list[FieldValidator] = []

    def is_number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if "maxLength" in prop:
        most = prop["maxLength"]
        checks.append(
            lambda v: (
                f"Ensure this field has no more than {most} characters."
                if isinstance(v, str) and len(v) > most
                else None
            )
        )
    if "minLength" in prop:
        least = prop["minLength"]
        checks.append(
            lambda v: (
                f"Ensure this field has at least {least} characters." if isinstance(v, str) and len(v) < least else None
            )
        )
    if "maximum" in prop:
        top = prop["maximum"]
        checks.append(
            lambda v: f"Ensure this value is less than or equal to {top}." if is_number(v) and v > top else None
        )
    if "minimum" in prop:
        bottom = prop["minimum"]
        checks.append(
            lambda v: (
                f"Ensure this value is greater than or equal to {bottom}." if is_number(v) and v < bottom else None
            )
        )
    if "pattern" in prop:
        regex = re.compile(prop["pattern"])
        wrong = (
            'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
            if prop["pattern"] == SLUG_PATTERN
            else "This value does not match the required pattern."
        )
        checks.append(lambda v: wrong if isinstance(v, str) and not regex.search(v) else None)
    if "maxItems" in prop:
        items_most = prop["maxItems"]
        checks.append(
            lambda v: (
                f"Ensure this field has no more than {items_most} elements."
                if isinstance(v, list) and len(v) > items_most
                else None
            )
        )
    if "minItems" in prop:
        items_least = prop["minItems"]
        checks.append(
            lambda v: (
                f"Ensure this field has at least {items_least} elements."
                if isinstance(v, list) and len(v) < items_least
                else None
            )
        )
    return checks


def now_text() -> str:
    """The current time as DRF renders it."""
    return format_datetime(dt.datetime.now(dt.UTC))
