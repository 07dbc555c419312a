"""Errors in InvenTree's shapes, and no client input that reaches a 5xx or changes the store."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.plugins.live_server import LiveServer


def test_unknown_path_is_the_catch_all(admin: httpx.Client, anonymous: httpx.Client) -> None:
    for client in (admin, anonymous):
        response = client.get("/api/no/such/thing/")
        assert response.status_code == 404
        assert response.json() == {"detail": "API endpoint not found", "url": f"{client.base_url}/api/no/such/thing/"}


def test_detail_id_of_the_wrong_form_is_an_unknown_path(admin: httpx.Client) -> None:
    assert admin.get("/api/units/abc/").json()["detail"] == "API endpoint not found"
    assert admin.get("/api/units/999/").json() == {"detail": "Not found."}


def test_missing_trailing_slash_is_not_redirected(admin: httpx.Client) -> None:
    response = admin.get("/api/units")
    assert response.status_code == 404
    assert response.json()["detail"] == "API endpoint not found"
    assert admin.get("/api/version-text").status_code == 200


def test_wrong_method_lists_the_allowed_ones(admin: httpx.Client, anonymous: httpx.Client) -> None:
    response = admin.delete("/api/units/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    detail = admin.post("/api/units/1/", json={})
    assert detail.headers["allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    # DRF authenticates before it looks at the method.
    assert anonymous.delete("/api/units/").status_code == 401


def test_unsupported_media_type(admin: httpx.Client) -> None:
    response = admin.post("/api/units/", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}


def test_body_without_content_type(admin: httpx.Client) -> None:
    response = admin.post("/api/units/", content=b'{"name": "x"}')
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "" in request.'}


def test_unacceptable_accept_header(admin: httpx.Client) -> None:
    response = admin.get("/api/units/", headers={"Accept": "application/xml"})
    assert response.status_code == 406
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}
    assert admin.get("/api/units/", headers={"Accept": "application/json; q=0.9, */*"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "start"),
    [
        (b"{bad json", "JSON parse error - Expecting property name"),
        (b'{"name": "\xff\xfe"}', "JSON parse error - 'utf-8' codec can't decode"),
        (b"[" * 10_000 + b"]" * 10_000, "JSON parse error - nesting deeper than"),
        (b'{"name": NaN}', "JSON parse error - Out of range float values"),
    ],
)
def test_malformed_json(admin: httpx.Client, body: bytes, start: str) -> None:
    response = admin.post("/api/units/", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(start)


@pytest.mark.parametrize(("body", "kind"), [([1, 2], "list"), ("text", "str"), (42, "int"), (True, "bool")])
def test_a_body_that_is_not_an_object(admin: httpx.Client, body: object, kind: str) -> None:
    response = admin.post("/api/units/", json=body)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}


def test_null_body(admin: httpx.Client) -> None:
    response = admin.post("/api/units/", content=b"null", headers={"Content-Type": "application/json"})
    assert response.json() == {"non_field_errors": ["No data provided"]}


def test_wrong_types_name_the_field(admin: httpx.Client) -> None:
    response = admin.post("/api/units/", json={"name": {"a": 1}, "definition": ["m"]})
    assert response.json() == {"name": ["Not a valid string."], "definition": ["Not a valid string."]}
    flags = admin.patch("/api/news/1/", json={"read": "perhaps"})
    assert flags.json() == {"read": ["Must be a valid boolean."]}


def test_characters_that_cannot_be_stored(admin: httpx.Client) -> None:
    # CleanMixin removes a NUL before the serializer sees it; a view without it refuses the NUL.
    assert admin.post("/api/project-code/", json={"code": "A\x00B"}).json()["code"] == "AB"
    null = admin.post("/api/email/generate/", json={"email": "a\x00@b.c"})
    assert null.json() == {"email": ["Null characters are not allowed."]}
    surrogate = admin.post(
        "/api/project-code/", content=b'{"code": "\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert surrogate.json() == {"code": ["Surrogate characters are not allowed: U+D800."]}


def test_a_huge_body_is_refused(admin: httpx.Client) -> None:
    body = json.dumps({"name": "x" * 3_000_000}).encode()
    response = admin.post("/api/units/", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]


def test_bad_input_leaves_the_store_unchanged(mock: LiveServer, admin: httpx.Client) -> None:
    before = httpx.get(f"{mock.url}/_mock/state").json()
    for body in (b"[1]", b"{", b'{"code": ""}', b'{"code": "PRJ-001"}', b"\xff"):
        response = admin.post("/api/project-code/", content=body, headers={"Content-Type": "application/json"})
        assert 400 <= response.status_code < 500
    assert httpx.get(f"{mock.url}/_mock/state").json() == before


def test_a_slash_too_many_is_not_redirected_either(admin: httpx.Client) -> None:
    response = admin.get("/api/version-text/")
    assert response.status_code == 404
    assert response.json()["detail"] == "API endpoint not found"


def test_a_missing_object_is_reported_before_a_bad_body(admin: httpx.Client) -> None:
    # DRF looks the object up before it reads the body.
    assert admin.put("/api/project-code/999/", json={"code": ""}).status_code == 404
    assert admin.patch("/api/units/999/", content=b"{", headers={"Content-Type": "application/json"}).status_code == 404
    assert admin.patch("/api/units/1/", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
