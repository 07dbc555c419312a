"""Recorded requests and answers for unit tests of the checks and rules, without a server."""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import urlencode

import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, CheckContext, Response
from schemathesis.config import ChecksConfig, SchemathesisConfig
from schemathesis.schemas import BaseSchema

from spec import load_spec

BASE_URL = "http://testserver"


@functools.lru_cache(maxsize=2)
def schema(*, published: bool = False) -> BaseSchema:
    config = SchemathesisConfig.from_dict({"base-url": BASE_URL, "cache": {"enabled": False}})
    return schemathesis.openapi.from_dict(load_spec(published=published), config=config)


def case(operation_id: str, *, published: bool = False, **kwargs: Any) -> Case:
    """A request to the operation, as a test case; `body` without `media_type` is sent as JSON."""
    if "body" in kwargs:
        kwargs.setdefault("media_type", "application/json")
    return schema(published=published).find_operation_by_id(operation_id).Case(**kwargs)


def answer(
    sent: Case,
    status: int,
    body: Any = None,
    *,
    content: bytes | None = None,
    content_type: str = "application/json",
    query: dict[str, Any] | None = None,
) -> Response:
    """The server's answer to `sent`, as Schemathesis hands it to checks."""
    url = BASE_URL + sent.formatted_path
    if query or sent.query:
        url += "?" + urlencode({**(sent.query or {}), **(query or {})}, doseq=True)
    request = requests.Request(
        method=sent.method,
        url=url,
        json=sent.body if isinstance(sent.body, (dict, list)) else None,
    ).prepare()
    if content is None:
        content = b"" if body is None else json.dumps(body).encode()
    headers = {"content-type": [content_type]} if content else {}
    return Response(
        status_code=status,
        headers=headers,
        content=content,
        request=request,
        elapsed=0.01,
        verify=True,
    )


def context(**transport: Any) -> CheckContext:
    """A check context whose follow-up requests go to `transport["app"]` in-process."""
    return CheckContext(
        override=None,
        auth=None,
        headers=CaseInsensitiveDict(transport.pop("headers", {}) or {}),
        config=ChecksConfig(),
        transport_kwargs=transport or None,
        response_checks=None,
    )
