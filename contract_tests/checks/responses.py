"""InvenTree checks of the answers themselves: DRF error bodies, list shapes, pagination, filters, paths.

Each is registered with Schemathesis beside its own checks and named after the property it checks.
It returns True when it does not apply and raises AssertionError (Schemathesis' way for custom checks)
with what was received beside what the contract says. Some ask a follow-up question (the whole list
beside a page); see contract_tests.checks.exchange.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import schemathesis
from schemathesis.core.transport import Response

from contract_tests.checks import serializer
from contract_tests.checks.exchange import (
    NOT_JSON,
    PAGINATION_PARAMETERS,
    content_type,
    follow_up,
    is_list,
    json_body,
    own_requests,
    positive_int,
    request_url,
    sent_query,
    shape,
    short,
)
from drf.values import FILTER_BOOLEANS
from spec import load_spec

if TYPE_CHECKING:
    from schemathesis import APIOperation, Case, CheckContext

PROBE_PAGE = {"limit": 1, "offset": 1}
# DRF statuses with a fixed body shape: 400 is a detail, field errors or a list, the others a detail.
DRF_ERROR_SCHEMAS = {
    400: "BadRequest",
    401: "ErrorDetail",
    403: "ErrorDetail",
    404: "ErrorDetail",
    405: "ErrorDetail",
    406: "ErrorDetail",
    415: "ErrorDetail",
}


@functools.lru_cache(maxsize=1)
def error_document() -> dict[str, Any]:
    """The contract with overlays: its DRF error schemas judge error bodies, whichever contract is tested."""
    return load_spec()


@schemathesis.check
def drf_error_shape(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A 4xx answer has the DRF body: `{"detail": "..."}`, or for a 400 `{"<field>": ["..."]}`."""
    name = DRF_ERROR_SCHEMAS.get(response.status_code)
    # An undeclared method probes the routing layers (and any proxy in front); its status is judged elsewhere.
    if name is None or response.request.method != case.operation.method.upper():
        return True
    body = json_body(response)
    expected = "a JSON object with a detail" if name == "ErrorDetail" else "DRF field errors or a detail"
    assert body is not NOT_JSON, (
        f"Received: {response.status_code} with Content-Type {content_type(response)!r}, not JSON\n"
        f"Documented: {expected} (Django REST Framework error)"
    )
    document = error_document()
    errors = sorted(serializer.validator({"$ref": f"#/components/schemas/{name}"}, document).iter_errors(body), key=str)
    assert not errors, (
        f"Received: {response.status_code} {short(body)}\nDocumented: {expected}, "
        'e.g. {"detail": "Not found."}' + (' or {"code": ["This field is required."]}' if name != "ErrorDetail" else "")
    )
    return None


@schemathesis.check
@own_requests
def list_shape_matches_limit(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A list answers the paginated envelope with a positive integer `limit`, else what the contract says."""
    by_limit = _lists_by_limit(case.operation)
    if not is_list(case.operation) or response.status_code != 200 or by_limit is None:
        return True  # a list the contract gives no body for (e.g. /api/flags/) has no shape to keep
    body = json_body(response)
    limit = positive_int(sent_query(response).get("limit"), strict=True)
    envelope = isinstance(body, Mapping) and "results" in body
    if limit is not None or not by_limit:
        assert envelope, (
            f"Received: {shape(body)} for limit={sent_query(response).get('limit')}\n"
            "Documented: the paginated envelope {count, next, previous, results}"
        )
    else:
        assert isinstance(body, list), (
            f"Received: {shape(body)} without a positive integer limit\n"
            "Documented: a plain JSON array of every item (InvenTree has no default page size)"
        )
    return None


@schemathesis.check
@own_requests
def pagination_envelope_consistent(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """`count`, `next`, `previous` and `results` agree with `limit`, `offset` and the whole list.

    Besides the page it is given, it asks for the page `limit=1&offset=1` (same filters), which has
    neighbours on both sides whenever the list has three items: random limits rarely give one.
    """
    if not is_list(case.operation) or response.status_code != 200 or _lists_by_limit(case.operation) is None:
        return True
    body, query = json_body(response), sent_query(response)
    if _is_envelope(body) and positive_int(query.get("limit"), strict=True) is not None:
        _check_page(ctx, case, response, body)
        if body["next"] is not None and body["previous"] is not None:
            return None  # this page already shows both links
    filters = {key: value for key, value in (case.query or {}).items() if key not in PAGINATION_PARAMETERS}
    page = follow_up(ctx, case, case.operation, query={**filters, **PROBE_PAGE})
    page_body = json_body(page)
    assert page.status_code == 200 and _is_envelope(page_body), (
        f"Received: {page.status_code}, {shape(page_body)} for GET {request_url(page)}\n"
        "Documented: 200 and the paginated envelope {count, next, previous, results} for a positive limit"
    )
    _check_page(ctx, case, page, page_body)
    return None


def _check_page(ctx: CheckContext, case: Case[Any], page: Response, body: Mapping[str, Any]) -> None:
    query = sent_query(page)
    limit = positive_int(query.get("limit"), strict=True) or 0
    offset = positive_int(query.get("offset"), strict=False) or 0
    count, results = body["count"], body["results"]
    expected = max(0, min(limit, count - offset))
    assert len(results) == expected, (
        f"Received: {len(results)} results with count={count}, limit={limit}, offset={offset} "
        f"for GET {request_url(page)}\nDocumented: min(limit, count - offset) = {expected} results"
    )
    _check_link(body["next"], "next", page, expected_offset=offset + limit if offset + limit < count else None)
    previous = None if offset <= 0 else max(offset - limit, 0)
    _check_link(body["previous"], "previous", page, expected_offset=previous)
    # The whole list, fetched beside the page, is the reference for `count` and for the page's items.
    mismatch = _compare_with_whole_list(ctx, case, page, body, limit=limit, offset=offset)
    if mismatch is not None:
        # Another client may have changed the list in between: ask for both again before judging.
        again = follow_up(ctx, case, case.operation, query={**(case.query or {}), **query})
        again_body = json_body(again)
        if again.status_code == 200 and _is_envelope(again_body):
            mismatch = _compare_with_whole_list(ctx, case, again, again_body, limit=limit, offset=offset)
    assert mismatch is None, mismatch


def _is_envelope(body: Any) -> bool:
    return (
        isinstance(body, Mapping)
        and isinstance(body.get("count"), int)
        and isinstance(body.get("results"), list)
        and "next" in body
        and "previous" in body
    )


def _lists_by_limit(operation: APIOperation[Any, Any, Any, Any]) -> bool | None:
    """Whether the contract answers a plain array without `limit` (a `oneOf` with an array branch).

    False: always the envelope (the published contract); None: the contract documents no body.
    """
    document = operation.schema.raw_schema
    content = ((operation.definition.raw.get("responses") or {}).get("200") or {}).get("content") or {}
    schema = serializer.resolve((content.get("application/json") or {}).get("schema"), document)
    if not isinstance(schema, Mapping):
        return None
    branches = [serializer.resolve(branch, document) for branch in schema.get("oneOf", []) + schema.get("anyOf", [])]
    return schema.get("type") == "array" or any(
        isinstance(branch, Mapping) and branch.get("type") == "array" for branch in branches
    )


def _check_link(value: Any, name: str, response: Response, *, expected_offset: int | None) -> None:
    if expected_offset is None:
        assert value is None, f"Received: {name}={value!r}\nDocumented: {name} is null on this page"
        return
    assert isinstance(value, str) and value, f"Received: {name}={value!r}\nDocumented: the URL of the {name} page"
    link, request = urlsplit(value), urlsplit(str(response.request.url))
    query = {key: values[-1] for key, values in parse_qs(link.query, keep_blank_values=True).items()}
    sent = sent_query(response)
    offset = positive_int(query.get("offset"), strict=False) or 0
    assert link.path == request.path and query.get("limit") == sent.get("limit") and offset == expected_offset, (
        f"Received: {name}={value!r}\n"
        f"Documented: {request.path}?limit={sent.get('limit')}&offset={expected_offset} (same path and limit)"
    )


def _compare_with_whole_list(
    ctx: CheckContext, case: Case[Any], page: Response, body: Mapping[str, Any], *, limit: int, offset: int
) -> str | None:
    query = {key: value for key, value in (case.query or {}).items() if key not in PAGINATION_PARAMETERS}
    whole = follow_up(ctx, case, case.operation, query=query)
    items = json_body(whole)
    if isinstance(items, Mapping) and isinstance(items.get("results"), list):
        items = items["results"] if items.get("count") == len(items["results"]) else None
    if whole.status_code != 200 or not isinstance(items, list):
        return None  # the unpaginated list is judged by its own checks
    if body["count"] != len(items):
        return (
            f"Received: count={body['count']} for {request_url(page)}\n"
            f"Documented: the number of items, {len(items)} in GET {request_url(whole)}"
        )
    expected, received = _keys(items[offset : offset + limit]), _keys(body["results"])
    if expected != received:
        return (
            f"Received: results {short(received)} for {request_url(page)}\n"
            f"Documented: items {offset}..{offset + limit - 1} of GET {request_url(whole)}, {short(expected)}"
        )
    return None


def _keys(items: list[Any]) -> list[Any]:
    return [item.get("pk", item) if isinstance(item, Mapping) else item for item in items]


@schemathesis.check
@own_requests
def list_filters_applied(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every item of a filtered list has the value the filter asked for (`?active=true`, `?driver=...`)."""
    body = json_body(response)
    if not is_list(case.operation) or response.status_code != 200:
        return True
    items = body.get("results") if isinstance(body, Mapping) else body
    if not isinstance(items, list):
        return True
    query = sent_query(response)
    for parameter in case.operation.definition.raw.get("parameters", []):
        name, kind = parameter.get("name"), (parameter.get("schema") or {}).get("type")
        if (
            parameter.get("in") != "query"
            or name not in query
            or name in ("search", "ordering", *PAGINATION_PARAMETERS)
        ):
            continue
        # django-filter reads a boolean from a few words; a Django form field strips text before filtering.
        raw = str(query[name])
        wanted: Any = FILTER_BOOLEANS.get(raw.lower()) if kind == "boolean" else raw.strip()
        if wanted is None or wanted == "":
            continue  # django-filter ignores a value it cannot read, and an empty one
        wrong = [item for item in items if isinstance(item, Mapping) and name in item and item[name] != wanted]
        assert not wrong, (
            f"Received: {len(wrong)} of {len(items)} items with {name} != {wanted!r} for ?{name}={query[name]}, "
            f"e.g. {short(wrong[0])}\nDocumented: the filter `{name}` keeps only matching items"
        )
    return None


@schemathesis.check
@own_requests
def object_matches_its_path(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """An object read or written through `.../{id}/` (or `{key}`, `{model}`) is the one the path names."""
    body = json_body(response)
    names = re.findall(r"\{([^/{}]+)\}/$", case.operation.path)
    if case.operation.method.upper() == "DELETE" or response.status_code != 200 or not names:
        return True
    name = names[0]
    field = "pk" if name == "id" else name
    sent = (case.path_parameters or {}).get(name)
    if not isinstance(body, Mapping) or field not in body or sent is None:
        return True
    assert _same_key(body[field], sent), (
        f"Received: {field}={short(body[field])} for {case.operation.method.upper()} {request_url(response)}\n"
        f"Documented: the object whose {field} the path names, {short(sent)}"
    )
    return None


def _same_key(answered: Any, sent: Any) -> bool:
    """Keys compare as numbers when both are numbers (`01` names pk 1), else as text, case aside (UUIDs, keys)."""
    try:
        return int(str(answered)) == int(str(sent))
    except ValueError:
        return str(answered).casefold() == str(sent).casefold()


# InvenTree's NotFoundView answers any /api/ path no view serves (InvenTree/api.py:297-340,
# InvenTree/urls.py:173): `{"detail": "API endpoint not found", "url": ...}`. An object a view cannot
# find is DRF's `{"detail": "Not found."}` instead.
CATCH_ALL_DETAIL = "API endpoint not found"
# What Django's path converters match (django/urls/converters.py): InvenTree routes integer ids with
# <int:pk>, machines with <uuid:pk>, webhooks with <slug:endpoint> (common/api.py:937), and keys and
# names with <str:...>; re_path routes give drf-spectacular the `pattern` it publishes (the machine
# setting's `^M|D$` is the route's `M|D`, machine/api.py:237-238). A value of another shape reaches no
# route, so the catch-all is the right answer for it.
ROUTE_SHAPES = {
    "integer": re.compile(r"[0-9]+"),
    "uuid": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "slug": re.compile(r"[-a-zA-Z0-9_]+"),
    "string": re.compile(r"[^/\x00-\x1f\x7f]+"),
}
SLUG_PARAMETERS = {("webhook_create", "endpoint")}


@schemathesis.check
@own_requests
def documented_path_routed(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A documented operation reaches a view: InvenTree's catch-all 404 is never "no such object".

    The catch-all means the server has no route for the path: the operation is gone or moved (drift,
    e.g. /api/contenttype/{model}/ became /api/contenttype/model/{model}/ in API 303), even when the
    contract documents a 404 for a missing object.
    """
    body = json_body(response)
    if response.status_code != 404 or not isinstance(body, Mapping) or body.get("detail") != CATCH_ALL_DETAIL:
        return True
    if not all(_route_shaped(case, name, value) for name, value in (case.path_parameters or {}).items()):
        return True  # a path parameter no converter matches: no route is the right answer
    raise AssertionError(
        f"Received: 404 {short(body)} for {case.operation.method.upper()} {request_url(response)}, "
        "InvenTree's answer for a path no view serves\n"
        f"Documented: {case.operation.label} is an operation of the server (a missing object answers "
        '404 {"detail": "Not found."}); this server has no route for it'
    )


def _route_shaped(case: Case[Any], name: str, value: Any) -> bool:
    """Whether the server's route for this parameter (told by its schema) matches the value the path carries."""
    schema: Mapping[str, Any] = {}
    for parameter in case.operation.definition.raw.get("parameters", []):
        if parameter.get("in") == "path" and parameter.get("name") == name:
            schema = parameter.get("schema") or {}
    text = unquote(str(value))
    if isinstance(schema.get("pattern"), str):
        # drf-spectacular writes a re_path group `G` as `^G$`: the route matches G in full.
        group = schema["pattern"].removeprefix("^").removesuffix("$")
        return re.fullmatch(f"(?:{group})", text) is not None and "/" not in text
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    kind = "slug" if (operation_id, name) in SLUG_PARAMETERS else str(schema.get("type", "string"))
    kind = "uuid" if schema.get("format") == "uuid" else kind
    return ROUTE_SHAPES.get(kind, ROUTE_SHAPES["string"]).fullmatch(text) is not None
