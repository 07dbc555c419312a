"""The request journal, end to end: what a page sent, filtered, with its secrets masked, within its bound."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.plugins.live_server import ADMIN, ADMIN_TOKEN, LiveServer, serve


@pytest.fixture
def server(mock: LiveServer) -> LiveServer:
    """The session's mock, reset, with an empty journal."""
    assert httpx.delete(f"{mock.url}/_mock/requests").status_code == 204
    return mock


def entries(server: LiveServer, **filters: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_mock/requests", params=filters)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_the_journal_shows_what_the_page_sent(server: LiveServer) -> None:
    with server.client(ADMIN) as admin:
        admin.patch("/api/project-code/1/", params={"x": "1"}, json={"description": "Pilot, phase 2"})
    (entry,) = entries(server, method="PATCH")
    assert entry["path"] == "/api/project-code/1/" and entry["query"] == "x=1"
    assert entry["status"] == 200 and entry["outcome"] == "answered"
    assert entry["user"] == "admin" and entry["operation"] == "project_code_partial_update"
    assert entry["request"]["body"] == {"description": "Pilot, phase 2"}
    assert entry["request"]["headers"]["content-type"] == "application/json"
    assert entry["response"]["body"]["description"] == "Pilot, phase 2"
    assert entry["response"]["headers"]["content-type"] == "application/json"
    assert entry["duration_ms"] >= 0 and entry["fault"] is None
    assert dt.datetime.fromisoformat(entry["time"]) <= dt.datetime.now(dt.UTC)


def test_newest_first_and_the_filters(server: LiveServer) -> None:
    with server.client(ADMIN) as admin:
        admin.get("/api/units/", params={"limit": 1})
        admin.get("/api/flags/")
        admin.post("/api/project-code/", json={"code": "NEW-1"})
        admin.get("/api/nothing/")
        admin.get("/api/units/1/", headers={"Prefer": "code=503"})
    everything = entries(server)
    assert [e["path"] for e in everything] == [
        "/api/units/1/",
        "/api/nothing/",
        "/api/project-code/",
        "/api/flags/",
        "/api/units/",
    ]
    first_id = everything[-1]["id"]
    assert [e["id"] for e in everything] == list(range(first_id + 4, first_id - 1, -1))

    def paths(**filters: Any) -> list[str]:
        return [e["path"] for e in entries(server, **filters)]

    assert paths(method="post") == ["/api/project-code/"]
    assert paths(method="POST,PATCH") == ["/api/project-code/"]
    assert paths(path="/api/units/") == ["/api/units/1/", "/api/units/"]
    assert paths(path="/api/*s/") == ["/api/flags/", "/api/units/"]
    assert paths(status="201") == ["/api/project-code/"]
    assert paths(status="4xx") == ["/api/nothing/"]
    assert paths(status="5xx,201") == ["/api/units/1/", "/api/project-code/"]
    assert paths(operation="units_list") == ["/api/units/"]
    # A request a fault answered before routing still names its operation.
    assert paths(operation="units_retrieve") == ["/api/units/1/"]
    assert paths(since=first_id + 2) == ["/api/units/1/", "/api/nothing/"]
    assert paths(limit=2) == ["/api/units/1/", "/api/nothing/"]
    middle = everything[2]["time"]
    assert paths(since=middle) == ["/api/units/1/", "/api/nothing/"]
    faulted = everything[0]
    assert faulted["status"] == 503 and faulted["fault"] == "status=503; rules=prefer"
    assert faulted["user"] is None


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "abc"}, "status"),
        ({"status": "6xx"}, "status"),
        ({"since": "yesterday"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"methd": "GET"}, "methd"),
    ],
)
def test_a_bad_filter_is_a_drf_shaped_400(server: LiveServer, filters: dict[str, str], field: str) -> None:
    response = httpx.get(f"{server.url}/_mock/requests", params=filters)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_secrets_are_masked(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as browser:
        login = browser.post("/_mock/login", json={"username": "admin", "password": "inventree"})
        csrf = login.json()["csrftoken"]
        session = browser.cookies["sessionid"]
        browser.patch("/api/project-code/2/", json={"description": "by session"}, headers={"X-CSRFToken": csrf})
        form = browser.post("/_mock/login", data={"username": "reader", "password": "readonly"})
        assert form.status_code == 200
    with server.client(ADMIN) as admin:
        token = admin.get("/api/user/token/").json()["token"]
    with server.client(None, headers={"Authorization": f"Token {ADMIN_TOKEN}"}) as by_token:
        by_token.get("/api/units/", params={"token": "in-the-query", "limit": 1})
    journal = httpx.get(f"{server.url}/_mock/requests").text
    for secret in ("inventree", "readonly", csrf, session, token, ADMIN_TOKEN, "in-the-query", "YWRtaW46aW52ZW50cmVl"):
        assert secret not in journal
    form_login, token_call, login_call = (
        entries(server, path="/_mock/login")[0],
        entries(server, path="/api/user/token/")[0],
        entries(server, path="/_mock/login")[1],
    )
    assert login_call["request"]["body"] == {"username": "admin", "password": "**********"}
    assert login_call["response"]["body"] == {"username": "admin", "csrftoken": "**********"}
    assert login_call["response"]["headers"]["set-cookie"] == [
        "sessionid=**********; HttpOnly; Path=/; SameSite=lax",
        "csrftoken=**********; Path=/; SameSite=lax",
    ]
    assert form_login["request"]["body"] == "username=reader&password=%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A"
    assert token_call["request"]["headers"]["authorization"] == "Basic **********"
    assert token_call["response"]["body"]["token"] == "**********"
    (patch,) = entries(server, method="PATCH")
    assert patch["user"] == "admin" and patch["status"] == 200
    assert patch["request"]["headers"]["cookie"] == "sessionid=**********; csrftoken=**********"
    assert patch["request"]["headers"]["x-csrftoken"] == "**********"
    (units,) = entries(server, path="/api/units/")
    assert units["request"]["headers"]["authorization"] == "Token **********"
    assert units["query"] == "token=%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A&limit=1"


def test_control_calls_and_the_swagger_ui_are_not_entered(server: LiveServer) -> None:
    httpx.get(f"{server.url}/_mock/state")
    httpx.get(f"{server.url}/_mock/faults")
    httpx.post(f"{server.url}/_mock/reset")
    httpx.get(f"{server.url}/api/docs/openapi.json")
    httpx.get(f"{server.url}/api/schema/", params={"format": "json"})
    assert [e["path"] for e in entries(server)] == ["/api/schema/"]


def test_clearing_keeps_the_ids_counting(server: LiveServer) -> None:
    httpx.get(f"{server.url}/api/")
    (before,) = entries(server)
    assert httpx.delete(f"{server.url}/_mock/requests").status_code == 204
    assert entries(server) == []
    httpx.get(f"{server.url}/api/")
    (after,) = entries(server)
    assert after["id"] > before["id"]


@pytest.fixture(scope="module")
def small_journal() -> Iterator[LiveServer]:
    yield from serve(journal_size=3, journal_body_bytes=40)


def test_the_journal_is_bounded_in_entries_and_body_bytes(small_journal: LiveServer) -> None:
    body = json.dumps({"code": "LONG", "description": "x" * 100}).encode()
    with small_journal.client(ADMIN) as admin:
        for _ in range(5):
            admin.get("/api/flags/")
        admin.post("/api/project-code/", content=body, headers={"Content-Type": "application/json"})
    kept = entries(small_journal)
    assert len(kept) == 3
    assert kept[0]["id"] - kept[-1]["id"] == 2
    request = kept[0]["request"]
    assert request["truncated"] is True and request["size"] == len(body)
    assert isinstance(request["body"], str) and len(request["body"]) == 40
    assert request["body"].startswith('{"code"')


@pytest.fixture(scope="module")
def no_journal() -> Iterator[LiveServer]:
    yield from serve(journal_size=0)


def test_a_journal_turned_off_says_so(no_journal: LiveServer) -> None:
    httpx.get(f"{no_journal.url}/api/")
    response = httpx.get(f"{no_journal.url}/_mock/requests")
    assert response.status_code == 409
    assert response.json() == {"detail": "The journal is off (--journal-size 0)."}
