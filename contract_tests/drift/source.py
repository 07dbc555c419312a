"""Fetch the schema a server publishes of itself: InvenTree serves it at `GET /api/schema/`, no log-in needed.

drf-spectacular answers YAML unless asked `?format=json`; JSON is asked for, YAML understood too.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import yaml

from contract_tests import deadline
from contract_tests.errors import ContractError

SCHEMA_PATH = "/api/schema/"
# InvenTree builds its schema on every request (drf-spectacular, about 2 MB for 300 paths): seconds on
# an idle server, more under load, so the schema gets at least this long whatever --request-timeout says.
SCHEMA_TIMEOUT_S = 60.0


class SchemaUnavailable(ContractError):
    """The server's own schema could not be had (not served, not OpenAPI, or the server did not answer)."""


def fetch_schema(root_url: str, timeout: float, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The server's OpenAPI document, or SchemaUnavailable naming why not."""
    url = f"{root_url}{SCHEMA_PATH}"
    timeout = max(timeout, SCHEMA_TIMEOUT_S)
    try:
        with deadline.client(root_url, timeout, headers=headers or {}) as client:
            response = client.get(SCHEMA_PATH, params={"format": "json"})
    except httpx.HTTPError as exc:
        raise SchemaUnavailable(f"{url} did not answer ({type(exc).__name__}: {exc})") from None
    if response.status_code != 200:
        raise SchemaUnavailable(f"{url} answered {response.status_code}; the server does not publish its schema there")
    document = _parse(response)
    if not isinstance(document, dict) or "paths" not in document or "openapi" not in document:
        raise SchemaUnavailable(f"{url} answered something that is not an OpenAPI document")
    return document


def _parse(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        pass
    try:
        return yaml.safe_load(response.content)
    except yaml.YAMLError:
        return None
