"""The checks DRF makes before a view runs, in DRF's order, as ASGI middleware after the router.

DRF negotiates the response format first (406), then authenticates (401), then checks permissions
(403), and only then reads the body (pipeline/validation.py: 413/415/400). Each step reads the
operation the router found from the request state and adds what it learns to it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.auth import ANONYMOUS, SCHEME_OF_METHOD, authenticate
from mock_server.pipeline.context import Call
from mock_server.pipeline.errors import NotAcceptable, NotAuthenticated, NotFound, PermissionDenied

ACCEPTABLE = ("application/json", "application/*", "*/*")


class ContentNegotiationMiddleware:
    """DRF's content negotiation: 404 for a `?format=` no renderer has, 406 for an Accept nothing matches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            call = Call.of(scope)
            # DefaultContentNegotiation.filter_renderers (rest_framework/negotiation.py): the only
            # renderer of InvenTree without DEBUG is JSON, and an unknown format raises Http404.
            wanted = call.query.get("format")
            if wanted and wanted != "json":
                raise NotFound()
            accept = call.headers.get("accept", "")
            if accept.strip() and not any(
                part.split(";")[0].strip().lower() in ACCEPTABLE for part in accept.split(",")
            ):
                raise NotAcceptable()
        await self.app(scope, receive, send)


class AuthenticationMiddleware:
    """Resolve the credentials once and enforce the operation's declared `security`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            call = Call.of(scope)
            requirement = call.operation.requirement if call.operation is not None else None
            if requirement is None or not requirement.schemes:
                call.identity = ANONYMOUS
            else:
                identity = authenticate(call.headers, call.method, call.store)
                if identity.user is None and not requirement.anonymous:
                    raise NotAuthenticated()
                if identity.method is not None and SCHEME_OF_METHOD[identity.method] not in requirement.schemes:
                    raise NotAuthenticated()
                call.identity = identity
        await self.app(scope, receive, send)


class PermissionMiddleware:
    """The operation's permission (staff only, staff or read-only, ...), before the body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            call = Call.of(scope)
            permission = call.operation.permission if call.operation is not None else None
            if permission is not None and not permission(call):
                # DRF: a refused anonymous caller is asked to authenticate, a known one is refused.
                raise PermissionDenied() if call.identity.is_authenticated else NotAuthenticated()
        await self.app(scope, receive, send)
