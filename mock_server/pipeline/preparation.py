"""The contract as the mock hands it to Connexion: same operations, plus what serving needs.

The contract itself is never edited. This copy differs only where routing needs help or the
mock serves more than the contract describes:
- paths are ordered so literal segments win over templates (routes are tried in document order,
  so `/api/machine/{id}/` would otherwise swallow `/api/machine/types/`);
- fields that are relations or file uploads are marked for the body validator;
- the calls real clients make that lie outside the two sections (`GET /api/`, the current user,
  the token endpoint) are added, and every path answers OPTIONS with DRF metadata.
Read-only properties in `required` lists (connexion issue 1907) and `nullable` beside `allOf`
(issue 1284) are handled by the mock's own body validator, which reads the schema DRF's way.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from mock_server.resources.declarations import declare
from spec.loader import HTTP_METHODS

EXTRA_OPERATIONS = Path(__file__).resolve().parent / "extra_operations.yaml"

# (component, property) -> table: DRF PrimaryKeyRelatedFields, checked against the store.
RELATIONS = {
    ("ProjectCode", "responsible"): "owners",
    ("PatchedProjectCode", "responsible"): "owners",
}
# (component, property): DRF ImageFields, which take a file from a multipart body.
FILES = {("NotesImage", "image")}
# (component, property): InvenTree's SettingsValueField, which stores `str(value)` of any value.
TEXT_VALUES = {("MachineSetting", "value"), ("PatchedMachineSetting", "value")}
# Paths under InvenTree's `<uuid:pk>/` URL pattern, whose `id` the contract does not always mark
# as a UUID; an id of another form must fall to the catch-all 404 before authentication.
UUID_ID_PATHS = ("/api/machine/{id}/",)
# Path parameters under Django's `<slug:...>` (common/api.py: `webhook/<slug:endpoint>/`): any other
# text is no route on the server, so the catch-all answers it.
SLUG_PARAMETERS = {"/api/webhook/{endpoint}/": "endpoint"}


def prepare(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the resolved contract, ready for Connexion to load and the pipeline to serve."""
    prepared = copy.deepcopy(document)
    extra = yaml.safe_load(EXTRA_OPERATIONS.read_text(encoding="utf-8"))
    prepared["paths"].update(extra["paths"])
    prepared["paths"] = dict(sorted(prepared["paths"].items(), key=lambda item: _route_order(item[0])))
    schemas = prepared["components"]["schemas"]
    for (component, prop), table in RELATIONS.items():
        schemas[component]["properties"][prop]["x-mock-relation"] = table
    for component, prop in FILES:
        schemas[component]["properties"][prop]["x-mock-file"] = True
    for component, prop in TEXT_VALUES:
        schemas[component]["properties"][prop]["x-mock-text"] = True
    declare(schemas)
    for path, item in prepared["paths"].items():
        if path.startswith(UUID_ID_PATHS):
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "path" and parameter["name"] == "id":
                        parameter["schema"] = {**parameter.get("schema", {}), "format": "uuid"}
        if path in SLUG_PARAMETERS:
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "path" and parameter["name"] == SLUG_PARAMETERS[path]:
                        parameter["schema"] = {**parameter.get("schema", {}), "format": "slug"}
    for path, item in prepared["paths"].items():
        item["options"] = _options_operation(path, item)
    return prepared


def _route_order(path: str) -> tuple[int, ...]:
    # Python's sort is stable: among equals, document order (and so int-before-string ids) remains.
    return tuple(1 if segment.startswith("{") else 0 for segment in path.strip("/").split("/"))


def _options_operation(path: str, item: dict[str, Any]) -> dict[str, Any]:
    """OPTIONS on a path: DRF metadata, secured like the path's first operation."""
    first = next(item[m] for m in HTTP_METHODS if m in item)
    operation: dict[str, Any] = {
        "operationId": options_operation_id(path),
        "responses": {"200": {"description": "DRF metadata for this endpoint"}},
        "security": first.get("security", []),
    }
    parameters = [p for p in first.get("parameters", []) if p.get("in") == "path"]
    if parameters:
        operation["parameters"] = parameters
    return operation


def options_operation_id(path: str) -> str:
    return "options:" + path


def path_parameters(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]
