"""Machine settings as InvenTree shows and checks them (`MachineSettingSerializer`, `BaseInvenTreeSetting`).

A written value goes through the model's `full_clean`: the 2000-character limit of the `value`
column, then `clean()`, which converts integer and boolean settings to their native value (an
integer that does not parse falls back to the default, any text that is not a true word is False),
runs the definition's validators and checks the choices. A related-field setting (LOCATION) is
not checked against its model: `clean()` has no rule for it, so any text is stored.
"""

from __future__ import annotations

from typing import Any

from mock_server.pipeline.errors import ValidationError
from mock_server.resources.handlers.machine.tables import MODEL_API_URLS
from mock_server.state.store import Record

MAX_VALUE_LENGTH = 2000
# InvenTree.helpers.str2bool
TRUE_WORDS = frozenset({"1", "y", "yes", "t", "true", "ok", "on"})


def setting_type(definition: dict[str, Any]) -> str:
    """`BaseInvenTreeSetting.setting_type`: a choice setting is a "string" with choices."""
    if definition.get("validator") == "bool":
        return "boolean"
    if definition.get("validator") == "int":
        return "integer"
    if "model" in definition:
        return "related field"
    return "string"


def show_setting(row: Record, definition: dict[str, Any], *, saved: bool = True) -> dict[str, Any]:
    """A setting as `MachineSettingSerializer` renders it.

    `model_name` and `api_url` describe the model a related-field setting points at, and are null
    for every other setting (DRF renders a None attribute as null). A setting never read or written
    by key has no database row on a server yet (`all_settings` lists an unsaved default), so no pk.
    """
    model = definition.get("model")
    return {
        "pk": row["pk"] if saved else None,
        "key": row["key"],
        "value": row["value"],
        "name": definition.get("name", ""),
        "description": definition.get("description", ""),
        "type": setting_type(definition),
        "choices": [{"value": value, "display_name": label} for value, label in definition.get("choices", [])],
        "model_name": model,
        "api_url": MODEL_API_URLS[model] if model else None,
        "typ": "machine_config",
        "required": bool(definition.get("required", False)),
        "config_type": row["config_type"],
    }


def clean_value(raw: str | None, definition: dict[str, Any]) -> str:
    """The value to store for `raw`, or a 400 with the errors `full_clean` would raise."""
    errors: dict[str, list[str]] = {}
    if raw is not None and len(raw) > MAX_VALUE_LENGTH:
        errors["value"] = [f"Ensure this value has at most {MAX_VALUE_LENGTH} characters (it has {len(raw)})."]
    value: Any = raw
    try:
        value = _native(raw, definition)
        _validate(value, definition)
    except _ModelError as error:
        errors.setdefault(error.field, []).append(error.message)
    if errors:
        raise ValidationError(errors)
    # A cleared free-text setting is stored empty; InvenTree renders a missing value as "".
    return "" if value is None else str(value)


class _ModelError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _native(raw: str | None, definition: dict[str, Any]) -> Any:
    kind = definition.get("validator")
    if kind == "int":
        # `as_int`: a value that is not an integer becomes the default.
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return definition.get("default", "")
    if kind == "bool":
        return str(raw).lower() in TRUE_WORDS
    return raw


def _validate(value: Any, definition: dict[str, Any]) -> None:
    if definition.get("validator") == "int":
        # `run_validator(int)` fails only when the default itself is no integer.
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise _ModelError("value", "Value must be an integer value") from None
        # Django's Min/MaxValueValidator raise plain messages, which `full_clean` files under
        # `__all__` and InvenTree's serializer renames `non_field_errors`.
        if "min_value" in definition and number < definition["min_value"]:
            raise _ModelError(
                "non_field_errors", f"Ensure this value is greater than or equal to {definition['min_value']}."
            )
        if "max_value" in definition and number > definition["max_value"]:
            raise _ModelError(
                "non_field_errors", f"Ensure this value is less than or equal to {definition['max_value']}."
            )
    choices = [choice for choice, _label in definition.get("choices", [])]
    if choices and value not in choices:
        raise _ModelError("non_field_errors", "Chosen value is not a valid option")
