"""The mock as a frontend's daily backend: faults, the request journal and the browser policy, as one surface.

`ControlSurface.build` makes its parts from the settings; `routes()` are its control routes
(`/_mock/faults`, `/_mock/requests`), mounted in the control app; `wrap(app)` puts its layers
around the mock, outermost first:

1. BrowserPolicy (control/security.py): control routes to the origin and token checks, without
   CORS; everything else through Starlette's CORSMiddleware, with credentials.
2. Recorder (control/journal.py): each API request entered in the journal.
3. FaultInjector (control/injection.py): delays, forced statuses, dropped connections.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from mock_server.control.fault_rules import FaultSpecError, spec_from_json
from mock_server.control.faults import FaultBook
from mock_server.control.injection import FaultInjector
from mock_server.control.journal import Journal, JournalFilterError, Recorder
from mock_server.control.security import BrowserPolicy
from mock_server.control.token import TOKEN_HEADER, with_control_token
from mock_server.pipeline.bodies import parse_json
from mock_server.pipeline.context import json_response, no_content
from mock_server.pipeline.errors import APIError, PayloadTooLarge
from mock_server.settings import Settings

logger = logging.getLogger("mock_server")


@dataclasses.dataclass(frozen=True)
class ControlSurface:
    settings: Settings
    faults: FaultBook
    journal: Journal

    @classmethod
    def build(cls, settings: Settings, document: Mapping[str, Any]) -> ControlSurface:
        """The fault rules of the options (an unknown operationId stops start-up), an empty journal."""
        try:
            faults = FaultBook.start(settings, document)
        except FaultSpecError as error:
            raise FaultSpecError(error.errors, "--fault") from None
        journal = Journal(settings.journal_size, settings.journal_body_bytes)
        secured = with_control_token(settings)
        if secured.control_token != settings.control_token:
            # Built without the command line, which prints the token it makes: say it here.
            logger.warning("The control API (/_mock/) needs the header %s: %s", TOKEN_HEADER, secured.control_token)
        return cls(secured, faults, journal)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """The surface's layers around `app` (the dispatcher of control, docs and API)."""
        api: ASGIApp = FaultInjector(app, self.faults, self.settings.max_body_bytes)
        if self.settings.journal_size:
            api = Recorder(api, self.journal, self.faults.operations)
        return BrowserPolicy(api, control=app, settings=self.settings)

    def routes(self) -> list[BaseRoute]:
        return [
            _route("/_mock/faults", get=self.list_faults, post=self.add_fault, delete=self.clear_faults),
            _route("/_mock/faults/{rule:int}", delete=self.remove_fault),
            _route("/_mock/requests", get=self.list_requests, delete=self.clear_requests),
        ]

    async def list_faults(self, request: Request) -> Response:
        """The rules in force, oldest first, each with its id."""
        return json_response([rule.as_json() for rule in self.faults.rules])

    async def add_fault(self, request: Request) -> Response:
        """Put a rule in force: `{"operation" or "path" (and "method"), "delay", "status", "drop", "rate", ...}`."""
        try:
            data = parse_json(await _read(request, self.settings.max_body_bytes), max_depth=16)
            rule = self.faults.add(spec_from_json(data))
        except APIError as error:
            return json_response(error.body, error.status_code, error.headers)
        except FaultSpecError as error:
            return json_response(error.errors, 400)
        return json_response(rule.as_json(), 201)

    async def clear_faults(self, request: Request) -> Response:
        """No rules (those of the options too); the random choices start again from the seed."""
        self.faults.clear()
        return no_content()

    async def remove_fault(self, request: Request) -> Response:
        rule_id: int = request.path_params["rule"]
        if not self.faults.remove(rule_id):
            return json_response({"detail": f"No fault rule {rule_id}; GET /_mock/faults lists them."}, 404)
        return no_content()

    async def list_requests(self, request: Request) -> Response:
        """The journal, newest first: `?method=PATCH&path=/api/units/&status=4xx&operation=...&since=ID&limit=N`."""
        if not self.settings.journal_size:
            return json_response({"detail": "The journal is off (--journal-size 0)."}, 409)
        try:
            entries = self.journal.select(dict(request.query_params))
        except JournalFilterError as error:
            return json_response(error.errors, 400)
        return json_response([entry.as_json() for entry in entries])

    async def clear_requests(self, request: Request) -> Response:
        self.journal.clear()
        return no_content()


def _route(path: str, **handlers: Callable[[Request], Awaitable[Response]]) -> Route:
    """One route for several methods, so that Starlette's 405 names all of them in `Allow`."""

    async def endpoint(request: Request) -> Response:
        method = "get" if request.method == "HEAD" else request.method.lower()
        return await handlers[method](request)

    return Route(path, endpoint, methods=[method.upper() for method in handlers])


async def _read(request: Request, limit: int) -> bytes:
    """The request body, refused past the API's own limit (a control route takes no larger body)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(limit)
    return bytes(body)
