"""What a view sees of one API call, and how a view's answer becomes a response."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.datastructures import URL, Headers, QueryParams
from starlette.responses import Response
from starlette.types import Scope

from mock_server.pipeline.auth import Identity, identity_of
from mock_server.pipeline.bodies import Body
from mock_server.resources.rendering import render_json
from mock_server.settings import Settings
from mock_server.state.store import Store

APP = "mock.app"
BODY = "mock.body"
DATA = "mock.data"
DATA_ERROR = "mock.data_error"
RAW_BODY = "mock.raw_body"


@dataclasses.dataclass
class AppState:
    """Everything long-lived that views need, put into every request's scope by the app."""

    store: Store
    settings: Settings
    document: dict[str, Any]


class Call:
    """One API call: who makes it, what it asks for, and the state it acts on."""

    def __init__(self, scope: Scope, path: Mapping[str, Any]) -> None:
        self.scope = scope
        self.path = dict(path)
        state: AppState = scope[APP]
        self.store = state.store
        self.settings = state.settings
        self.document = state.document
        self.method: str = scope["method"]
        self.identity: Identity = identity_of(scope)

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
        """The request body, cleaned against the operation's schema by the body validator.

        Reading it raises the body's parse or validation error, as reading DRF's `request.data` does.
        """
        error = self.scope.get(DATA_ERROR)
        if error is not None:
            raise error
        data = self.scope.get(DATA)
        return data if isinstance(data, dict) else {}

    @property
    def body(self) -> Body:
        """The request body as parsed (all fields, not only those the schema names)."""
        error = self.scope.get(DATA_ERROR)
        if error is not None:
            raise error
        body = self.scope.get(BODY)
        return body if isinstance(body, Body) else Body({})

    @property
    def raw_body(self) -> bytes:
        return bytes(self.scope.get(RAW_BODY, b""))

    @property
    def user_pk(self) -> Any:
        return self.identity.user["pk"] if self.identity.user else None

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
