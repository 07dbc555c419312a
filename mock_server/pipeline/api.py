"""The contract served through Connexion 3, as middleware around the mock's views.

Connexion runs in its documented middleware mode: it routes each request to its operation and
validates the body; the app it wraps calls the operation's view directly. Connexion's own
AsyncApp would route every request a second time and rebuild its parameter and response
decorators on every call, which measured as a third of the mock's time per request.

Connexion's stack is trimmed to what the mock uses, each change measured under load: routing is
indexed (pipeline/routing.py), security is enforced by the mock's authentication (pipeline/auth.py), validation runs
only where there is a body (pipeline/validation.py), the Swagger UI is served on its own path (app.py), and
there is no response validation, lifespan or context: the views read what they need from the
scope, and responses are held to the contract by the contract suite. Between routing and
validation run DRF's checks, in DRF's order: content negotiation, authentication, permissions,
then the body.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.main import API
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.resolver import Resolver
from connexion.spec import OpenAPISpecification
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.auth import AuthenticationMiddleware, Requirement, authenticate, operation_id_of
from mock_server.pipeline.context import Call, View
from mock_server.pipeline.errors import (
    APIError,
    EndpointNotFound,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    UnsupportedMediaType,
)
from mock_server.pipeline.gates import BodyMiddleware, ContentNegotiationMiddleware, PermissionMiddleware
from mock_server.pipeline.routes import PathIndex
from mock_server.pipeline.routing import IndexedRoutingMiddleware
from mock_server.pipeline.validation import VALIDATOR_MAP, BodyValidationMiddleware
from mock_server.resources.handlers import Registry
from mock_server.resources.rendering import render_json
from mock_server.state.store import Store
from spec import operations

logger = logging.getLogger("mock_server")
# Connexion warns once per operation that offers JSON, form and multipart bodies; the mock's body
# validator handles all three, so the warning says nothing to a user of the mock.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


class ValidatedSpecification(OpenAPISpecification):  # type: ignore[misc]
    """A document that `spec.load_spec` has validated with openapi-spec-validator already.

    Connexion validates again on `add_api`, which took two seconds of every start-up.
    """

    @classmethod
    def _validate_spec(cls, spec: dict[str, Any]) -> None:
        return None


class ContractMiddleware(ConnexionMiddleware):  # type: ignore[misc]
    """ConnexionMiddleware that accepts an already validated document."""

    def add_validated_api(self, document: dict[str, Any], **options: Any) -> None:
        chosen = self.options.replace(**options)
        self.apis.append(API(ValidatedSpecification(document), base_path=None, name=None, **chosen.__dict__))


def build_api(prepared: dict[str, Any], registry: Registry, store: Store, paths: PathIndex) -> ASGIApp:
    """Connexion's middleware around the views, with every error rendered the InvenTree way."""
    requirements = {op["operationId"]: Requirement.of(op.get("security", [])) for _, _, op in operations(prepared)}
    parsing = frozenset(
        op["operationId"]
        for method, path, op in operations(prepared)
        if "requestBody" in op or (method == "DELETE" and not path.rstrip("/").endswith("}"))
    )
    middlewares: list[Any] = [
        ServerErrorMiddleware,
        ExceptionMiddleware,
        IndexedRoutingMiddleware,
        ContentNegotiationMiddleware,
        functools.partial(AuthenticationMiddleware, store=store, requirements=requirements),
        functools.partial(PermissionMiddleware, permissions=registry.permissions),
        functools.partial(BodyMiddleware, parsing=parsing),
        BodyValidationMiddleware,
    ]
    api = ContractMiddleware(
        OperationApp(registry.views),
        middlewares=middlewares,
        # Connexion resolves every operationId when the API is added; the views are what it finds.
        resolver=Resolver(function_resolver=registry.views.__getitem__),
        validator_map=VALIDATOR_MAP,
    )
    api.add_validated_api(prepared, strict_validation=False, validate_responses=False)
    errors = ErrorRenderer(store, paths)
    api.add_error_handler(APIError, errors.api_error)
    api.add_error_handler(ProblemException, errors.problem)
    api.add_error_handler(HTTPException, errors.http_exception)
    api.add_error_handler(Exception, errors.unexpected)
    return api


class OperationApp:
    """The app Connexion wraps: call the view of the operation Connexion routed the request to."""

    def __init__(self, views: dict[str, View]) -> None:
        self.views = views

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        operation_id = operation_id_of(scope)
        if operation_id is None:
            raise EndpointNotFound(str(URL(scope=scope)))
        response = await self.views[operation_id](Call(scope, scope.get("path_params", {})))
        await response(scope, receive, send)


class ErrorRenderer:
    """Every error, ours or Connexion's, in the shape a real InvenTree server gives it."""

    def __init__(self, store: Store, paths: PathIndex) -> None:
        self.store = store
        self.paths = paths

    async def api_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, APIError)
        return _response(exc)

    async def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, ProblemException)
        status = exc.status
        if status == 401:
            return _response(NotAuthenticated())
        if status == 403:
            return _response(PermissionDenied())
        if status == 415:
            return _response(UnsupportedMediaType(request.headers.get("content-type", "")))
        if status == 404:
            return self._not_found(request)
        if status == 405:
            return self._method_not_allowed(request)
        return _response(APIError({"detail": str(exc.detail or exc.title)}), status)

    async def http_exception(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return self._not_found(request)
        if exc.status_code == 405:
            return self._method_not_allowed(request)
        return _response(APIError({"detail": str(exc.detail)}), exc.status_code)

    async def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url, exc_info=exc)
        return _response(APIError({"detail": "A server error occurred."}), 500)

    def _not_found(self, request: ConnexionRequest) -> ConnexionResponse:
        if request.url.path.startswith("/api/"):
            return _response(EndpointNotFound(str(request.url)))
        return _response(NotFound())

    def _method_not_allowed(self, request: ConnexionRequest) -> ConnexionResponse:
        allowed = self.paths.allowed_methods(request.url.path)
        if not allowed:
            return self._not_found(request)
        # DRF authenticates before it dispatches on the method: a caller without valid
        # credentials on a secured path hears 401, not 405.
        try:
            identity = authenticate(request.headers, request.method, self.store)
        except APIError as error:
            return _response(error)
        if identity.user is None and not self.paths.allows_anonymous(request.url.path):
            return _response(NotAuthenticated())
        return _response(MethodNotAllowed(request.method, allowed))


def _response(error: APIError, status: int | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status or error.status_code,
        mimetype="application/json",
        content_type="application/json",
        body=render_json(error.body),
        headers=error.headers,
    )
