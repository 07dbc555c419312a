"""DRF's dispatch as InvenTree runs it: URL pattern, negotiation, authentication, permissions, then the method."""

from __future__ import annotations

import httpx
import pytest

from tests.plugins.live_server import LiveServer

CATCH_ALL_ALLOW = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("auth", "method", "path", "status", "allow"),
    [
        (("admin", "inventree"), "GET", "/api/project-code/", 200, "GET, POST, HEAD, OPTIONS"),
        (("admin", "inventree"), "GET", "/api/project-code/99999/", 404, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        (None, "GET", "/api/project-code/", 401, "GET, POST, HEAD, OPTIONS"),
        (("reader", "readonly"), "GET", "/api/news/", 403, "GET, DELETE, HEAD, OPTIONS"),
        (("admin", "inventree"), "GET", "/api/nothing/", 404, CATCH_ALL_ALLOW),
        (("admin", "inventree"), "POST", "/api/project-code/", 400, "GET, POST, HEAD, OPTIONS"),
    ],
)
def test_every_answer_of_a_view_carries_its_allow(
    mock: LiveServer, auth: tuple[str, str] | None, method: str, path: str, status: int, allow: str
) -> None:
    # rest_framework/views.py: finalize_response sets `default_response_headers` on every answer.
    with mock.client(auth) as client:
        response = client.request(method, path, json={} if method == "POST" else None)
    assert (response.status_code, response.headers.get("allow")) == (status, allow)


@pytest.mark.parametrize(
    ("auth", "path", "status"),
    [
        (None, "/api/project-code/", 401),
        (("reader", "readonly"), "/api/news/", 403),
        (("reader", "readonly"), "/api/project-code/", 403),  # IsStaffOrReadOnly: TRACE is no safe method
        (("admin", "inventree"), "/api/news/", 405),
    ],
)
def test_authentication_and_permissions_come_before_the_method_check(
    mock: LiveServer, auth: tuple[str, str] | None, path: str, status: int
) -> None:
    with mock.client(auth) as client:
        response = client.request("TRACE", path)
    assert response.status_code == status
    if status == 405:
        assert response.json() == {"detail": 'Method "TRACE" not allowed.'}


def test_the_catch_all_authenticates_like_any_drf_view(anonymous: httpx.Client) -> None:
    response = anonymous.get("/api/nothing/", auth=("admin", "wrong"))
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid username/password."})
    assert response.headers["allow"] == CATCH_ALL_ALLOW
    assert anonymous.get("/api/notifications/abc/").status_code == 404  # AllowAny: no 401 without credentials


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_the_catch_all_refuses_the_methods_it_lacks(anonymous: httpx.Client, method: str) -> None:
    response = anonymous.request(method, "/api/nothing/")
    assert (response.status_code, response.json()) == (405, {"detail": f'Method "{method}" not allowed.'})
    assert response.headers["allow"] == CATCH_ALL_ALLOW


def test_the_catch_all_writes_the_url_percent_encoded(admin: httpx.Client) -> None:
    # Django's build_absolute_uri(): escape_uri_path for the path, iri_to_uri for the query.
    response = admin.get("/api/project-code/%C3%A4%20b/", params={"q": "ä"})
    assert response.status_code == 404
    assert response.json()["url"] == f"{admin.base_url}".rstrip("/") + "/api/project-code/%C3%A4%20b/?q=%C3%A4"


@pytest.mark.parametrize(
    "path",
    [
        "/api/project-code/" + "1" * 4301 + "/",  # int() refuses it: Django's converter does not match
        "/api/webhook/%C3%A4/",  # <slug:endpoint> takes ASCII letters, digits, - and _ only
        "/api/webhook/a.b/",
        # re_path(r'^(?P<config_type>M|D)/(?P<key>\w+)/'): published as patterns on the parameters
        "/api/machine/e3e70682-c209-1cac-a29f-6fbed82c07cd/settings/X/KEY/",
        "/api/machine/e3e70682-c209-1cac-a29f-6fbed82c07cd/settings/M/%C2%84/",
    ],
)
def test_what_a_converter_refuses_is_the_catch_all(admin: httpx.Client, path: str) -> None:
    response = admin.post(path, json={})
    assert response.status_code == 404
    assert response.json()["detail"] == "API endpoint not found"


def test_a_new_line_in_the_path_gets_the_json_catch_all_as_the_contract_says(admin: httpx.Client) -> None:
    # InvenTree 0.18 answers Django's HTML page here (known defect A11); the mock follows the contract.
    response = admin.get("/api/nothing%0A/")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"] == "API endpoint not found"
    assert admin.get("/api/project-code/1/%0A").status_code == 404  # `$` does not pass a final new line


@pytest.mark.parametrize("client_name", ["admin", "anonymous"])
def test_an_unknown_format_is_drfs_404_before_authentication(request: pytest.FixtureRequest, client_name: str) -> None:
    client: httpx.Client = request.getfixturevalue(client_name)
    for path in ("/api/project-code/", "/api/nothing/"):
        response = client.get(path, params={"format": "api"})
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert client.get("/api/nothing/", params={"format": "json"}).status_code == 404


def test_format_json_is_the_json_renderer(admin: httpx.Client) -> None:
    assert admin.get("/api/project-code/", params={"format": "json"}).status_code == 200


def test_an_unparsable_body_is_refused_only_when_the_view_reads_it(admin: httpx.Client) -> None:
    headers = {"Content-Type": "text/plain"}
    missing = admin.patch("/api/project-code/99999/", content=b"x", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    found = admin.patch("/api/project-code/1/", content=b"x", headers=headers)
    assert (found.status_code, found.json()) == (415, {"detail": 'Unsupported media type "text/plain" in request.'})


@pytest.mark.parametrize("path", ["/api/project-code/1/metadata/", "/api/machine/"])
def test_views_with_djangos_model_permissions_answer_an_unknown_method_405(reader: httpx.Client, path: str) -> None:
    # DjangoModelPermissions (InvenTree's default permission classes) refuses a method outside its
    # perms_map with 405 before the role is asked, so even the reader hears 405 there.
    assert reader.request("TRACE", path).status_code == 405


def test_a_partial_update_may_not_blank_a_required_field(admin: httpx.Client) -> None:
    # DRF's allow_blank is the field's own, also in a PATCH (partial=True).
    response = admin.patch("/api/project-code/1/", json={"code": "\u0085"})  # blank once cleaned
    assert (response.status_code, response.json()) == (400, {"code": ["This field may not be blank."]})
