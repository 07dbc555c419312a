"""Authentication as InvenTree's DRF stack does it: token, then HTTP Basic, then session cookie.

`authenticate` resolves the credentials of a request once and answers DRF's exact 401/403 bodies
for bad credentials or a missing CSRF token; `AuthenticationMiddleware` (pipeline/gates.py)
applies it to each routed operation's declared `security`.

Connexion's security handlers (`security_map`) are not used: Connexion tries an operation's
schemes in the order the contract lists them and words every refusal its own way, while DRF runs
InvenTree's authenticators in a fixed order and each words its own refusal; the requirements
still come from the contract, operation by operation.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from mock_server.pipeline.errors import AuthenticationFailed, PermissionDenied
from mock_server.state.store import Record, Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


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
    # Starlette's cookie parser is a port of Django's `parse_cookie`, so the mock reads cookies as InvenTree does.
    cookies = cookie_parser(headers.get("cookie", ""))
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
