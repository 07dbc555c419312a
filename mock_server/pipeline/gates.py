"""The checks DRF makes before a view runs, in DRF's order, as ASGI middleware around Connexion.

DRF negotiates the response format first (406), then authenticates (401), then checks permissions
(403), and only parses the body when the view reads it (413/415/400). Connexion routes first, so
these gates run on routed operations only; unknown paths fall through to the catch-all 404.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.pipeline.auth import identity_of, operation_id_of
from mock_server.pipeline.context import APP, RAW_BODY, AppState, Call, Permission
from mock_server.pipeline.errors import (
    APIError,
    NotAcceptable,
    NotAuthenticated,
    PermissionDenied,
    UnsupportedMediaType,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ACCEPTABLE = ("application/json", "application/*", "*/*")


class ContentNegotiationMiddleware:
    """406 when the client accepts nothing DRF's JSON renderer produces."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and operation_id_of(scope) is not None:
            accept = Headers(scope=scope).get("accept", "")
            if accept.strip() and not any(
                part.split(";")[0].strip().lower() in ACCEPTABLE for part in accept.split(",")
            ):
                raise NotAcceptable()
        await self.app(scope, receive, send)


class PermissionMiddleware:
    """The operation's permission (staff only, staff or read-only, ...), before any body parsing."""

    def __init__(self, app: ASGIApp, permissions: Mapping[str, Permission]) -> None:
        self.app = app
        self.permissions = permissions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation_id = operation_id_of(scope)
        permission = self.permissions.get(operation_id) if operation_id else None
        if scope["type"] == "http" and permission is not None and not permission(Call(scope, {})):
            # DRF: a refused anonymous caller is asked to authenticate, a known one is refused.
            raise PermissionDenied() if identity_of(scope).is_authenticated else NotAuthenticated()
        await self.app(scope, receive, send)


class BodyMiddleware:
    """Read a request body once, within the size limit, and keep it in the scope for the views.

    A body without a Content-Type is refused, as DRF refuses it, by operations that parse their
    body (`parsing`); Connexion would guess JSON.
    """

    def __init__(self, app: ASGIApp, parsing: frozenset[str]) -> None:
        self.app = app
        self.parsing = parsing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS or operation_id_of(scope) is None:
            await self.app(scope, receive, send)
            return
        state: AppState = scope[APP]
        limit = state.settings.max_body_bytes
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(limit)
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(limit)
            chunks.append(chunk)
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        if raw and not headers.get("content-type", "").strip() and operation_id_of(scope) in self.parsing:
            raise UnsupportedMediaType("")
        scope[RAW_BODY] = raw
        await self.app(scope, _replay(raw, receive), send)


class PayloadTooLarge(APIError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__({"detail": f"Request body is larger than the limit of {limit} bytes."})


def _replay(raw: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
