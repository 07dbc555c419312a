"""Reading a live InvenTree through its API: GET only, with a token or Basic credentials."""

from __future__ import annotations

from typing import Any

import httpx


class SnapshotError(Exception):
    """The snapshot cannot be taken or written; the message is one line naming the problem and the fix."""


class Reader:
    """GET requests to one server; an answer the server refuses (403, 404) reads as None."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # Basic credentials are sent as they are, never exchanged for a token: reading leaves no trace.
        auth = httpx.BasicAuth(username, password) if username is not None else None
        headers = {"Accept": "application/json", **({"Authorization": f"Token {token}"} if token else {})}
        self.client = httpx.Client(base_url=self.url, auth=auth, headers=headers, timeout=30.0, transport=transport)

    def get(self, path: str) -> Any:
        """The JSON answer to `GET path`, or None when the server has no such endpoint or refuses it."""
        try:
            response = self.client.get(path)
        except httpx.HTTPError as error:
            raise SnapshotError(f"cannot read {self.url}{path}: {error}; check --from") from None
        if response.status_code == 401:
            raise SnapshotError(f"{self.url} refused the credentials (401); check --token or --username/--password")
        if response.status_code in {403, 404, 405}:
            return None
        if response.status_code != 200:
            raise SnapshotError(f"GET {self.url}{path} answered {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError:
            raise SnapshotError(f"GET {self.url}{path} did not answer JSON; is --from an InvenTree server?") from None

    def close(self) -> None:
        self.client.close()
