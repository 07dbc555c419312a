"""The one routing table: each request to the operation of the contract it names, or InvenTree's 404/405.

A SpecMiddleware (Connexion's public base for middleware that needs the specification): Connexion
loads and validates the contract and hands it over; the routes are built from Connexion's parsed
operations, with the views its resolver found. Connexion's own RoutingMiddleware is not used:
- its path converters are chosen by a private method (`_framework_path_and_name`) and know no
  UUIDs, while InvenTree's URL patterns take only digits (`<int:pk>`) and Django's UUID form
  (`<uuid:pk>`); an id of another form must fall to InvenTree's catch-all 404, before
  authentication;
- its Starlette router redirects a path with a missing or extra trailing slash, where InvenTree
  answers its catch-all 404;
- it matches a request against every route in turn and hands later middleware the operation
  through its own scope extension; with ~150 routes that scan was a fifth of the mock's time
  per request. Here only the routes that share the request's first two path segments are tried.
Paths are tried in the prepared contract's order (pipeline/preparation.py: literal segments first).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from connexion.http_facts import METHODS
from connexion.middleware.abstract import SpecMiddleware
from starlette.convertors import Convertor, IntegerConvertor, StringConvertor, register_url_convertor
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.auth import authenticate
from mock_server.pipeline.context import AppState, Call, Permission
from mock_server.pipeline.errors import EndpointNotFound, MethodNotAllowed, NotAuthenticated
from mock_server.pipeline.operations import Operation

# The order of Django REST Framework's `http_method_names`, which its Allow header follows.
DRF_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class DjangoIntConvertor(IntegerConvertor):
    """Django's `<int:pk>`: digits only (no sign)."""

    regex = "[0-9]+"


class DjangoUUIDConvertor(StringConvertor):
    """Django's `<uuid:pk>`: only the lower-case, hyphenated form (Starlette's `uuid` takes more)."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# Registered under names of our own: Connexion registers its signed `int` over Starlette's.
register_url_convertor("django_int", DjangoIntConvertor())
register_url_convertor("django_uuid", DjangoUUIDConvertor())


def starlette_path(path: str, parameters: Mapping[str, Mapping[str, Any]]) -> str:
    """The Starlette template of a contract path: integer ids match digits, UUIDs Django's form."""

    def converted(match: re.Match[str]) -> str:
        schema = parameters.get(match[1], {})
        if schema.get("format") == "uuid":
            converter = "django_uuid"
        else:
            converter = {"integer": "django_int", "number": "float"}.get(str(schema.get("type")), "")
        return "{" + match[1] + (":" + converter if converter else "") + "}"

    return re.sub(r"{(\w+)}", converted, path)


@dataclasses.dataclass(frozen=True)
class PathRoute:
    """One path of the contract: its pattern, its operations by method, and what a 405 needs."""

    regex: re.Pattern[str]
    convertors: Mapping[str, Convertor[Any]]
    operations: Mapping[str, Operation]
    allowed: tuple[str, ...]
    anonymous: bool

    @classmethod
    def of(cls, template: str, operations: Mapping[str, Operation]) -> PathRoute:
        parameters = {name: schema for op in operations.values() for name, schema in op.path_parameters.items()}
        regex, _, convertors = compile_path(starlette_path(template, parameters))
        methods = set(operations) | {"OPTIONS"} | ({"HEAD"} if "GET" in operations else set())
        anonymous = any(op.requirement.anonymous or not op.requirement.schemes for op in operations.values())
        return cls(regex, convertors, operations, tuple(m for m in DRF_ORDER if m in methods), anonymous)

    def operation(self, method: str) -> Operation | None:
        found = self.operations.get(method)
        if found is None and method == "HEAD":
            found = self.operations.get("GET")
        return found


def _key(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")[1:3])


class ContractRouter(SpecMiddleware):  # type: ignore[misc]
    """Route to the operation of the contract and start the request state; unknown paths are InvenTree's 404."""

    def __init__(self, app: ASGIApp, *, state: AppState, permissions: Mapping[str, Permission]) -> None:
        self.app = app
        self.state = state
        self.permissions = permissions
        self.index: dict[tuple[str, ...], list[PathRoute]] = defaultdict(list)

    def add_api(self, specification: Any, *, base_path: str | None = None, resolver: Any = None, **_: Any) -> None:
        """Build the routes from the specification Connexion loaded, with the views its resolver finds."""
        prefix = (base_path if base_path is not None else specification.base_path) or ""
        for path, item in specification["paths"].items():
            operations = {
                method.upper(): Operation.of(
                    specification.operation_cls.from_spec(specification, path=path, method=method, resolver=resolver),
                    self.permissions,
                )
                for method in item
                if method in METHODS
            }
            template = prefix + path
            if "{" in "/".join(_key(template)):
                raise ValueError(f"{template}: the first two path segments must be literal for the route index")
            self.index[_key(template)].append(PathRoute.of(template, operations))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        call = Call.start(self.state, scope)
        path: str = scope["path"]
        method = call.method
        partial: PathRoute | None = None
        for route in self.index.get(_key(path), ()):
            match = route.regex.match(path)
            if match is None:
                continue
            operation = route.operation(method)
            if operation is None:
                partial = partial or route
                continue
            call.operation = operation
            call.path = {name: route.convertors[name].convert(value) for name, value in match.groupdict().items()}
            await self.app(scope, receive, send)
            return
        if partial is not None:
            raise self._method_not_allowed(call, partial)
        raise EndpointNotFound(str(call.url))

    @staticmethod
    def _method_not_allowed(call: Call, route: PathRoute) -> Exception:
        # DRF authenticates before it dispatches on the method: a caller without valid
        # credentials on a secured path hears 401, not 405.
        identity = authenticate(call.headers, call.method, call.store)
        if identity.user is None and not route.anonymous:
            return NotAuthenticated()
        return MethodNotAllowed(call.method, route.allowed)
