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

from mock_server.pipeline.context import Call, Permission, anyone, json_response
from mock_server.pipeline.preparation import options_operation_id
from mock_server.resources.handlers import Registry
from spec.loader import HTTP_METHODS

PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
RELATED_MODELS = {"owners": ("owner", "/api/user/owner/")}


def register_options(registry: Registry, document: dict[str, Any]) -> None:
    """An OPTIONS view for every path of the prepared contract."""
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        metadata = endpoint_metadata(path, item, schemas)
        permissions = {
            m.upper(): registry.permissions[item[m]["operationId"]]
            for m in HTTP_METHODS
            if m in item and m != "options" and item[m]["operationId"] in registry.permissions
        }

        async def view(call: Call, metadata: dict[str, Any] = metadata, permissions: Any = permissions) -> Response:
            # DRF lists an action only when the caller would be allowed to perform it.
            shown = dict(metadata)
            actions = {m: fields for m, fields in metadata.get("actions", {}).items() if _allowed(call, m, permissions)}
            shown.pop("actions", None)
            if actions:
                shown["actions"] = actions
            return json_response(shown)

        # DRF checks a view's permission classes for OPTIONS as for any method: a path whose view
        # only staff may use (admin config, news, machines, ...) refuses a reader its metadata too.
        registry.add(options_operation_id(path), view, _view_permission(permissions))


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


def endpoint_metadata(path: str, item: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    operations = {m.upper(): item[m] for m in HTTP_METHODS if m in item and m != "options"}
    first = next(iter(operations.values()))
    is_detail = path.rstrip("/").endswith("}")
    tag = (first.get("tags") or [path.strip("/").split("/")[-1]])[0]
    metadata: dict[str, Any] = {
        "name": " ".join(word.capitalize() for word in tag.replace("_", "-").split("-"))
        + (" Detail" if is_detail else " List"),
        "description": first.get("description", ""),
        "renders": ["application/json"],
        "parses": PARSES,
    }
    actions: dict[str, Any] = {}
    write_method = "PUT" if "PUT" in operations else "POST" if "POST" in operations else None
    if write_method:
        schema = _body_schema(operations[write_method], schemas)
        if schema:
            actions[write_method] = fields_info(schema, schemas)
    if "GET" in operations:
        schema = _response_schema(operations["GET"], schemas)
        if schema:
            actions["GET"] = fields_info(schema, schemas)
    if actions:
        metadata["actions"] = actions
    return metadata


def _body_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    content: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
    media: dict[str, Any] = next(iter(content.values()), {})
    schema = media.get("schema")
    return _resolve(schema, schemas) if schema else None


def _response_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema:
            schema = _resolve(schema, schemas)
            # A list answers items: describe one item, as DRF does for list views.
            for variant in schema.get("oneOf", []):
                if variant.get("type") == "array":
                    return _resolve(variant["items"], schemas)
            if schema.get("type") == "array":
                return _resolve(schema["items"], schemas)
            results = schema.get("properties", {}).get("results")
            if results and set(schema["properties"]) >= {"count", "results"}:
                return _resolve(results["items"], schemas)
            return schema
    return None


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].split("/")[-1]]
    return schema


def fields_info(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    return {
        name: field_info(name, prop, name in required, schemas) for name, prop in schema.get("properties", {}).items()
    }


def field_info(name: str, prop: dict[str, Any], required: bool, schemas: dict[str, Any]) -> dict[str, Any]:
    read_only = bool(prop.get("readOnly"))
    target = prop
    if "allOf" in prop:
        target = _resolve(prop["allOf"][0], schemas)
    elif "$ref" in prop:
        target = _resolve(prop, schemas)
    info: dict[str, Any] = {
        "type": _field_type(prop, target),
        "required": required and not read_only,
        "read_only": read_only,
        "label": prop.get("title") or name.replace("_", " ").capitalize(),
    }
    if prop.get("description"):
        info["help_text"] = prop["description"]
    for key, drf_key in (
        ("maxLength", "max_length"),
        ("minLength", "min_length"),
        ("maximum", "max_value"),
        ("minimum", "min_value"),
    ):
        if key in prop:
            info[drf_key] = prop[key]
    if "default" in prop:
        info["default"] = prop["default"]
    if "enum" in target:
        info["choices"] = [{"value": v, "display_name": str(v)} for v in target["enum"]]
    if prop.get("x-mock-relation") in RELATED_MODELS:
        info["model"], info["api_url"] = RELATED_MODELS[prop["x-mock-relation"]]
    if info["type"] == "nested object" and target.get("properties"):
        info["children"] = fields_info(target, schemas)
    if prop.get("nullable") or target.get("nullable"):
        info["allow_null"] = True
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
