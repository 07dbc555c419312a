"""The few plain HTTP calls the runner makes itself: fetch a token, find an object, reset the mock."""

from __future__ import annotations

import base64
import http.client
import json
from typing import Any
from urllib.parse import urlsplit


class ClientError(Exception):
    """A setup request to a server failed."""


def basic_auth(username: str, password: str) -> str:
    """The value of an `Authorization` header for HTTP Basic."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def call(
    method: str, url: str, headers: dict[str, str] | None = None, body: object = None, timeout_s: float = 30.0
) -> tuple[int, Any]:
    """One request; the status and the decoded JSON body (None when empty or not JSON)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout_s)
    payload = None if body is None else json.dumps(body).encode()
    sent = dict(headers or {})
    if payload is not None:
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), payload, sent)
        response = connection.getresponse()
        raw = response.read()
    except OSError as exc:
        raise ClientError(f"{method} {url} failed: {exc}") from exc
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, None


def fetch_token(base_url: str, username: str, password: str, path: str) -> str:
    """A token for `Authorization: Token <key>`, fetched with Basic credentials."""
    status, data = call("GET", base_url + path, {"Authorization": basic_auth(username, password)})
    if status != 200 or not isinstance(data, dict) or "token" not in data:
        raise ClientError(f"GET {path} as {username} answered {status}, not a token")
    return str(data["token"])


def first_pk(base_url: str, list_path: str, headers: dict[str, str]) -> int:
    """The pk of the first object a list holds (plain array or paginated envelope)."""
    status, data = call("GET", base_url + list_path, headers)
    items = data.get("results") if isinstance(data, dict) else data
    if status != 200 or not isinstance(items, list) or not items or "pk" not in items[0]:
        raise ClientError(f"GET {list_path} answered {status} without any object to use")
    return int(items[0]["pk"])
