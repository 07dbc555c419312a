"""Reading answers and asking the server follow-up questions: what the InvenTree checks share.

A follow-up request goes out with the credentials and transport settings of the request under check
(or, when asked, without credentials), through Schemathesis' own transport.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from schemathesis.core.transport import Response

if TYPE_CHECKING:
    from schemathesis import APIOperation, Case, CheckContext, CheckFunction

PAGINATION_PARAMETERS = ("limit", "offset")
# Fields computed at request time from the clock (notification age) or the live machine registry;
# two reads of one unchanged object may differ in them, so equality ignores them.
LIVE_FIELDS = frozenset(
    {"age", "age_human", "initialized", "status", "status_text", "status_model", "machine_errors"}
    | {"is_driver_available", "restart_required"}
)
NOT_JSON = object()


class FollowUpFailed(AssertionError):
    """A check's own request failed it: `sent` is that request, which the report reproduces, not the original."""

    def __init__(self, message: str, sent: Any) -> None:
        super().__init__(message)
        self.sent = sent


def expect(condition: bool, message: str, answer: Response) -> None:
    """Assert about the answer to a check's own request; a failure names that request for reproduction."""
    if not condition:
        raise FollowUpFailed(message, answer.request)


def own_requests(check: CheckFunction) -> CheckFunction:
    """Skip Schemathesis' probes with another method (OPTIONS, an undeclared PUT): other checks judge those."""

    @functools.wraps(check)
    def judged(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if response.request.method != case.operation.method.upper():
            return True
        return check(ctx, response, case)

    return judged


def json_body(response: Response) -> Any:
    if not response.content:
        return None if response.status_code == 204 else NOT_JSON
    try:
        return json.loads(response.content)
    except ValueError:
        return NOT_JSON


def content_type(response: Response) -> str:
    return ", ".join(response.headers.get("content-type", [])) or "(none)"


def short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if value is not NOT_JSON else "(not JSON)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shape(body: Any) -> str:
    if isinstance(body, list):
        return f"a plain array of {len(body)} items"
    if isinstance(body, Mapping):
        return "an object with keys " + ", ".join(sorted(map(str, body))[:6])
    return "no JSON" if body is NOT_JSON else f"{type(body).__name__}"


def request_url(response: Response) -> str:
    return str(response.request.url)


def sent_query(response: Response) -> dict[str, str]:
    """The query as it went over the wire; of repeated values Django's QueryDict reads the last."""
    parsed = parse_qs(urlsplit(str(response.request.url)).query, keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}


def positive_int(value: str | None, *, strict: bool) -> int | None:
    """DRF's `positive_int`: an integer >= 0 (> 0 when strict), anything else is ignored."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    if number < 0 or (strict and number == 0):
        return None
    return number


def is_list(operation: APIOperation[Any, Any, Any, Any]) -> bool:
    """A list operation: a GET that takes the `limit` of limit/offset pagination."""
    if operation.method.upper() != "GET":
        return False
    return any(
        p.get("name") == "limit" and p.get("in") == "query" for p in operation.definition.raw.get("parameters", [])
    )


def operation_at(
    operation: APIOperation[Any, Any, Any, Any], path: str, method: str
) -> APIOperation[Any, Any, Any, Any] | None:
    try:
        return operation.schema[path][method]  # type: ignore[no-any-return]
    except (KeyError, LookupError):
        return None


def detail_path(operation: APIOperation[Any, Any, Any, Any]) -> tuple[str, str] | None:
    """The path of one object below a collection (`/api/units/` -> `/api/units/{id}/`) and its parameter."""
    for path in operation.schema.raw_schema.get("paths", {}):
        match = re.fullmatch(re.escape(operation.path) + r"\{([^/{}]+)\}/", path)
        if match:
            return path, match.group(1)
    return None


def request_schema(case: Case[Any]) -> Any:
    content = (case.operation.definition.raw.get("requestBody") or {}).get("content") or {}
    return (content.get(case.media_type or "") or {}).get("schema")


def follow_up(
    ctx: CheckContext,
    case: Case[Any],
    operation: APIOperation[Any, Any, Any, Any],
    *,
    path_parameters: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    repeat: Case[Any] | None = None,
    credentials: bool | str | None = True,
) -> Response:
    """Send a request of our own with the transport settings of `case`.

    `credentials` True keeps the case's credentials; None or False sends none; a string is sent as the
    `Authorization` header instead.
    """
    if repeat is not None:
        follow = operation.Case(
            path_parameters=path_parameters if path_parameters is not None else dict(repeat.path_parameters or {}),
            query=repeat.query,
            body=repeat.body,
            media_type=repeat.media_type,
        )
    else:
        follow = operation.Case(path_parameters=path_parameters, query=query)
    kwargs = dict(ctx.internals.transport_kwargs or {})
    if "headers" not in kwargs:
        # A run's own headers (its credentials) reach the check through the context; a state machine
        # run in process leaves them in the schema's configuration alone.
        configured = ctx.internals.headers or operation.schema.config.headers
        if configured:
            kwargs["headers"] = dict(configured)
    if credentials is not True:
        # The connection pool carries the configured headers too, so it stays behind with the credentials.
        kwargs.pop("session", None)
        headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
        if isinstance(credentials, str):
            headers["Authorization"] = credentials
        kwargs["headers"] = headers
    return follow.call(**kwargs)


def compare_objects(expected: Any, actual: Any) -> list[str]:
    if not isinstance(expected, Mapping) or not isinstance(actual, Mapping):
        return [f"expected an object, got {short(actual)}"]
    found = []
    for key, value in expected.items():
        if key in LIVE_FIELDS:
            continue
        if key not in actual:
            found.append(f"{key} missing")
        elif actual[key] != value:
            found.append(f"{key}: {short(value)} vs {short(actual[key])}")
    return found


def delete_created(ctx: CheckContext, case: Case[Any], created: Any) -> None:
    """Delete, as the run's user, an object a check's own request created (its answer is `created`)."""
    detail = detail_path(case.operation)
    if detail is None or not isinstance(created, Mapping) or "pk" not in created:
        return
    path, parameter = detail
    destroy = operation_at(case.operation, path, "DELETE")
    if destroy is not None:
        follow_up(ctx, case, destroy, path_parameters={parameter: created["pk"]})
