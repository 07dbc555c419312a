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
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from connexion.http_facts import METHODS
from connexion.middleware.abstract import SpecMiddleware
from starlette.convertors import Convertor, IntegerConvertor, StringConvertor, register_url_convertor
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.auth import Requirement
from mock_server.pipeline.context import AppState, Call, Permission, anyone
from mock_server.pipeline.errors import CATCH_ALL_METHODS, EndpointNotFound, MethodNotAllowed
from mock_server.pipeline.operations import Operation

# The order of Django REST Framework's `http_method_names`, which its Allow header follows.
DRF_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class DjangoIntConvertor(IntegerConvertor):
    """Django's `<int:pk>`: digits only (no sign)."""

    regex = "[0-9]+"


class DjangoSlugConvertor(StringConvertor):
    """Django's `<slug:...>`: ASCII letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"


class DjangoUUIDConvertor(StringConvertor):
    """Django's `<uuid:pk>`: only the lower-case, hyphenated form (Starlette's `uuid` takes more)."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# Registered under names of our own: Connexion registers its signed `int` over Starlette's.
register_url_convertor("django_int", DjangoIntConvertor())
register_url_convertor("django_uuid", DjangoUUIDConvertor())
register_url_convertor("django_slug", DjangoSlugConvertor())


def pattern_convertor(pattern: str) -> str:
    """The name of a convertor for a path parameter the contract gives a `pattern`, registered once.

    InvenTree's `re_path` routes (a machine setting's config type `M|D` and its key, word characters) are
    published as these patterns; a value outside one matches no route, so the catch-all answers.
    """
    name = "pattern_" + hashlib.sha256(pattern.encode()).hexdigest()[:12]
    regex = "(?:" + pattern.removeprefix("^").removesuffix("$") + ")"
    register_url_convertor(name, type(name, (StringConvertor,), {"regex": regex})())
    return name


def starlette_path(path: str, parameters: Mapping[str, Mapping[str, Any]]) -> str:
    """The Starlette template of a contract path: integer ids match digits, UUIDs Django's form."""

    def converted(match: re.Match[str]) -> str:
        schema = parameters.get(match[1], {})
        if schema.get("format") == "uuid":
            converter = "django_uuid"
        elif schema.get("format") == "slug":
            converter = "django_slug"
        elif isinstance(schema.get("pattern"), str):
            converter = pattern_convertor(schema["pattern"])
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
    # What answers a method the view does not serve: DRF's 405, after authentication and permissions.
    unserved: Operation

    @classmethod
    def of(cls, template: str, operations: Mapping[str, Operation]) -> PathRoute:
        parameters = {name: schema for op in operations.values() for name, schema in op.path_parameters.items()}
        regex, _, convertors = compile_path(starlette_path(template, parameters))
        methods = set(operations) | {"OPTIONS"} | ({"HEAD"} if "GET" in operations else set())
        allowed = tuple(m for m in DRF_ORDER if m in methods)
        return cls(regex, convertors, operations, allowed, _unserved(template, operations, allowed))

    def operation(self, method: str) -> Operation:
        found = self.operations.get(method)
        if found is None and method == "HEAD":
            found = self.operations.get("GET")
        return found or self.unserved


def _unserved(template: str, operations: Mapping[str, Operation], allowed: tuple[str, ...]) -> Operation:
    """DRF's answer to a method a view lacks (rest_framework/views.py `dispatch`).

    `initial()` authenticates and checks the view's permission classes before the handler is looked
    up, so a caller who may not use the view hears 401/403, and only one who may hears 405. The
    view's permission is that of its GET (else its first operation), asked about the method sent.
    """
    first = operations.get("GET") or next(iter(operations.values()))
    schemes = frozenset(scheme for op in operations.values() for scheme in op.requirement.schemes)
    anonymous = any(op.requirement.anonymous or not op.requirement.schemes for op in operations.values())

    async def method_not_allowed(call: Call) -> Response:
        raise MethodNotAllowed(call.method, allowed)

    return Operation.answering(
        "method_not_allowed:" + template,
        template,
        method_not_allowed,
        first.permission,
        Requirement(schemes, anonymous),
    )


async def _not_found(call: Call) -> Response:
    # NotFoundView serves GET, POST, PUT, PATCH, DELETE and OPTIONS; DRF answers any other method 405.
    if call.method not in CATCH_ALL_METHODS:
        raise MethodNotAllowed(call.method, CATCH_ALL_METHODS)
    raise EndpointNotFound(call.absolute_uri)


# InvenTree's catch-all `re_path(r'^.*$', NotFoundView.as_view())` (InvenTree/urls.py): a DRF view
# with the default authenticators and AllowAny, so bad credentials are a 401 there too.
CATCH_ALL = Operation.answering(
    "api-404", "/api/", _not_found, anyone, Requirement(frozenset({"tokenAuth", "basicAuth", "cookieAuth"}), True)
)


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
        call.operation, call.allowed = CATCH_ALL, CATCH_ALL_METHODS
        for route in self.index.get(_key(path), ()):
            # Django matches an endpoint's whole path (`fullmatch`): `$` does not pass a final new line.
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            try:
                values = {name: route.convertors[name].convert(value) for name, value in match.groupdict().items()}
            except ValueError:
                # Django's `int` converter raising ValueError (an id beyond Python's 4300-digit limit
                # for int()) means "no match" (django/urls/resolvers.py), so the catch-all answers.
                continue
            call.operation, call.allowed, call.path = route.operation(call.method), route.allowed, values
            break
        # A path with a new line gets the catch-all's JSON 404 too, as the contract says. InvenTree 0.18's
        # catch-all (`re_path(r'^.*$')`) stops at the new line and Django answers its HTML 404 page: a
        # defect of that server (contract_tests/known, A11), which the mock does not copy.
        await self.app(scope, receive, send)
