"""Property: no client input reaches a 5xx, and a refused request leaves the store as it was."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from starlette.types import ASGIApp

from spec import load_spec, operations
from tests.plugins.live_server import ADMIN_TOKEN, LiveServer

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


# Schemathesis over every operation of the contract: schema-valid and schema-violating requests
# (bodies, parameters, media types), as the staff user, against the mock in process.
FUZZ_EXAMPLES = 3
# The long hunt (`pytest -m slow`): many more requests per operation, still derandomized.
SLOW_FUZZ_EXAMPLES = 60
OPERATIONS = [(method, path) for method, path, _ in operations(load_spec())]


@pytest.fixture(scope="module")
def contract_schema(mock_app: ASGIApp) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Token {ADMIN_TOKEN}"},
            "generation": {"deterministic": True, "database": "none"},
        }
    )
    schema = schemathesis.openapi.from_dict(load_spec(), config=config)
    schema.app = mock_app
    return schema


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_generated_request_reaches_a_server_error(contract_schema: Any, method: str, path: str) -> None:
    fuzz(contract_schema, method, path, FUZZ_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_generated_request_reaches_a_server_error_long(contract_schema: Any, method: str, path: str) -> None:
    fuzz(contract_schema, method, path, SLOW_FUZZ_EXAMPLES)


def fuzz(contract_schema: Any, method: str, path: str, examples: int) -> None:
    """Schemathesis' positive and negative cases for one operation; none may answer 5xx."""
    operation = contract_schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(max_examples=examples, suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        response = case.call()
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
        )
        if response.headers.get("content-type", [""])[0].startswith("application/json"):
            response.json()  # every JSON answer decodes, whatever text it echoes

    check()
