"""Property: no client input reaches a 5xx, and a refused request leaves the store as it was."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plugins.live_server import LiveServer

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["code", "description", "responsible", "name", "definition", "symbol", "metadata", "read", "items", "filters"]
OBJECTS = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), JSON_VALUES, max_size=5)
TARGETS = [
    ("POST", "/api/project-code/"),
    ("PATCH", "/api/project-code/1/"),
    ("PUT", "/api/project-code/2/metadata/"),
    ("POST", "/api/units/"),
    ("PUT", "/api/units/1/"),
    ("PATCH", "/api/notifications/1/"),
    ("DELETE", "/api/news/"),
    ("POST", "/api/search/"),
    ("POST", "/api/locate/"),
    ("PUT", "/api/web/ui_preference/"),
]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]


def state(mock: LiveServer) -> Any:
    return httpx.get(f"{mock.url}/_mock/state").json()


@pytest.mark.parametrize(("method", "path"), TARGETS)
def test_arbitrary_json_bodies(live_server: LiveServer, method: str, path: str) -> None:
    live_server.reset()
    with live_server.client() as client:

        @settings(max_examples=15)
        @given(body=JSON_VALUES | OBJECTS)
        def check(body: Any) -> None:
            before = state(live_server)
            response = client.request(
                method, path, content=json.dumps(body), headers={"Content-Type": "application/json"}
            )
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                assert state(live_server) == before
                assert isinstance(response.json(), dict)
            else:
                live_server.reset()

        check()


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_arbitrary_bytes(live_server: LiveServer, content_type: str) -> None:
    live_server.reset()
    with live_server.client() as client:

        @settings(max_examples=12)
        @given(raw=st.binary(max_size=200), target=st.sampled_from(TARGETS))
        def check(raw: bytes, target: tuple[str, str]) -> None:
            before = state(live_server)
            headers = {"Content-Type": content_type} if content_type else {}
            response = client.request(target[0], target[1], content=raw, headers=headers)
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                assert state(live_server) == before
            else:
                live_server.reset()

        check()
