"""The contract served through Connexion 3's middleware, around the mock's views.

Connexion runs as `ConnexionMiddleware` with a middleware list of its public building blocks and
ours: it loads and validates the contract (`add_api`), resolves every operationId to its view
when the routes are built (`resolver`), hands the specification to each `SpecMiddleware`, and
renders every error through the handlers registered with `add_error_handler`. The steps, in the
order a request meets them:

1. ServerErrorMiddleware, ExceptionMiddleware (Connexion's): errors become InvenTree's answers.
2. ContractRouter (pipeline/routing.py): the operation, or the catch-all 404 / DRF's 405; starts
   the request state (pipeline/context.py: `Call`).
3. ContentNegotiation, Authentication, Permission (pipeline/gates.py): DRF's 406, 401, 403.
4. RequestBody (pipeline/validation.py): the body read, parsed and cleaned once; 413, 415.
5. OperationApp: the view, with the request state.

Connexion's routing, security and request-validation middleware are replaced by these steps
(each module says why); there is no response validation, lifespan or context middleware: the
views read what they need from the request state, and responses are held to the contract by
the contract suite.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.resolver import Resolver
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.context import AppState, Call
from mock_server.pipeline.errors import APIError
from mock_server.pipeline.gates import AuthenticationMiddleware, ContentNegotiationMiddleware, PermissionMiddleware
from mock_server.pipeline.rendering import render_json
from mock_server.pipeline.routing import ContractRouter
from mock_server.pipeline.validation import RequestBodyMiddleware
from mock_server.resources.handlers import Registry

logger = logging.getLogger("mock_server")
# Connexion warns once per operation that offers JSON, form and multipart bodies whenever a body
# schema is asked for; the mock's serializers handle all three, so the warning says nothing.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


def build_api(prepared: dict[str, Any], registry: Registry, state: AppState) -> ASGIApp:
    """Connexion's middleware around the views, with every error rendered the InvenTree way."""
    middlewares: list[Any] = [
        ServerErrorMiddleware,
        ExceptionMiddleware,
        functools.partial(ContractRouter, state=state, permissions=registry.permissions),
        ContentNegotiationMiddleware,
        AuthenticationMiddleware,
        PermissionMiddleware,
        RequestBodyMiddleware,
    ]
    api = ConnexionMiddleware(
        OperationApp(),
        middlewares=middlewares,
        # Connexion resolves every operationId when the routes are built; the views are what it finds.
        resolver=Resolver(function_resolver=registry.views.__getitem__),
    )
    api.add_api(prepared)
    api.add_error_handler(APIError, render_api_error)
    api.add_error_handler(Exception, render_unexpected)
    app: ASGIApp = api
    return app


class OperationApp:
    """The app Connexion wraps: call the view of the operation the router found."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        call = Call.of(scope)
        assert call.operation is not None, "the router answers every request without an operation"
        response = await call.operation.view(call)
        if call.allowed and "allow" not in response.headers:
            response.headers["Allow"] = ", ".join(call.allowed)
        await response(scope, receive, send)


async def render_api_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """An error of the mock's own, already in InvenTree's shape."""
    assert isinstance(exc, APIError)
    return _response(request, exc)


async def render_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """A bug: logged with its traceback, answered as DRF's plain 500."""
    logger.exception("unexpected error on %s %s", request.method, request.url, exc_info=exc)
    return _response(request, APIError({"detail": "A server error occurred."}), 500)


def _response(request: ConnexionRequest, error: APIError, status: int | None = None) -> ConnexionResponse:
    headers = dict(error.headers)
    call = Call.started(request.scope)
    if call is not None and call.allowed and "Allow" not in headers:
        # DRF's finalize_response sets the view's `Allow` on its error answers too.
        headers["Allow"] = ", ".join(call.allowed)
    return ConnexionResponse(
        status_code=status or error.status_code,
        mimetype="application/json",
        content_type="application/json",
        body=render_json(error.body),
        headers=headers,
    )
