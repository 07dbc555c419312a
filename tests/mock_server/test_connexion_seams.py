"""The public seams of Connexion and Starlette the mock is built on, checked one by one.

A new release that changes one of them fails here with the seam's name and where the mock uses
it, rather than somewhere in the middle of a request. pyproject.toml pins Connexion to the minor
series verified here.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any, ClassVar

from connexion.http_facts import METHODS
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.abstract import SpecMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.resolver import Resolver
from starlette.requests import cookie_parser
from starlette.routing import compile_path
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

VERIFIED_SERIES = "3.3."
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "seams", "version": "1"},
    "paths": {
        "/api/thing/{id}/": {
            "patch": {
                "operationId": "thing_update",
                "security": [{"tokenAuth": []}, {}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {}}}}}
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"securitySchemes": {"tokenAuth": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
}


async def view() -> None:
    """The function the resolver finds for `thing_update`."""


async def terminal(scope: Scope, receive: Receive, send: Send) -> None:
    raise LookupError("raised inside the stack")


class Recorder(SpecMiddleware):  # type: ignore[misc]
    calls: ClassVar[list[tuple[Any, dict[str, Any]]]] = []

    def __init__(self, app: Any) -> None:
        self.app = app

    def add_api(self, specification: Any, **kwargs: Any) -> None:
        Recorder.calls.append((specification, kwargs))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


async def handler(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return ConnexionResponse(status_code=418, mimetype="application/json", body=b'{"handled":true}')


def test_connexion_is_the_minor_series_the_mock_was_verified_against() -> None:
    found = version("connexion")
    assert found.startswith(VERIFIED_SERIES), (
        f"Connexion {found} is installed; the mock's seams were verified on {VERIFIED_SERIES}x "
        "(pyproject.toml pins it): run this module's tests and the mock's suite before widening the pin"
    )


def test_spec_middleware_gets_the_loaded_contract_and_the_resolver_and_errors_reach_the_handlers() -> None:
    Recorder.calls.clear()
    app = ConnexionMiddleware(
        terminal,
        middlewares=[ServerErrorMiddleware, ExceptionMiddleware, Recorder],
        resolver=Resolver(function_resolver={"thing_update": view}.__getitem__),
    )
    app.add_api(DOCUMENT)
    app.add_error_handler(LookupError, handler)
    response = TestClient(app).get("/api/thing/1/")  # the stack is built on the first request
    assert (response.status_code, response.json()) == (418, {"handled": True}), (
        "ConnexionMiddleware no longer routes an exception to a handler of add_error_handler "
        "(mock_server/pipeline/api.py renders every error that way)"
    )
    assert len(Recorder.calls) == 1, (
        "ConnexionMiddleware no longer calls add_api on a SpecMiddleware of its middlewares list "
        "(mock_server/pipeline/routing.py builds the routes there)"
    )
    specification, options = Recorder.calls[0]
    assert {"resolver", "base_path"} <= set(options), f"add_api options changed: {sorted(options)}"
    assert specification.base_path == "" and "/api/thing/{id}/" in specification["paths"]
    operation = specification.operation_cls.from_spec(
        specification, path="/api/thing/{id}/", method="patch", resolver=options["resolver"]
    )
    # What mock_server/pipeline/operations.py reads from Connexion's parsed operation.
    assert operation.operation_id == "thing_update" and operation.function is view
    assert (operation.method, operation.path) == ("patch", "/api/thing/{id}/")
    assert list(operation.consumes) == ["application/json"]
    schema = operation.body_schema("application/json")
    assert (schema["type"], schema["properties"]) == ("object", {"a": {}})
    assert list(operation.security) == [{"tokenAuth": []}, {}]
    assert [p["name"] for p in operation.parameters if p["in"] == "path"] == ["id"]
    assert {"get", "post", "patch", "delete", "options", "head", "put"} <= set(METHODS)


def test_starlette_seams() -> None:
    # pipeline/auth.py: Starlette's port of Django's parse_cookie.
    assert cookie_parser('sessionid=abc; csrftoken="x y"; bad') == {"sessionid": "abc", "csrftoken": "x y", "": "bad"}
    # pipeline/routing.py: routes compiled with Starlette's own path compiler and converters.
    regex, _, convertors = compile_path("/api/thing/{id:int}/")
    match = regex.match("/api/thing/42/")
    assert match is not None and convertors["id"].convert(match["id"]) == 42


def test_connexions_request_validator_reads_openapi_nullable() -> None:
    # resources/serializers.py and state/fixtures.py validate with it: OpenAPI 3.0's `nullable`.
    validator = Draft4RequestValidator({"type": "string", "nullable": True, "maxLength": 2})
    assert validator.is_valid(None) and validator.is_valid("ab") and not validator.is_valid("abc")
