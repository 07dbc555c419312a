"""`create_app(settings)`: the mock InvenTree, from the contract, the fixtures and the views."""

from __future__ import annotations

from typing import Any

from connexion.middleware import ConnexionMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.control.paths import DOCS_PATH
from mock_server.control.routes import control_app
from mock_server.control.surface import ControlSurface
from mock_server.pipeline.api import build_api
from mock_server.pipeline.context import AppState
from mock_server.pipeline.preparation import prepare
from mock_server.resources.handlers import Registry, build_registry
from mock_server.resources.metadata import register_options
from mock_server.settings import Settings
from mock_server.state.opening import open_store
from spec import load_spec, operations


class StartupError(Exception):
    """The mock cannot start; the message is one line naming the problem and the fix."""


def create_app(settings: Settings | None = None) -> ASGIApp:
    """Build the mock InvenTree: the contract, the store loaded from fixtures, and every view."""
    settings = settings or Settings()
    document = load_spec(published=settings.published)
    prepared = prepare(document)
    registry = build_registry()
    register_options(registry, prepared)
    _check_every_operation_served(prepared, registry)
    store = open_store(settings, registry.tables, registry.reset_hooks, document)
    # The one place the store is handed out: to the app's parts, as they are built.
    state = AppState(store=store, settings=settings, document=document)
    # Faults, the request journal and the browser policy (control/surface.py).
    surface = ControlSurface.build(settings, prepared)
    control = control_app(state, surface.routes())
    app = Dispatcher(control=control, docs=SwaggerUI(document), api=build_api(prepared, registry, state))
    return surface.wrap(app)


def _check_every_operation_served(prepared: dict[str, Any], registry: Registry) -> None:
    missing = [op["operationId"] for _, _, op in operations(prepared) if op["operationId"] not in registry.views]
    if missing:
        names = ", ".join(sorted(missing))
        raise StartupError(f"no view for operations {names}; register them in mock_server.resources.handlers")


class Dispatcher:
    """The control API and media, the Swagger UI, and everything else to the contract."""

    PREFIXES = ("/_mock/", "/media/", "/api/schema/")

    def __init__(self, control: ASGIApp, docs: ASGIApp, api: ASGIApp) -> None:
        self.control = control
        self.docs = docs
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(self.PREFIXES):
            await self.control(scope, receive, send)
        elif path.startswith(DOCS_PATH):
            await self.docs(scope, receive, send)
        else:
            await self.api(scope, receive, send)


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing starts or stops with the server: the store is built by `create_app`."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class SwaggerUI:
    """Connexion's Swagger UI for the contract at /api/docs/, built on its first request.

    Connexion validates a document on every `add_api` (a second or two); nobody should wait for
    that at start-up for a page they may never open. The document the page loads is served here,
    with the mock's own address as its server: Connexion's own copy has its references resolved,
    which a recursive schema (DRF's nested field errors) turns into a structure JSON cannot hold.
    """

    SPEC_PATH = f"{DOCS_PATH}/openapi.json"

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._app: ConnexionMiddleware | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("path") == self.SPEC_PATH:
            # The contract names InvenTree's development server; "Try it out" must call this mock,
            # at the address the page was loaded from.
            base_url = str(Request(scope).base_url).rstrip("/")
            await JSONResponse({**self.document, "servers": [{"url": base_url}]})(scope, receive, send)
            return
        if self._app is None:
            app = ConnexionMiddleware(
                JSONResponse({"detail": "Not found."}, status_code=404),
                middlewares=[SwaggerUIMiddleware],
                swagger_ui_options=SwaggerUIOptions(swagger_ui_path=DOCS_PATH, spec_path=self.SPEC_PATH),
            )
            app.add_api(self.document, resolver=lambda _operation_id: None)
            self._app = app
        await self._app(scope, receive, send)


__all__ = ["StartupError", "create_app"]
