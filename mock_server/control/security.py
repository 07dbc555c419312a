"""Who may call what from a browser: credentialed CORS for the API, the control API kept to its own origin.

The API (and the session login, `/_mock/login`) answers CORS with credentials: the request's
origin is echoed with `Access-Control-Allow-Credentials: true` when `--cors-origin` allows it, so
that a frontend on another port can use the session cookie (`fetch(..., {credentials: 'include'})`
fails on `Access-Control-Allow-Origin: *`). By default any origin is allowed (but `null`, the
origin of sandboxed frames and files), as a development server does (InvenTree itself allows all
origins when DEBUG is on: `CORS_ALLOW_ALL_ORIGINS = DEBUG` in InvenTree/settings.py). That is safe
enough for a mock: its data are fixtures; its session cookie is `SameSite=Lax`, so a page of
another *site* cannot ride a session, and writes with it need the CSRF header besides; and the
routes that could do harm from a hostile page, the control API's reset, state dump, journal and
faults, are no part of the CORS policy:

- they answer no CORS at all, and refuse a request that a browser marks as coming from another
  origin (`Origin` other than the mock's own, `Sec-Fetch-Site` other than same-origin or none)
  with a 403: a simple cross-site POST reaches a server without any preflight, so leaving out
  the CORS headers alone would not stop `POST /_mock/reset` from any page open in a browser;
- when the mock binds beyond loopback they also need a token (`X-Mock-Token`), set with
  `--control-token` or made up and printed at start.

Starlette's CORSMiddleware does the CORS; the origins are handed to it as one regular expression,
which it echoes with credentials on every Starlette version the kit allows.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.control.injection import FAULT_HEADER
from mock_server.control.paths import LOGIN_PATH, is_control
from mock_server.control.token import TOKEN_HEADER
from mock_server.settings import Settings

EXPOSED_HEADERS = ("Allow", "WWW-Authenticate", FAULT_HEADER)


def origins_pattern(origins: Iterable[str]) -> str:
    """One regular expression for the allowed origins; `*` stands for any text, `*` alone for any origin but null."""
    parts = []
    for origin in origins:
        if origin == "*":
            parts.append(r"(?!null$).+")
        else:
            parts.append(".*".join(re.escape(piece) for piece in origin.rstrip("/").split("*")))
    return "|".join(f"(?:{part})" for part in parts) or "(?!)"


class BrowserPolicy:
    """The outermost layer: CORS for the API, the origin and token checks for the control API."""

    def __init__(self, api: ASGIApp, control: ASGIApp, settings: Settings) -> None:
        pattern = origins_pattern(settings.cors_origins)
        self.allowed = re.compile(pattern)
        self.api = CORSMiddleware(
            api,
            allow_origin_regex=pattern,
            allow_credentials=True,
            allow_methods=["*"],
            # Any header the page asks for, `Prefer` (code=503, delay=300) among them.
            allow_headers=["*"],
            expose_headers=list(EXPOSED_HEADERS),
        )
        self.control = control
        self.token = settings.control_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        if is_control(path):
            refusal = self._control_refusal(headers)
            await (refusal or self.control)(scope, receive, send)
            return
        if path == LOGIN_PATH and scope["method"] != "OPTIONS":
            origin = headers.get("origin")
            if origin is not None and not _same_origin(origin, headers) and not self.allowed.fullmatch(origin):
                await _refusal(f"The session login is not open to {origin}; allow it with --cors-origin.")(
                    scope, receive, send
                )
                return
        await self.api(scope, receive, send)

    def _control_refusal(self, headers: Headers) -> JSONResponse | None:
        origin = headers.get("origin")
        fetch_site = headers.get("sec-fetch-site", "same-origin")
        if (origin is not None and not _same_origin(origin, headers)) or fetch_site not in {"same-origin", "none"}:
            source = origin or f"a {fetch_site} page"
            return _refusal(
                f"The control API refuses requests from other origins ({source}): call it from a test runner or "
                "a script, which send no Origin header, or from the mock's own pages."
            )
        if self.token is not None and not secrets.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return _refusal(
                f"The control API needs the {TOKEN_HEADER} header, with the token printed at start-up "
                "(or set with --control-token)."
            )
        return None


def _same_origin(origin: str, headers: Headers) -> bool:
    """The page that sent the request was served by this mock (its host and port, whatever the scheme)."""
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower() != ""


def _refusal(detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=403)
