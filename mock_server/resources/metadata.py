"""OPTIONS on every endpoint: DRF metadata derived from the contract's schemas.

The InvenTree web UI builds its forms from this, and the official Python client reads it:
`actions.POST` (lists) or `actions.PUT` (details) and `actions.GET`, each mapping a field name to
`type`, `required`, `read_only`, `label`, `help_text`, `max_length`, ... as DRF's SimpleMetadata
does, with InvenTree's extras for related fields (`model`, `api_url`).
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, Permission, View, anyone, json_response
from mock_server.pipeline.errors import APIError
from mock_server.pipeline.preparation import options_operation_id
from mock_server.resources.declarations import COMPUTED_FIELDS, FIELD_FACTS
from mock_server.resources.handlers import Registry
from mock_server.resources.view_facts import VIEWS, ViewFacts
from spec.loader import HTTP_METHODS

PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
RELATED_MODELS = {"owners": ("owner", "/api/user/owner/")}


def register_options(registry: Registry, document: dict[str, Any]) -> None:
    """An OPTIONS view for every path of the prepared contract."""
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        facts = VIEWS.get(path) or _derived_facts(path, item)
        base, described = endpoint_metadata(path, item, schemas, facts)
        permissions = {
            m.upper(): registry.permissions[item[m]["operationId"]]
            for m in HTTP_METHODS
            if m in item and m != "options" and item[m]["operationId"] in registry.permissions
        }
        # InvenTree's determine_actions asks the view for its object before it lists PUT: a missing
        # object, or one the caller may not see, leaves PUT out (InvenTree/metadata.py).
        object_view = registry.views.get(item["get"]["operationId"]) if "put" in item and "get" in item else None
        deletes = facts.model is not None and "delete" in item

        view = OptionsView(base, described, facts, permissions, object_view, deletes=deletes)
        # DRF checks a view's permission classes for OPTIONS as for any method: a path whose view
        # only staff may use (admin config, news, machines, ...) refuses a reader its metadata too.
        registry.add(options_operation_id(path), view, _view_permission(permissions))


class OptionsView:
    """OPTIONS on one path: the view's metadata, with the actions this caller may perform."""

    def __init__(
        self,
        base: dict[str, Any],
        described: dict[str, Any],
        facts: ViewFacts,
        permissions: dict[str, Permission],
        object_view: View | None,
        *,
        deletes: bool,
    ) -> None:
        self.base = base
        self.described = described
        self.facts = facts
        self.permissions = permissions
        self.object_view = object_view
        self.deletes = deletes

    async def __call__(self, call: Call) -> Response:
        shown = dict(self.base)
        if not self.facts.serializer:
            return json_response(shown)
        # DRF lists an action only when the caller would be allowed to perform it.
        actions: dict[str, Any] = {}
        for method, fields in self.described.items():
            if not _allowed(call, method, self.permissions):
                continue
            if method == "PUT" and self.object_view is not None and not await _object_found(self.object_view, call):
                continue
            actions[method] = fields
        if self.deletes:
            # InvenTree adds DELETE by the user's role on the table alone, which the mock's users
            # all pass: superusers, and tables no role guards (InvenTree/metadata.py).
            actions["DELETE"] = {}
        if actions or self.facts.model:
            shown["actions"] = actions
        if self.facts.model:
            shown["model"] = self.facts.model
        return json_response(shown)


async def _object_found(object_view: View, call: Call) -> bool:
    try:
        await object_view(call)
    except APIError:
        return False
    return True


def _view_permission(permissions: dict[str, Permission]) -> Permission:
    """The permission of the path's view, asked for the OPTIONS call itself (GET's, else the first)."""
    if not permissions:
        return anyone
    return permissions.get("GET") or next(iter(permissions.values()))


def _allowed(call: Call, method: str, permissions: dict[str, Any]) -> bool:
    permission = permissions.get(method)
    if permission is None:
        return False
    as_method = copy.copy(call)
    as_method.method = method
    return bool(permission(as_method))


def _derived_facts(path: str, item: dict[str, Any]) -> ViewFacts:
    """A view InvenTree does not have (the mock's extra operations): named after its path."""
    first = next(item[m] for m in HTTP_METHODS if m in item and m != "options")
    tag = (first.get("tags") or [path.strip("/").split("/")[-1]])[0]
    suffix = " Detail" if path.rstrip("/").endswith("}") else " List"
    name = " ".join(word.capitalize() for word in tag.replace("_", "-").split("-")) + suffix
    return ViewFacts(name, first.get("description", ""))


def endpoint_metadata(
    path: str, item: dict[str, Any], schemas: dict[str, Any], facts: ViewFacts
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The metadata every caller gets, and the fields of each action (GET first, as InvenTree lists them)."""
    operations = {m.upper(): item[m] for m in HTTP_METHODS if m in item and m != "options"}
    base: dict[str, Any] = {
        "name": facts.name,
        "description": facts.description,
        "renders": ["application/json"],
        "parses": PARSES,
    }
    described: dict[str, Any] = {}
    if "GET" in operations:
        if facts.fieldless:
            described["GET"] = {}
        elif facts.get_fields is not None:
            described["GET"] = facts.get_fields
        else:
            component = facts.get_component
            schema = schemas[component] if component else None
            if schema is None:
                schema, component = _response_schema(operations["GET"], schemas)
            if schema:
                described["GET"] = fields_info(schema, schemas, component)
    write_method = "PUT" if "PUT" in operations else "POST" if "POST" in operations else None
    if write_method:
        schema, component = _body_schema(operations[write_method], schemas)
        if schema:
            described[write_method] = fields_info(schema, schemas, component)
    return base, described


Resolved = tuple[dict[str, Any] | None, str | None]


def _body_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> Resolved:
    content: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
    media: dict[str, Any] = next(iter(content.values()), {})
    schema = media.get("schema")
    return _resolve(schema, schemas) if schema else (None, None)


def _response_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> Resolved:
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        found = content.get("application/json", {}).get("schema")
        if found:
            schema, component = _resolve(found, schemas)
            # A list answers items: describe one item, as DRF does for list views.
            for variant in schema.get("oneOf", []):
                if variant.get("type") == "array":
                    return _resolve(variant["items"], schemas)
            if schema.get("type") == "array":
                return _resolve(schema["items"], schemas)
            results = schema.get("properties", {}).get("results")
            if results and set(schema["properties"]) >= {"count", "results"}:
                return _resolve(results["items"], schemas)
            return schema, component
    return None, None


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    component = None
    while "$ref" in schema:
        component = schema["$ref"].split("/")[-1]
        schema = schemas[component]
    return schema, component


def fields_info(schema: dict[str, Any], schemas: dict[str, Any], component: str | None = None) -> dict[str, Any]:
    required = set(schema.get("required", []))
    facts = FIELD_FACTS.get(component or "", {})
    computed = COMPUTED_FIELDS.get(component or "", frozenset())
    return {
        name: field_info(name, prop, name in required, schemas, facts=facts.get(name, {}), computed=name in computed)
        for name, prop in schema.get("properties", {}).items()
    }


def field_info(
    name: str,
    prop: dict[str, Any],
    required: bool,
    schemas: dict[str, Any],
    *,
    facts: dict[str, Any] | None = None,
    computed: bool = False,
) -> dict[str, Any]:
    """DRF's SimpleMetadata for one field, with InvenTree's additions (InvenTree/metadata.py).

    DRF never reports `allow_null`, and `min_value`/`max_value` only from the serializer field,
    which the contract's bounds (taken from the model) do not tell apart: neither is given.
    """
    read_only = bool(prop.get("readOnly"))
    target = prop
    if "allOf" in prop:
        target, _ = _resolve(prop["allOf"][0], schemas)
    elif "$ref" in prop:
        target, _ = _resolve(prop, schemas)
    info: dict[str, Any] = {
        "type": "field" if computed else _field_type(prop, target),
        "required": required and not read_only,
        "read_only": read_only,
        "label": prop.get("title") or name.replace("_", " ").capitalize(),
    }
    if prop.get("description") and not computed:
        info["help_text"] = prop["description"]
    for key, drf_key in (("maxLength", "max_length"), ("minLength", "min_length")):
        if key in prop:
            info[drf_key] = prop[key]
    if "default" in prop:
        info["default"] = prop["default"]
    if "enum" in target and not computed:
        info["choices"] = [{"value": v, "display_name": str(v)} for v in target["enum"]]
    if prop.get("x-mock-relation") in RELATED_MODELS:
        info["model"], info["api_url"] = RELATED_MODELS[prop["x-mock-relation"]]
    if info["type"] == "nested object" and target.get("properties"):
        info["children"] = fields_info(target, schemas)
    for key, value in (facts or {}).items():
        if value is None:
            info.pop(key, None)
        else:
            info[key] = value
    return info


def _field_type(prop: dict[str, Any], target: dict[str, Any]) -> str:
    if prop.get("x-mock-file"):
        return "image upload"
    if prop.get("x-mock-relation"):
        return "related field"
    if "enum" in target:
        return "choice"
    kind = target.get("type")
    fmt = target.get("format")
    if kind == "string":
        return {"uri": "url", "date-time": "datetime", "date": "date", "email": "email"}.get(str(fmt), "string")
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "boolean"
    if kind == "array":
        return "list"
    if kind == "object" or target.get("properties"):
        return "nested object" if target.get("properties") or "additionalProperties" in target else "json"
    return "json" if not kind else "field"
