"""Notifications (per user), news and error reports: filters, read flags, bulk deletion."""

from __future__ import annotations

import httpx
import pytest


def test_each_user_sees_only_their_notifications(admin: httpx.Client, reader: httpx.Client) -> None:
    assert [n["pk"] for n in admin.get("/api/notifications/").json()] == [1, 2, 3]
    assert [n["pk"] for n in reader.get("/api/notifications/").json()] == [4]
    # Another user's notification is found, then refused (UserSettingsPermissions): 403, not 404.
    assert reader.get("/api/notifications/1/").status_code == 403
    assert reader.patch("/api/notifications/1/", json={"read": True}).status_code == 403


def test_notification_fields(admin: httpx.Client) -> None:
    note = admin.get("/api/notifications/3/").json()
    assert set(note) == {
        "pk",
        "target",
        "source",
        "user",
        "category",
        "name",
        "message",
        "creation",
        "age",
        "age_human",
        "read",
    }
    assert note["message"] is None and note["age"] > 0 and note["age_human"].endswith("ago")


def test_filters_and_readall(admin: httpx.Client) -> None:
    unread = admin.get("/api/notifications/", params={"read": "false"}).json()
    assert [n["pk"] for n in unread] == [1, 2]
    assert [n["pk"] for n in admin.get("/api/notifications/", params={"category": "part.low_stock"}).json()] == [2, 3]
    ignored = admin.get("/api/notifications/", params={"read": "maybe"}).json()
    assert [n["pk"] for n in ignored] == [1, 2, 3]
    assert admin.get("/api/notifications/readall/").json() == {"status": "ok"}
    assert admin.get("/api/notifications/", params={"read": "false"}).json() == []
    assert admin.post("/api/notifications/readall/").status_code == 405


def test_mark_one_read(admin: httpx.Client) -> None:
    assert admin.patch("/api/notifications/1/", json={"read": "yes"}).json()["read"] is True
    assert admin.get("/api/notifications/1/").json()["read"] is True


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (None, {"non_field_errors": ["List of items or filters must be provided for bulk deletion"]}),
        ({"items": []}, {"non_field_errors": ["List of items or filters must be provided for bulk deletion"]}),
        ({"items": 1}, {"items": ["'items' must be supplied as a list object"]}),
        ({"filters": [1]}, {"filters": ["'filters' must be supplied as a dict object"]}),
        # After the arguments are checked, InvenTree's refusals are plain messages, not lists.
        ({"items": [999]}, {"non_field_errors": "No items found to delete"}),
        ({"items": ["a", None]}, {"non_field_errors": "Invalid items list provided"}),
    ],
)
def test_bulk_delete_errors(admin: httpx.Client, body: object, errors: dict[str, object]) -> None:
    kwargs = {"json": body} if body is not None else {}
    response = admin.request("DELETE", "/api/news/", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json() == errors


def test_bulk_delete_by_items_and_filters(admin: httpx.Client, reader: httpx.Client) -> None:
    assert admin.request("DELETE", "/api/news/", json={"items": [1, "3"]}).status_code == 204
    assert [n["pk"] for n in admin.get("/api/news/").json()] == [2]
    assert admin.request("DELETE", "/api/notifications/", json={"filters": {"read": True}}).status_code == 204
    assert [n["pk"] for n in admin.get("/api/notifications/").json()] == [1, 2]
    # Another user's notifications are out of reach.
    assert reader.request("DELETE", "/api/notifications/", json={"items": [1]}).status_code == 400
    assert admin.get("/api/notifications/1/").status_code == 200


def test_bulk_delete_with_form_data(admin: httpx.Client) -> None:
    response = admin.request("DELETE", "/api/error-report/", data={"items": ["1", "2"]})
    assert response.status_code == 204
    assert [e["pk"] for e in admin.get("/api/error-report/").json()] == [3]


def test_news_filter_and_ordering(admin: httpx.Client) -> None:
    assert [n["pk"] for n in admin.get("/api/news/", params={"read": "true"}).json()] == [2]
    assert [n["pk"] for n in admin.get("/api/news/", params={"ordering": "published"}).json()] == [3, 2, 1]


def test_error_reports_newest_first_and_read_only(admin: httpx.Client) -> None:
    assert [e["pk"] for e in admin.get("/api/error-report/").json()] == [3, 2, 1]
    before = admin.get("/api/error-report/1/").json()
    assert admin.put("/api/error-report/1/", json={"info": "changed"}).json() == before
    assert [e["pk"] for e in admin.get("/api/error-report/", params={"search": "keyerror"}).json()] == [2]
