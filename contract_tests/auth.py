"""Reach the server and authenticate the way InvenTree clients do, before any test runs.

`GET /api/` is public and names the server; `GET /api/user/token/` with HTTP Basic answers
`{"token": "inv-...", "name": "...", "expiry": "..."}`; `GET /api/user/me/` tells whether a token works.
Any failure here is one clear line and exit 2, never a wall of test failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from contract_tests.checks.authorization import SecondUser
from contract_tests.checks.permissions import Identity
from contract_tests.config import Secret, Settings, env_name
from contract_tests.deadline import DeadlineTransport
from contract_tests.errors import CredentialsRefused, ServerUnreachable, UsageError

# The token name the suite asks for, so that repeated runs reuse one token instead of piling them up.
TOKEN_NAME = "inventree-contract-kit"  # noqa: S105 (the name of the token, not a secret)


@dataclass(frozen=True)
class Login:
    """Who the suite runs as, on which server."""

    token: Secret
    username: str | None
    is_staff: bool | None
    server: str
    api_version: int | None

    def headers(self) -> dict[str, str]:
        """The request headers that authenticate as this user."""
        return {"Authorization": f"Token {self.token.reveal()}"}


def connect(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> Login:
    """Check that the server is up and is InvenTree, obtain a token if needed, and check that it is accepted."""
    transport = transport if transport is not None else DeadlineTransport(settings.request_timeout)
    with httpx.Client(base_url=settings.root_url, timeout=settings.request_timeout, transport=transport) as client:
        info = _server_info(client, settings.root_url)
        token = settings.token if settings.token is not None else fetch_token(client, settings)
        me = _whoami(client, token)
    return Login(
        token=token,
        username=me.get("username") if me else settings.username,
        is_staff=me.get("is_staff") if me else None,
        server=f"{info.get('server', 'InvenTree')} {info.get('version') or ''}".strip(),
        api_version=info.get("apiVersion") if isinstance(info.get("apiVersion"), int) else None,
    )


def connect_second(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> SecondUser | None:
    """The run's second, ordinary user, checked to be authenticated and not staff; None when none is given."""
    if not settings.has_second_user:
        return None
    with httpx.Client(base_url=settings.root_url, timeout=settings.request_timeout, transport=transport) as client:
        token = settings.second_token
        if token is None:
            assert settings.second_username is not None and settings.second_password is not None
            token = fetch_token(client, settings, settings.second_username, settings.second_password, "--second-")
        headers = {"Authorization": f"Token {token.reveal()}"}
        me = _whoami(client, token, option="--second-token or INVENTREE_SECOND_TOKEN") or {}
        roles = _json(_get(client, "/api/user/roles/", settings.root_url, headers=headers))
    # InvenTree's RoleDetails (users/api.py:126-140); a server without it grants the user no role.
    held = roles if isinstance(roles, dict) else {}
    identity = Identity(
        username=me.get("username") or settings.second_username,
        is_staff=bool(me.get("is_staff")),
        is_superuser=bool(me.get("is_superuser")),
        roles=held.get("roles") or {},
        permissions=held.get("permissions") or {},
    )
    if identity.is_staff or identity.is_superuser:
        raise UsageError(
            f"the second user {identity.username!r} is staff; name a user without staff status "
            f"(--second-username or {env_name('second_username')}), so that staff-only operations can be tried as it"
        )
    return SecondUser(authorization=headers["Authorization"], identity=identity)


def fetch_token(
    client: httpx.Client,
    settings: Settings,
    username: str | None = None,
    password: Secret | None = None,
    options: str = "--",
) -> Secret:
    """Exchange username and password for an API token (`GET /api/user/token/` with Basic auth)."""
    username = username if username is not None else settings.username
    password = password if password is not None else settings.password
    assert username is not None
    assert password is not None
    response = _get(
        client,
        "/api/user/token/",
        settings.root_url,
        auth=httpx.BasicAuth(username, password.reveal()),
        params={"name": TOKEN_NAME},
    )
    if response.status_code in (401, 403):
        raise CredentialsRefused(
            f"{settings.root_url} refused the username and password of {username!r} "
            f"({response.status_code} {_detail(response)}); check {options}username and {options}password"
        )
    body = _json(response)
    token = body.get("token") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(token, str) or not token:
        raise ServerUnreachable(
            f"{settings.root_url}/api/user/token/ answered {response.status_code} without a token; "
            "is this an InvenTree server?"
        )
    return Secret(token)


def _server_info(client: httpx.Client, root: str) -> dict[str, Any]:
    response = _get(client, "/api/", root)
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or "apiVersion" not in body:
        raise ServerUnreachable(
            f"{root}/api/ answered {response.status_code} but not like an InvenTree server "
            "(no apiVersion); check --base-url"
        )
    return body


def _whoami(client: httpx.Client, token: Secret, option: str = "--token or INVENTREE_TOKEN") -> dict[str, Any] | None:
    response = _get(client, "/api/user/me/", str(client.base_url), headers={"Authorization": f"Token {token.reveal()}"})
    if response.status_code in (401, 403):
        raise CredentialsRefused(
            f"{str(client.base_url).rstrip('/')} refused the token ({response.status_code} {_detail(response)}); "
            f"check {option}"
        )
    body = _json(response)
    # A server without /api/user/me/ cannot say who we are; the run goes on and the checks will tell.
    return body if response.status_code == 200 and isinstance(body, dict) else None


def _get(client: httpx.Client, path: str, root: str, **kwargs: Any) -> httpx.Response:
    try:
        return client.get(path, **kwargs)
    except httpx.TimeoutException:
        raise ServerUnreachable(f"{root} did not answer within {client.timeout.read}s; is the server up?") from None
    except httpx.HTTPError as exc:
        reason = str(exc).split("] ")[-1] or type(exc).__name__
        raise ServerUnreachable(f"cannot reach {root}: {reason}; is the server running?") from None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    body = _json(response)
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    return response.reason_phrase
