"""Routes outside the contract: the control API under /_mock/, uploaded media, and /api/schema/.

The control API is for tests and frontend developers (reset the state, dump it, log in with a
session cookie); it is never part of the InvenTree contract. Its errors come in InvenTree's
shapes too: a JSON 404 for an unknown path, DRF's 405 with `Allow`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.pipeline.auth import check_password
from mock_server.pipeline.bodies import parse_body
from mock_server.pipeline.context import AppState
from mock_server.pipeline.errors import APIError, MethodNotAllowed, NotFound
from mock_server.pipeline.routing import DRF_ORDER

SECRET_FIELDS = {"password", "key", "token", "secret", "csrf_token"}


class ControlAPI:
    """The control routes, over the state the app was built with."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    async def reset(self, request: Request) -> Response:
        """Put every table back to the fixtures."""
        self.state.store.reset()
        return JSONResponse({"status": "reset"})

    async def dump(self, request: Request) -> Response:
        """Every table's records; secrets are masked."""
        snapshot = self.state.store.snapshot()
        return JSONResponse({name: [_masked(r) for r in records] for name, records in snapshot.items()})

    async def login(self, request: Request) -> Response:
        """Start a session (cookies `sessionid` and `csrftoken`) from a username and password."""
        store = self.state.store
        try:
            body = await parse_body(await request.body(), request.headers, max_depth=self.state.settings.max_json_depth)
        except APIError as error:
            return JSONResponse(error.body, status_code=error.status_code)
        data = body.data if isinstance(body.data, dict) else {}
        user = check_password(store, str(data.get("username", "")), str(data.get("password", "")))
        if user is None:
            return JSONResponse({"non_field_errors": ["Unable to log in with provided credentials."]}, status_code=400)
        session = {"key": secrets.token_hex(16), "user": user["pk"], "csrf_token": secrets.token_hex(16)}
        with store.transaction():
            store["sessions"].insert(session)
        response = JSONResponse({"username": user["username"], "csrftoken": session["csrf_token"]})
        response.set_cookie("sessionid", session["key"], httponly=True, samesite="lax")
        response.set_cookie("csrftoken", session["csrf_token"], samesite="lax")
        return response

    async def schema(self, request: Request) -> Response:
        """The contract this mock serves, like InvenTree's /api/schema/ (YAML, or JSON with ?format=json)."""
        document = self.state.document
        if request.query_params.get("format") == "json":
            return Response(json.dumps(document), media_type="application/vnd.oai.openapi+json")
        return Response(yaml.safe_dump(document, sort_keys=False), media_type="application/vnd.oai.openapi")

    async def media(self, request: Request) -> Response:
        """Files uploaded through the API, at the URL their records show."""
        found = self.state.store.media.get(request.url.path)
        if found is None:
            return JSONResponse(NotFound().body, status_code=404)
        content_type, content = found
        return Response(content, media_type=content_type)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_mock/reset", self.reset, methods=["POST"]),
            Route("/_mock/state", self.dump, methods=["GET"]),
            Route("/_mock/login", self.login, methods=["POST"]),
            Route("/api/schema/", self.schema, methods=["GET"]),
            Route("/media/{path:path}", self.media, methods=["GET"]),
        ]


def _masked(record: dict[str, Any]) -> dict[str, Any]:
    return {k: ("**********" if k in SECRET_FIELDS and v else v) for k, v in record.items()}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's routing errors (404, 405) in DRF's words instead of its plain text."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        # Starlette lists a route's methods from a set, in no fixed order; DRF lists them in its own.
        allowed = {m.strip() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()}
        error: APIError = MethodNotAllowed(request.method, [m for m in DRF_ORDER if m in allowed])
    elif exc.status_code == 404:
        error = NotFound()
    else:
        error = APIError({"detail": str(exc.detail)})
        error.status_code = exc.status_code
    return JSONResponse(error.body, status_code=error.status_code, headers=error.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """A bug in a control route: logged with its traceback by the server, answered in JSON like the API's."""
    return JSONResponse({"detail": "A server error occurred."}, status_code=500)


def control_app(state: AppState, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The control API, media and /api/schema/ as one Starlette app (`extra_routes`: control/surface.py's)."""
    return Starlette(
        routes=[*ControlAPI(state).routes(), *extra_routes],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
