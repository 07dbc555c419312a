"""One typed request state, in Starlette's `Request.state`: filled in step by step, the body parsed once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.requests import Request
from starlette.types import ASGIApp

from mock_server import Settings, create_app
from mock_server.pipeline import validation
from mock_server.pipeline.context import Call
from tests.plugins.live_server import ADMIN_TOKEN


@pytest.fixture(scope="module")
def app() -> ASGIApp:
    return create_app(Settings())


def send(app: ASGIApp, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    """One request straight into the ASGI app; the status and the scope it ran with."""
    raw = json.dumps(body).encode() if body is not None else b""
    headers = [(b"host", b"testserver"), (b"authorization", f"Token {ADMIN_TOKEN}".encode())]
    if raw:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": raw, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def collect(message: Any) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, collect))
    return sent[0]["status"], scope


def test_the_request_state_holds_what_each_step_learned(app: ASGIApp) -> None:
    send(app, "POST", "/_mock/reset")
    status, scope = send(app, "POST", "/api/project-code/", {"code": "STATE-1", "description": "d", "extra": 1})
    assert status == 201
    call = Request(scope).state.call
    assert isinstance(call, Call)
    assert call.operation is not None and call.operation.operation_id == "project_code_create"
    assert call.identity.user is not None and call.identity.user["username"] == "admin"
    assert json.loads(call.raw_body) == {"code": "STATE-1", "description": "d", "extra": 1}
    assert call.body.data == {"code": "STATE-1", "description": "d", "extra": 1}  # as parsed
    assert call.data == {"code": "STATE-1", "description": "d"}  # as cleaned: unknown fields dropped
    assert not any(str(key).startswith("mock.") for key in scope)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/project-code/", {"code": "ONCE-1"}, 201),
        ("PATCH", "/api/project-code/1/", {"description": "once"}, 200),
        ("DELETE", "/api/news/", {"items": [1]}, 204),  # the bulk delete reads the same parsed body
    ],
)
def test_the_body_is_parsed_once(
    app: ASGIApp, monkeypatch: pytest.MonkeyPatch, method: str, path: str, body: Any, status: int
) -> None:
    send(app, "POST", "/_mock/reset")
    parses: list[bytes] = []
    original = validation.parse_body

    async def counting(raw: bytes, *args: Any, **kwargs: Any) -> Any:
        parses.append(raw)
        return await original(raw, *args, **kwargs)

    monkeypatch.setattr(validation, "parse_body", counting)
    assert send(app, method, path, body)[0] == status
    assert len(parses) == 1
