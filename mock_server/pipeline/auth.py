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
import dataclasses
import datetime as dt
import hmac
import secrets
import string
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
    # DRF's get_authorization_header: the header's bytes (HTTP headers are ISO-8859-1, which is how
    # Starlette decodes them), split on ASCII whitespace only, the scheme compared case-insensitively.
    authorization = headers.get("authorization", "").encode("latin-1").split()
    for authenticator in (_token, _basic):
        identity = authenticator(authorization, store)
        if identity is not None:
            return identity
    return _session(headers, method, store)


def _token(parts: list[bytes], store: Store) -> Identity | None:
    # rest_framework/authentication.py TokenAuthentication, with users/authentication.py's checks.
    if not parts or parts[0].lower() != b"token":
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed("Invalid token header. Token string should not contain spaces.")
    try:
        key = parts[1].decode("utf-8")
    except UnicodeError:
        raise AuthenticationFailed(
            "Invalid token header. Token string should not contain invalid characters."
        ) from None
    token = store["tokens"].get(key)
    if token is None:
        raise AuthenticationFailed("Invalid token.")
    identity = _active(store["users"].get(token["user"]), "token")
    if token.get("revoked"):
        raise AuthenticationFailed("Token has been revoked")
    expiry = token.get("expiry")
    if expiry and str(expiry) < dt.date.today().isoformat():
        raise AuthenticationFailed("Token has expired")
    return identity


def _basic(parts: list[bytes], store: Store) -> Identity | None:
    # rest_framework/authentication.py BasicAuthentication: base64 without strict validation,
    # UTF-8 with a fall-back to Latin-1, then Django's `authenticate()`.
    if not parts or parts[0].lower() != b"basic":
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid basic header. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed("Invalid basic header. Credentials string should not contain spaces.")
    try:
        decoded = base64.b64decode(parts[1])
    except (TypeError, ValueError):
        raise AuthenticationFailed("Invalid basic header. Credentials not correctly base64 encoded.") from None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")
    username, _, password = text.partition(":")
    user = check_password(store, username, password)
    # Django's backends refuse an inactive user (ModelBackend.user_can_authenticate), so DRF says
    # "Invalid username/password." for it, not "User inactive or deleted.".
    if user is None or not user.get("is_active", True):
        raise AuthenticationFailed("Invalid username/password.")
    return Identity(user, "basic")


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


ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def check_password(store: Store, username: str, password: str) -> Record | None:
    """The user these credentials name, as InvenTree's authentication backends find it, or None."""
    # ModelBackend looks the username up exactly; allauth's backend then case-insensitively
    # (allauth/account/utils.py filter_users_by_username), checking the password of each match.
    exact = store["users"].find(username=username)
    candidates = [exact] if exact is not None else []
    candidates += [
        u for u in store["users"] if str(u.get("username", "")).lower() == username.lower() and u is not exact
    ]
    for user in candidates:
        # Compared as UTF-8 bytes: hmac.compare_digest refuses str with non-ASCII characters.
        if hmac.compare_digest(
            str(user.get("password", "")).encode("utf-8"), password.encode("utf-8", "surrogatepass")
        ):
            return user
    return None


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
