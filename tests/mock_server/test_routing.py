"""The one routing table: InvenTree's URL patterns decide, anything else is its catch-all 404."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/project-code/-1/",  # Django's <int:pk> takes digits only
        "/api/project-code/+1/",
        "/api/project-code",  # no redirect to the trailing slash
        "/api/machine/6F9619FF-8B86-D011-B42D-00CF4FC964FF/",  # <uuid:pk>: lower case only
    ],
)
def test_what_no_url_pattern_takes_is_the_catch_all_404(admin: httpx.Client, path: str) -> None:
    response = admin.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "API endpoint not found", "url": str(response.request.url)}


def test_a_known_id_form_that_names_nothing_is_drfs_404(admin: httpx.Client) -> None:
    response = admin.get("/api/project-code/99999/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_head_is_served_by_the_get_operation(admin: httpx.Client) -> None:
    assert admin.head("/api/project-code/1/").status_code == 200


def test_a_method_the_path_lacks_is_drfs_405_after_authentication(admin: httpx.Client, mock: object) -> None:
    response = admin.post("/api/project-code/1/", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    with httpx.Client(base_url=str(admin.base_url)) as anonymous:
        assert anonymous.post("/api/project-code/1/", json={}).status_code == 401
