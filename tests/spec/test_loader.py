"""The contract resolves, validates, and holds exactly the seed documents' operations."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from spec import load_spec, operations
from tests.spec.inventory import INVENTORY

ANONYMOUS_TOO = {
    ("GET", "/api/flags/"),
    ("GET", "/api/flags/{key}/"),
    ("GET", "/api/web/ui_preference/"),
    ("PUT", "/api/web/ui_preference/"),
}
THREE_SCHEMES = [{"tokenAuth": []}, {"basicAuth": []}, {"cookieAuth": []}]
FORM_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    return load_spec(published=True)


@pytest.fixture(scope="module")
def overlaid() -> dict[str, Any]:
    return load_spec()


def test_published_contract_is_valid_openapi_303(published: dict[str, Any]) -> None:
    assert published["openapi"] == "3.0.3"
    validate(published)


def test_holds_exactly_the_71_seed_operations(published: dict[str, Any]) -> None:
    found = sorted(
        (method, path, op["operationId"], op["x-inventree-api-version"]) for method, path, op in operations(published)
    )
    assert found == sorted(INVENTORY)
    assert len(found) == 71


def test_operation_ids_are_unique(published: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(published)]
    assert len(ids) == len(set(ids))


def _resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"external reference left after resolving: {ref}"
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("which", ["published", "overlaid"])
def test_every_reference_resolves_inside_the_document(which: str, request: pytest.FixtureRequest) -> None:
    document = request.getfixturevalue(which)
    refs = _refs(document)
    assert refs, "the resolved document should keep named component references"
    for ref in refs:
        assert _resolve_pointer(document, ref) is not None


def test_security_follows_the_published_schema(published: dict[str, Any]) -> None:
    for method, path, op in operations(published):
        if path == "/api/webhook/{endpoint}/":
            assert op["security"] == [], "the webhook receiver declares no security"
        elif (method, path) in ANONYMOUS_TOO:
            assert op["security"] == [*THREE_SCHEMES, {}]
        else:
            assert op["security"] == THREE_SCHEMES, f"{method} {path}"
    schemes = published["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def test_request_bodies_offer_the_three_media_types(published: dict[str, Any]) -> None:
    bodies = [(m, p, op["requestBody"]) for m, p, op in operations(published) if "requestBody" in op]
    assert len(bodies) == 25
    for _, _, body in bodies:
        assert list(body["content"]) == FORM_TYPES
        schemas = {str(media["schema"]) for media in body["content"].values()}
        assert len(schemas) == 1


def test_patch_bodies_use_the_patched_components(published: dict[str, Any]) -> None:
    for method, path, op in operations(published):
        if method == "PATCH":
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.split("/")[-1].startswith("Patched"), path
            assert "required" not in op["requestBody"]
        elif method in {"POST", "PUT"} and "requestBody" in op:
            # drf-spectacular marks a body required when some required field is writable.
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
            schema = published["components"]["schemas"][name]
            writable = [f for f in schema.get("required", []) if not schema["properties"][f].get("readOnly")]
            assert op["requestBody"].get("required", False) is bool(writable), path


def test_schema_facts_are_kept(published: dict[str, Any]) -> None:
    schemas = published["components"]["schemas"]
    project_code = schemas["ProjectCode"]
    assert project_code["required"] == ["code", "pk", "responsible_detail"]
    assert project_code["properties"]["code"]["maxLength"] == 50
    assert project_code["properties"]["description"]["maxLength"] == 200
    assert project_code["properties"]["pk"]["readOnly"] is True
    assert project_code["properties"]["responsible"]["nullable"] is True
    assert project_code["properties"]["responsible_detail"] == {
        "allOf": [{"$ref": "#/components/schemas/Owner"}],
        "readOnly": True,
    }
    assert "required" not in schemas["PatchedProjectCode"]
    machine = schemas["MachineConfig"]["properties"]
    assert machine["pk"] == {"type": "string", "format": "uuid", "title": "Id", "readOnly": True}
    assert machine["status_model"]["nullable"] is True
    assert machine["driver"]["readOnly"] is True
    assert schemas["MachineConfigCreate"]["properties"]["driver"].get("readOnly") is None
    assert schemas["ConfigTypeEnum"]["enum"] == ["M", "D"]
    assert schemas["PreferredMethodEnum"]["enum"] == ["cui", "pui"]
    assert schemas["CurrencyExchange"]["properties"]["exchange_rates"]["additionalProperties"] == {
        "type": "number",
        "format": "double",
    }
    assert schemas["APISearchView"]["properties"]["limit"]["default"] == 1


def test_list_parameters_are_documented(published: dict[str, Any]) -> None:
    machine_list = published["paths"]["/api/machine/"]["get"]
    names = [p["name"] for p in machine_list["parameters"]]
    assert names == ["active", "driver", "limit", "machine_type", "offset", "ordering", "search"]
    assert all(p["in"] == "query" and p["required"] is False for p in machine_list["parameters"])
    detail = published["paths"]["/api/machine/{id}/"]["get"]["parameters"]
    assert detail == [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]


def test_overlays_change_lists_and_add_links(published: dict[str, Any], overlaid: dict[str, Any]) -> None:
    path = ["paths", "/api/project-code/", "get", "responses", "200", "content", "application/json", "schema"]
    before: Any = published
    after: Any = overlaid
    for key in path:
        before, after = before[key], after[key]
    assert before == {"$ref": "#/components/schemas/PaginatedProjectCodeList"}
    assert after == {
        "oneOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/ProjectCode"}},
            {"$ref": "#/components/schemas/PaginatedProjectCodeList"},
        ]
    }
    links = overlaid["paths"]["/api/machine/"]["post"]["responses"]["201"]["links"]
    assert links["MachineRestart"] == {
        "operationId": "machine_restart_create",
        "parameters": {"id": "$response.body#/pk"},
    }
    assert "MachineSettingsList" in links
    assert all("links" not in r for _, _, op in operations(published) for r in op["responses"].values())


def test_every_link_names_an_existing_operation(overlaid: dict[str, Any]) -> None:
    ids = {op["operationId"]: op for _, _, op in operations(overlaid)}
    for _, _, op in operations(overlaid):
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                target = ids[link["operationId"]]
                declared = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
                assert set(link["parameters"]) == declared


def test_load_spec_returns_an_independent_copy() -> None:
    first = load_spec()
    first["paths"].clear()
    assert load_spec()["paths"], "the cached document must not be shared with callers"


def test_server_answers_overlay_keeps_the_published_statement_apart(
    published: dict[str, Any], overlaid: dict[str, Any]
) -> None:
    def detail(document: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = document["components"]["schemas"]["ProjectCode"]["properties"]["responsible_detail"]
        return schema

    assert "nullable" not in detail(published)
    assert detail(overlaid)["nullable"] is True
    license_view = overlaid["components"]["schemas"]["LicenseView"]["properties"]
    assert license_view["backend"]["type"] == "array"
    assert published["components"]["schemas"]["LicenseView"]["properties"]["backend"]["type"] == "string"
