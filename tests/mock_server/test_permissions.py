"""Who may do what, view by view, as InvenTree's permission classes decide it."""

from __future__ import annotations

import httpx
import pytest

DENIED = {"detail": "You do not have permission to perform this action."}
SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/news/", None),
        ("GET", "/api/news/1/", None),
        ("OPTIONS", "/api/news/", None),
        ("PATCH", "/api/news/1/", {"read": True}),
        ("PUT", "/api/news/1/", {"read": True}),
        ("DELETE", "/api/news/1/", None),
        ("DELETE", "/api/news/", {"items": [3]}),
        ("GET", "/api/version-text", None),
        ("GET", "/api/machine/", None),
        ("GET", f"/api/machine/{SHIPPING}/", None),
        ("OPTIONS", "/api/machine/", None),
        ("OPTIONS", f"/api/machine/{SHIPPING}/", None),
        ("OPTIONS", "/api/admin/config/", None),
        ("OPTIONS", "/api/currency/refresh/", None),
        ("OPTIONS", "/api/error-report/", None),
        ("OPTIONS", "/api/version/", None),
        ("OPTIONS", "/api/version-text", None),
    ],
)
def test_staff_only_views_refuse_a_reader(reader: httpx.Client, method: str, path: str, body: object) -> None:
    response = reader.request(method, path, json=body) if body is not None else reader.request(method, path)
    assert response.status_code == 403, response.text
    assert response.json() == DENIED


def test_head_follows_get(reader: httpx.Client) -> None:
    assert reader.head("/api/machine/").status_code == 403
    assert reader.head("/api/news/1/").status_code == 403
    assert reader.head(f"/api/machine/{SHIPPING}/settings/").status_code == 200


def test_news_stays_unchanged_when_a_reader_tries(admin: httpx.Client, reader: httpx.Client) -> None:
    before = admin.get("/api/news/").json()
    reader.delete("/api/news/1/")
    reader.patch("/api/news/1/", json={"read": True})
    assert admin.get("/api/news/").json() == before


def test_a_reader_may_read_machine_settings_and_restart_a_machine(reader: httpx.Client) -> None:
    assert reader.get(f"/api/machine/{SHIPPING}/settings/").status_code == 200
    assert reader.get("/api/machine/types/").status_code == 200
    assert reader.post(f"/api/machine/{SHIPPING}/restart/").json() == {"ok": True}
    assert reader.patch(f"/api/machine/{SHIPPING}/settings/M/LOCATION/", json={"value": "2"}).status_code == 403


def test_another_users_notification_exists_but_is_refused(admin: httpx.Client, reader: httpx.Client) -> None:
    for client, pk in ((reader, 1), (admin, 4)):
        for method in ("GET", "PATCH", "PUT", "DELETE"):
            response = client.request(method, f"/api/notifications/{pk}/")
            assert (response.status_code, response.json()) == (403, DENIED), (method, pk)
    assert admin.get("/api/notifications/999/").json() == {"detail": "Not found."}
    assert reader.get("/api/notifications/4/").status_code == 200


def test_server_details_are_for_staff_only(reader: httpx.Client, admin: httpx.Client) -> None:
    private = ("system_health", "database", "platform", "installer", "target", "django_admin")
    shown = reader.get("/api/").json()
    assert all(shown[key] is None for key in private)
    assert admin.get("/api/").json()["database"] is not None
