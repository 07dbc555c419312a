"""Authentication as InvenTree's DRF stack does it: token, then HTTP Basic, then session cookie.

`AuthenticationMiddleware` runs after Connexion has routed the request. It resolves the
credentials once, answers DRF's exact 401/403 bodies for bad credentials or a missing CSRF token,
enforces the operation's declared `security` (which schemes, and whether `{}` lets anonymous
callers in), and leaves the identity in the scope for the views.

Connexion's own security middleware is not used: it cannot word InvenTree's 401s, so the
credentials had to be resolved here anyway, and running both measured as a sixth of the mock's
time per request. The requirements still come from the contract, operation by operation.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hmac
import secrets
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.errors import AuthenticationFailed, NotAuthenticated, PermissionDenied
from mock_server.state.store import Record, Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
IDENTITY = "mock.identity"


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who is calling, and how they proved it (None: anonymous)."""

    user: Record | None = None
    method: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_staff(self) -> bool:
        return bool(self.user and (self.user.get("is_staff") or self.user.get("is_superuser")))

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.get("is_superuser"))


ANONYMOUS = Identity()


def authenticate(headers: Headers, method: str, store: Store) -> Identity:
    """Run InvenTree's authenticators in order; the first that recognises its credentials decides."""
    authorization = headers.get("authorization", "")
    for authenticator in (_token, _basic):
        identity = authenticator(authorization, store)
        if identity is not None:
            return identity
    return _session(headers, method, store)


def _token(authorization: str, store: Store) -> Identity | None:
    parts = authorization.split()
    if not parts or parts[0].lower() != "token":
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed("Invalid token header. Token string should not contain spaces.")
    token = store["tokens"].get(parts[1])
    if token is None or token.get("revoked"):
        raise AuthenticationFailed("Invalid token.")
    expiry = token.get("expiry")
    if expiry and str(expiry) < dt.date.today().isoformat():
        raise AuthenticationFailed("Token has expired")
    return _active(store["users"].get(token["user"]), "token")


def _basic(authorization: str, store: Store) -> Identity | None:
    parts = authorization.split()
    if not parts or parts[0].lower() != "basic":
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid basic header. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed("Invalid basic header. Credentials string should not contain spaces.")
    try:
        decoded = base64.b64decode(parts[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed("Invalid basic header. Credentials not correctly base64 encoded.") from None
    username, _, password = decoded.partition(":")
    user = check_password(store, username, password)
    if user is None:
        raise AuthenticationFailed("Invalid username/password.")
    return _active(user, "basic")


def _session(headers: Headers, method: str, store: Store) -> Identity:
    cookies = parse_cookies(headers.get("cookie", ""))
    session = store["sessions"].get(cookies.get("sessionid")) if cookies.get("sessionid") else None
    user = store["users"].get(session["user"]) if session else None
    if user is None or not user.get("is_active", True):
        return ANONYMOUS  # Django's session middleware treats a stale session as anonymous
    if method not in SAFE_METHODS:
        _enforce_csrf(headers, cookies)
    return Identity(user, "session")


def _enforce_csrf(headers: Headers, cookies: Mapping[str, str]) -> None:
    # Django's CsrfViewMiddleware, as DRF's SessionAuthentication applies it to unsafe methods.
    cookie = cookies.get("csrftoken")
    if not cookie:
        raise PermissionDenied("CSRF Failed: CSRF cookie not set.")
    supplied = headers.get("x-csrftoken")
    if not supplied:
        raise PermissionDenied("CSRF Failed: CSRF token missing.")
    if not hmac.compare_digest(supplied, cookie):
        raise PermissionDenied("CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect.")


def _active(user: Record | None, method: str) -> Identity:
    if user is None or not user.get("is_active", True):
        raise AuthenticationFailed("User inactive or deleted.")
    return Identity(user, method)


def check_password(store: Store, username: str, password: str) -> Record | None:
    user = store["users"].find(username=username)
    if user is None or not hmac.compare_digest(str(user.get("password", "")), password):
        return None
    return user


def parse_cookies(header: str) -> dict[str, str]:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in cookie.items()}


def new_token_key() -> str:
    """A key in InvenTree's ApiToken format: `inv-<40 hex>-<yyyymmdd>`."""
    return f"inv-{secrets.token_hex(20)}-{dt.date.today():%Y%m%d}"


# The contract's security scheme each way of authenticating satisfies.
SCHEME_OF_METHOD = {"token": "tokenAuth", "basic": "basicAuth", "session": "cookieAuth"}


@dataclasses.dataclass(frozen=True)
class Requirement:
    """An operation's `security`: the schemes it accepts, and whether `{}` admits anonymous callers.

    No schemes at all (`security: []`, the webhook receiver) means no authenticator runs.
    """

    schemes: frozenset[str]
    anonymous: bool

    @classmethod
    def of(cls, security: list[dict[str, Any]]) -> Requirement:
        return cls(frozenset(name for entry in security for name in entry), any(not entry for entry in security))


class AuthenticationMiddleware:
    """Resolve credentials and enforce each routed operation's security; unknown paths pass through."""

    def __init__(self, app: ASGIApp, store: Store, requirements: Mapping[str, Requirement]) -> None:
        self.app = app
        self.store = store
        self.requirements = requirements

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            requirement = self.requirements.get(operation_id_of(scope) or "")
            if requirement is None or not requirement.schemes:
                scope[IDENTITY] = ANONYMOUS
            else:
                identity = authenticate(Headers(scope=scope), scope["method"], self.store)
                if identity.user is None and not requirement.anonymous:
                    raise NotAuthenticated()
                if identity.method is not None and SCHEME_OF_METHOD[identity.method] not in requirement.schemes:
                    raise NotAuthenticated()
                scope[IDENTITY] = identity
        await self.app(scope, receive, send)


def identity_of(scope: Mapping[str, Any]) -> Identity:
    identity = scope.get(IDENTITY, ANONYMOUS)
    assert isinstance(identity, Identity)
    return identity


def operation_id_of(scope: Mapping[str, Any]) -> str | None:
    """The operation Connexion's routing found for this request (None: no route matched)."""
    operation_id: str | None = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
    return operation_id
