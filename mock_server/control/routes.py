"""Routes outside the contract: the control API under /_mock/, uploaded media, and /api/schema/.

The control API is for tests and frontend developers (reset the state, dump it, log in with a
session cookie); it is never part of the InvenTree contract.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.pipeline.auth import check_password
from mock_server.pipeline.bodies import parse_body
from mock_server.pipeline.context import APP, AppState
from mock_server.pipeline.errors import APIError

SECRET_FIELDS = {"password", "key", "token", "secret", "csrf_token"}


def _state(request: Request) -> AppState:
    state: AppState = request.scope[APP]
    return state


async def reset(request: Request) -> Response:
    """Put every table back to the fixtures."""
    _state(request).store.reset()
    return JSONResponse({"status": "reset"})


async def state(request: Request) -> Response:
    """Every table's records; secrets are masked."""
    snapshot = _state(request).store.snapshot()
    return JSONResponse({name: [_masked(r) for r in records] for name, records in snapshot.items()})


def _masked(record: dict[str, Any]) -> dict[str, Any]:
    return {k: ("**********" if k in SECRET_FIELDS and v else v) for k, v in record.items()}


async def login(request: Request) -> Response:
    """Start a session (cookies `sessionid` and `csrftoken`) from a username and password."""
    app_state = _state(request)
    try:
        body = await parse_body(await request.body(), request.headers, max_depth=app_state.settings.max_json_depth)
    except APIError as error:
        return JSONResponse(error.body, status_code=error.status_code)
    data = body.data if isinstance(body.data, dict) else {}
    user = check_password(app_state.store, str(data.get("username", "")), str(data.get("password", "")))
    if user is None:
        return JSONResponse({"non_field_errors": ["Unable to log in with provided credentials."]}, status_code=400)
    session = {"key": secrets.token_hex(16), "user": user["pk"], "csrf_token": secrets.token_hex(16)}
    with app_state.store.transaction():
        app_state.store["sessions"].insert(session)
    response = JSONResponse({"username": user["username"], "csrftoken": session["csrf_token"]})
    response.set_cookie("sessionid", session["key"], httponly=True, samesite="lax")
    response.set_cookie("csrftoken", session["csrf_token"], samesite="lax")
    return response


async def schema(request: Request) -> Response:
    """The contract this mock serves, like InvenTree's /api/schema/ (YAML, or JSON with ?format=json)."""
    document = _state(request).document
    if request.query_params.get("format") == "json":
        return Response(json.dumps(document), media_type="application/vnd.oai.openapi+json")
    return Response(yaml.safe_dump(document, sort_keys=False), media_type="application/vnd.oai.openapi")


async def media(request: Request) -> Response:
    """Files uploaded through the API, at the URL their records show."""
    found = _state(request).store.media.get(request.url.path)
    if found is None:
        return JSONResponse({"detail": "Not found."}, status_code=404)
    content_type, content = found
    return Response(content, media_type=content_type)


def routes() -> list[BaseRoute]:
    return [
        Route("/_mock/reset", reset, methods=["POST"]),
        Route("/_mock/state", state, methods=["GET"]),
        Route("/_mock/login", login, methods=["POST"]),
        Route("/api/schema/", schema, methods=["GET"]),
        Route("/media/{path:path}", media, methods=["GET"]),
    ]
