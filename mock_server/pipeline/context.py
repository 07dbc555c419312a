"""What the app holds for its lifetime, what one request has learned, and how a view answers.

`Call` is the one request state: the router creates it when it has found the operation and
leaves it in Starlette's `Request.state` (backed by `scope["state"]`, as the ASGI spec has it);
each later step fills in what it learns (who is calling, the body read once, parsed once and
cleaned once), and the view receives it. Nothing else is carried in the scope.
"""

from __future__ import annotations

import dataclasses
import functools
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from starlette.datastructures import URL, Headers, QueryParams
from starlette.responses import Response
from starlette.types import Scope

from mock_server.pipeline.auth import ANONYMOUS, Identity
from mock_server.pipeline.bodies import Body
from mock_server.pipeline.errors import APIError
from mock_server.pipeline.rendering import render_json
from mock_server.settings import Settings
from mock_server.state.store import Store

if TYPE_CHECKING:
    from mock_server.pipeline.operations import Operation

# The name under which the request state sits in `scope["state"]`: `Request(scope).state.call`.
STATE_KEY = "call"


@dataclasses.dataclass(frozen=True)
class AppState:
    """Everything long-lived: the store, the settings and the contract, given to the app when it is built."""

    store: Store
    settings: Settings
    document: dict[str, Any]


@dataclasses.dataclass(eq=False)
class Call:
    """One API call: who makes it, what it asks for, and the state it acts on."""

    app: AppState
    scope: Scope
    method: str
    operation: Operation | None = None
    # Path parameters, converted by the route's converters (integer ids are ints).
    path: dict[str, Any] = dataclasses.field(default_factory=dict)
    identity: Identity = ANONYMOUS
    # The request body as received (read once, within the size limit).
    raw_body: bytes = b""
    # The body parsed by its Content-Type, and cleaned against the operation's schema.
    parsed: Body | None = None
    cleaned: dict[str, Any] | None = None
    # A parse or validation error, raised when the view reads the body (as DRF's `request.data` does).
    body_error: APIError | None = None
    # The methods of the DRF view that answers, sent as `Allow` on every answer it gives
    # (rest_framework/views.py: `default_response_headers`); empty for a Django page.
    allowed: tuple[str, ...] = ()

    @classmethod
    def start(cls, app: AppState, scope: Scope) -> Call:
        """A new request state, left in `scope["state"]` for every later step."""
        call = cls(app, scope, scope["method"])
        scope.setdefault("state", {})[STATE_KEY] = call
        return call

    @staticmethod
    def of(scope: Scope) -> Call:
        """The request state the router left in the scope."""
        call = scope["state"][STATE_KEY]
        assert isinstance(call, Call)
        return call

    @staticmethod
    def started(scope: Scope) -> Call | None:
        """The request state, if the router got as far as starting it."""
        call = scope.get("state", {}).get(STATE_KEY)
        return call if isinstance(call, Call) else None

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def document(self) -> dict[str, Any]:
        return self.app.document

    @functools.cached_property
    def query(self) -> QueryParams:
        return QueryParams(self.scope.get("query_string", b""))

    @functools.cached_property
    def url(self) -> URL:
        return URL(scope=self.scope)

    @functools.cached_property
    def headers(self) -> Headers:
        return Headers(scope=self.scope)

    @property
    def data(self) -> dict[str, Any]:
        """The request body, cleaned against the operation's schema.

        Reading it raises the body's parse or validation error, as reading DRF's `request.data` does.
        """
        if self.body_error is not None:
            raise self.body_error
        return self.cleaned if self.cleaned is not None else {}

    @property
    def body(self) -> Body:
        """The request body as parsed (all fields, not only those the schema names)."""
        if self.body_error is not None:
            raise self.body_error
        return self.parsed if self.parsed is not None else Body({})

    @property
    def user_pk(self) -> Any:
        return self.identity.user["pk"] if self.identity.user else None

    @functools.cached_property
    def absolute_uri(self) -> str:
        """The request's URL as Django's `build_absolute_uri()` writes it: path and query percent-encoded."""
        # django/http/request.py `_get_full_path` and django/utils/encoding.py `escape_uri_path`, `iri_to_uri`.
        path = urllib.parse.quote(self.scope["path"], safe="/:@&+$,-_.!~*'()")
        query = self.scope.get("query_string", b"").decode("latin-1")
        if query:
            path += "?" + urllib.parse.quote(query, safe="/#%[]=:;$&()+,!?*@'~")
        return str(self.url.replace(path="", query="")).rstrip("/") + path

    def absolute(self, path: str) -> str:
        return str(self.url.replace(path=path, query=""))


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """JSON as DRF renders it: compact separators, UTF-8, no ASCII escaping."""
    return Response(render_json(body), status_code=status, headers=dict(headers or {}), media_type="application/json")


def no_content() -> Response:
    return Response(status_code=204)


View = Callable[[Call], Awaitable[Response]]
Permission = Callable[[Call], bool]


def anyone(call: Call) -> bool:
    return True


def authenticated(call: Call) -> bool:
    return call.identity.is_authenticated


def staff(call: Call) -> bool:
    """DRF's IsAdminUser: `is_staff` (superusers are staff in InvenTree's fixtures too)."""
    return call.identity.is_staff


def staff_or_read_only(call: Call) -> bool:
    """InvenTree's IsStaffOrReadOnly, behind IsAuthenticated."""
    return call.identity.is_authenticated and (call.method in {"GET", "HEAD", "OPTIONS"} or call.identity.is_staff)


# The methods DRF's DjangoModelPermissions knows (`perms_map`, rest_framework/permissions.py).
MODEL_PERMISSION_METHODS = frozenset({"GET", "OPTIONS", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


@dataclasses.dataclass(frozen=True)
class DefaultPermissions:
    """InvenTree's default permission classes: IsAuthenticated, DjangoModelPermissions, RolePermission.

    InvenTree/settings.py REST_FRAMEWORK. DjangoModelPermissions answers a method outside its
    `perms_map` (TRACE, QUERY, ...) with 405 for any authenticated user before the role is asked,
    so such a method passes here and the view's 405 follows; every other method needs the role.
    """

    role: Permission

    def __call__(self, call: Call) -> bool:
        if call.method not in MODEL_PERMISSION_METHODS:
            return call.identity.is_authenticated
        return self.role(call)
