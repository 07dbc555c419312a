"""What a DRF serializer would accept and store for a request, as far as the checks need it.

A schema says what a client may send; DRF decides what a server accepts, and it is more lenient
than the schema: `CharField` takes a number and stores `str(number)`, trims whitespace, `IntegerField`
takes `"12"` and `12.0`, `BooleanField` takes `"yes"`, `"on"`, `1`, unknown and read-only fields are
ignored (shared facts: "Values are coerced the DRF way"). No library models DRF's parsing outside
Django, so the rules below apply DRF's `fields.py` (`to_internal_value` of each field type), with the
value words shared with the mock in the `drf` package.
JSON Schema validation itself is openapi-schema-validator's.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from drf.text import HtmlTagsFound, clean_data
from drf.values import FALSE_VALUES, INTEGER_SUFFIX, TRUE_VALUES, WEB_URL

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
DOCUMENT_URI = "urn:inventree-contract"

# The operations whose InvenTree view cleans the request before its serializer sees it: the views built
# on InvenTree's CleanMixin (InvenTree/mixins.py:16-119: ListCreateAPI, CreateAPI, RetrieveUpdateAPI,
# RetrieveUpdateDestroyAPI, UpdateAPI), whose `create`/`update` call `clean_data(request.data)`. Each
# string loses its non-printable characters and surrounding space and is refused if it holds HTML tags
# (drf.text), before DRF checks `max_length` or blankness. Search, locate, action plugins, the login
# e-mail, webhooks and the currency refresh are plain APIViews or GenericAPIViews: they read raw values.
CLEANED_OPERATIONS = frozenset(
    {
        # common/api.py:500-535 ProjectCodeList/Detail, CustomUnitList/Detail
        *(f"{family}_{write}" for family in ("project_code", "units") for write in ("update", "partial_update")),
        "project_code_create",
        "units_create",
        # common/api.py:414-419, 455-456, 584-589 NotificationDetail, NewsFeedEntryDetail, ErrorMessageDetail
        *(
            f"{family}_{write}"
            for family in ("notifications", "news", "error_report")
            for write in ("update", "partial_update")
        ),
        # common/api.py:482-487 NotesImageList (ListCreateAPI)
        "notes_image_upload_create",
        # InvenTree/api.py:565 MetadataView (RetrieveUpdateAPI); clean_data recurses into the metadata object
        "project_code_metadata_update",
        "project_code_metadata_partial_update",
        # machine/api.py:18-56, 106-136 MachineList, MachineDetail, MachineSettingDetail
        "machine_create",
        *(f"machine_{write}" for write in ("update", "partial_update")),
        *(f"machine_settings_{write}" for write in ("update", "partial_update")),
    }
)


class Rejected(Exception):
    """DRF would answer 400 for this value."""


def resolve(schema: Any, document: Mapping[str, Any]) -> Any:
    """Follow `$ref`s into `document` until a schema object that is not a reference."""
    seen = 0
    while isinstance(schema, Mapping) and "$ref" in schema and seen < 32:
        schema = _resolver(document).lookup(DOCUMENT_URI + schema["$ref"]).contents
        seen += 1
    return schema


def properties(schema: Any, document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The properties of an object schema, `allOf` merged, each resolved one level."""
    schema = resolve(schema, document)
    found: dict[str, dict[str, Any]] = {}
    if not isinstance(schema, Mapping):
        return found
    for part in schema.get("allOf", []):
        found.update(properties(part, document))
    for name, value in (schema.get("properties") or {}).items():
        found[name] = _flatten(value, document)
    return found


def _flatten(schema: Any, document: Mapping[str, Any]) -> dict[str, Any]:
    """A property schema with a lone `allOf: [$ref]` merged in (drf-spectacular writes enums that way)."""
    schema = dict(resolve(schema, document) or {})
    parts = schema.pop("allOf", None)
    if isinstance(parts, list) and len(parts) == 1:
        merged = dict(resolve(parts[0], document) or {})
        merged.update(schema)
        return merged
    if parts is not None:
        schema["allOf"] = parts
    return dict(schema)


def is_writable(schema: Mapping[str, Any]) -> bool:
    return not schema.get("readOnly", False)


# InvenTree's SettingsValueField (common/serializers.py): any value is taken, as `str(value)`
# ("" for null), whatever type the schema gives the field; the setting's own type judges it later.
TEXT_VALUE_FIELDS = {
    "machine_settings_update": frozenset({"value"}),
    "machine_settings_partial_update": frozenset({"value"}),
}


def cleans(operation_id: str) -> bool:
    """Whether InvenTree's view for this operation cleans request text first (see CLEANED_OPERATIONS)."""
    return operation_id in CLEANED_OPERATIONS


def cleaned(body: Any, operation_id: str) -> Any:
    """The request body as InvenTree's view hands it to the serializer; Rejected when it refuses HTML tags."""
    if not cleans(operation_id) or not isinstance(body, Mapping):
        return body
    try:
        return clean_data(body)
    except HtmlTagsFound as refused:
        raise Rejected(str(refused)) from None


def accepts(
    body: Any,
    schema: Any,
    document: Mapping[str, Any],
    *,
    partial: bool,
    media_type: str | None,
    operation_id: str = "",
) -> bool:
    """Whether DRF would accept `body` for a serializer described by `schema` (True = a 2xx is legitimate).

    `operation_id` names the operation, so that text is cleaned first where InvenTree's view cleans it
    (`CLEANED_OPERATIONS`) and a field that takes any value as its text is read so (`TEXT_VALUE_FIELDS`).
    """
    text_fields = TEXT_VALUE_FIELDS.get(operation_id, frozenset())
    form = media_type in FORM_MEDIA_TYPES
    if form:
        # A form carries named fields only: a body that is not an object (Schemathesis sends `[]` as a
        # multipart part without a name) reaches Django as a form without fields.
        body = (
            {key: form_value(value) for key, value in body.items() if value is not None}
            if isinstance(body, Mapping)
            else {}
        )
    if not isinstance(body, Mapping):
        return False
    try:
        body = cleaned(body, operation_id)
    except Rejected:
        return False
    fields = properties(schema, document)
    coerced: dict[str, Any] = {}
    if form and not partial:
        # An unticked HTML checkbox is not sent: DRF reads a missing boolean of a form as False.
        coerced = {
            name: False for name, field in fields.items() if field.get("type") == "boolean" and is_writable(field)
        }
    try:
        for name, value in body.items():
            field = fields.get(name)
            if field is None or not is_writable(field):
                continue  # DRF ignores unknown and read-only fields
            if name in text_fields:
                coerced[name] = "" if value is None else str(value)
                continue
            coerced[name] = to_internal_value(value, field)
    except Rejected:
        return False
    resolved = dict(resolve(schema, document))
    required = [name for name in resolved.get("required", []) if is_writable(fields.get(name, {}))]
    resolved["required"] = [] if partial else required
    if not resolved["required"]:
        del resolved["required"]
    return bool(validator(resolved, document, write=True).is_valid(coerced))


def to_internal_value(value: Any, field: Mapping[str, Any]) -> Any:
    """The value DRF stores for `value` in a field of this schema; raises Rejected when DRF answers 400."""
    if value is None:
        if field.get("nullable"):
            return None
        raise Rejected("This field may not be null.")
    kind = field.get("type")
    if "enum" in field:
        # ChoiceField looks the value up by its string form
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return value if isinstance(value, str) else str(value)
        raise Rejected('"value" is not a valid choice.')
    if kind == "string":
        return _string(value, field)
    if kind == "integer":
        return _integer(value, relation=bool(field.get("nullable")))
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return _boolean(value)
    return value


def normalized(value: Any, field: Mapping[str, Any]) -> Any:
    """What a server that accepted `value` must store for it, or `Rejected` when that cannot be told."""
    if (
        field.get("format")
        or field.get("type") not in ("string", "integer", "number", "boolean")
        or any(key in field for key in ("anyOf", "oneOf"))
    ):
        # dates (in any of their spellings), URLs and files are stored in the server's own spelling
        raise Rejected("not comparable")
    return to_internal_value(value, field)


def _string(value: Any, field: Mapping[str, Any]) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Rejected("Not a valid string.")
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        raise Rejected("Null characters are not allowed.")
    if is_datetime(field):
        try:
            datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise Rejected("Datetime has wrong format.") from None
        return "2000-01-01T00:00:00Z"  # parsed: any valid spelling stands for it
    if field.get("format") == "uri" and not WEB_URL.match(text.strip()):
        raise Rejected("Enter a valid URL.")
    return text.strip()


def is_datetime(field: Mapping[str, Any]) -> bool:
    """A date-time field: `format: date-time`, or an `anyOf` of its spellings (as InvenTree renders them)."""
    branches = [field, *field.get("anyOf", []), *field.get("oneOf", [])]
    return any(isinstance(branch, Mapping) and branch.get("format") == "date-time" for branch in branches)


def _integer(value: Any, *, relation: bool = False) -> int:
    """IntegerField's reading; a nullable integer is a relation, whose pk lookup truncates a float (Django's int())."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Rejected("A valid integer is required.")
    if isinstance(value, int):
        return value
    if relation and isinstance(value, float) and math.isfinite(value):
        return int(value)
    try:
        return int(INTEGER_SUFFIX.sub("", str(value)))
    except ValueError:
        raise Rejected("A valid integer is required.") from None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Rejected("A valid number is required.")
    try:
        return float(value)
    except ValueError:
        raise Rejected("A valid number is required.") from None


def _boolean(value: Any) -> bool:
    try:
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
    except TypeError:  # unhashable: a list or an object
        pass
    raise Rejected("Must be a valid boolean.")


def form_value(value: Any) -> Any:
    """The text a form field arrives as (of repeated values DRF's QueryDict reads the last)."""
    if isinstance(value, list):
        value = value[-1] if value else ""
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def validator(
    schema: Mapping[str, Any], document: Mapping[str, Any], *, write: bool = False, formats: bool = False
) -> OAS30Validator:
    """An OpenAPI 3.0 schema validator whose `#/components/...` references resolve into `document`.

    `formats` also checks `format` (date-time, uuid, ...), as Schemathesis does for answers.
    """
    cls = OAS30WriteValidator if write else OAS30Validator
    # The components travel inside the root schema, so `#/components/...` resolves where it is written.
    root = {**schema, "components": document.get("components", {})}
    checker = oas30_format_checker if formats else None
    return cls(root, registry=_registry(document), format_checker=checker)


def _registry(document: Mapping[str, Any]) -> Registry:
    return _cached_registry(_Identity(document))


def _resolver(document: Mapping[str, Any]) -> Any:
    return _registry(document).resolver(DOCUMENT_URI)


class _Identity:
    """Hashes a document by identity, so one registry serves every check on the same loaded contract."""

    __slots__ = ("document",)

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.document is self.document


@functools.lru_cache(maxsize=8)
def _cached_registry(key: _Identity) -> Registry:
    resource: Resource[Any] = Resource.from_contents(dict(key.document), default_specification=DRAFT4)
    registry: Registry = Registry().with_resource(DOCUMENT_URI, resource)
    return registry
