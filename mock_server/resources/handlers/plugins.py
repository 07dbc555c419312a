"""What plugins and integrations answer: actions, locate, search, login e-mails and webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from starlette.datastructures import QueryParams
from starlette.responses import Response

from mock_server.pipeline.bodies import parse_body
from mock_server.pipeline.context import Call, anyone, authenticated, json_response
from mock_server.pipeline.errors import (
    APIError,
    NotAcceptable,
    NotFound,
    ParseError,
    PermissionDenied,
    UnsupportedMediaType,
    ValidationError,
)
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import page_body, paginate, search_terms
from mock_server.resources.serializers import now_text
from mock_server.state.fixtures import TableSpec, plain_record

STRING = {"type": "string"}
PLUGINS = TableSpec(
    "plugins",
    plain_record(
        {
            "slug": STRING,
            "name": STRING,
            "active": {"type": "boolean"},
            "mixins": {"type": "array", "items": {"enum": ["action", "locate"]}},
            "action_name": STRING,
        },
        ["slug", "name", "mixins"],
    ),
    key="slug",
    auto_key=False,
)
STOCK_ITEMS = TableSpec("stock_items", plain_record({"pk": {"type": "integer"}, "name": STRING}, ["pk"]))
STOCK_LOCATIONS = TableSpec("stock_locations", plain_record({"pk": {"type": "integer"}, "name": STRING}, ["pk"]))
SEARCH_INDEX = TableSpec(
    "search_index",
    plain_record(
        {"pk": {"type": "integer"}, "model": STRING, "name": STRING, "description": STRING}, ["model", "name"]
    ),
)
WEBHOOKS = TableSpec(
    "webhooks",
    plain_record(
        {"endpoint_id": STRING, "name": STRING, "active": {"type": "boolean"}, "token": STRING, "secret": STRING},
        ["endpoint_id", "name"],
    ),
    key="endpoint_id",
    auto_key=False,
)
WEBHOOK_MESSAGES = TableSpec("webhook_messages", plain_record({"pk": {"type": "integer"}, "endpoint": STRING}))
EMAILS = TableSpec("emails", plain_record({"pk": {"type": "integer"}, "to": STRING, "subject": STRING}))

# The models InvenTree's search endpoint knows; a request names the ones it wants results for.
SEARCH_MODELS = (
    "build",
    "company",
    "manufacturerpart",
    "part",
    "partcategory",
    "purchaseorder",
    "returnorder",
    "salesorder",
    "stockitem",
    "stocklocation",
    "supplierpart",
)


# InvenTree.helpers.str2bool, which reads the search flags as the list views get them.
TRUE_WORDS = frozenset({"1", "y", "yes", "t", "true", "ok", "on"})
NO_VIEW_PERMISSION = "User does not have permission to view this model"


def _active_plugin(call: Call, mixin: str, slug: Any = None) -> list[dict[str, Any]]:
    return [
        p
        for p in call.store["plugins"]
        if p.get("active", True) and mixin in p.get("mixins", []) and (slug is None or p["slug"] == slug)
    ]


async def _request_data(call: Call) -> Any:
    """`request.data` as these views read it: parsed, never validated against a serializer.

    InvenTree's action, locate and search views call `request.data.get(...)` themselves, so a
    field the contract's schema requires may be missing; only a body that does not parse is refused.
    """
    if isinstance(call.body_error, UnsupportedMediaType):
        raise call.body_error  # DRF finds no parser when the view reads `request.data`
    return (await parse_body(call.raw_body, call.headers, max_depth=call.settings.max_json_depth)).data


def _object_body(data: Any) -> dict[str, Any]:
    # InvenTree answers 500 for a body that is not an object (it calls `.get` on it); the contract's
    # answer to a bad body is a 400, in the words DRF uses for it.
    if data is None:
        raise ValidationError({"non_field_errors": ["No data provided"]})
    if not isinstance(data, dict):
        raise ValidationError(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]}
        )
    return data


async def action(call: Call) -> Response:
    """InvenTree's ActionPluginView: the first active action plugin with that action name answers.

    The view never validates its body: no action is a 200 with an error, and so is an unknown one.
    """
    data = _object_body(await _request_data(call))
    name, payload = data.get("action"), data.get("data")
    if name is None:
        return json_response({"error": "No action specified"})
    for plugin in _active_plugin(call, "action"):
        if plugin.get("action_name") == name:
            user = call.identity.user["username"] if call.identity.user else None
            return json_response({"action": name, "result": True, "info": {"user": user, "data": payload}})
    return json_response({"error": "No matching action found", "action": name})


async def locate(call: Call) -> Response:
    """InvenTree's LocatePluginView: a locate plugin is asked to identify a stock item or location."""
    data = _object_body(await _request_data(call))
    slug = data.get("plugin")
    if not slug:
        raise ParseError("'plugin' field must be supplied")
    if not isinstance(slug, str) or not _active_plugin(call, "locate", slug):
        raise ParseError(f"Plugin '{slug}' is not installed, or does not support the location mixin")
    result: dict[str, Any] = {"success": "Identification plugin activated", "plugin": slug}
    # A stock item takes priority; a falsy id (0, "") counts as not given, as in InvenTree. Ids and
    # names show in messages as Python's f-strings show them (True, [1]).
    for field, table, model in (("item", "stock_items", "StockItem"), ("location", "stock_locations", "StockLocation")):
        pk = data.get(field)
        if pk:
            if _integer(pk) not in call.store[table]:
                raise NotFound(f"{model} matching PK '{pk}' not found")
            result[field] = pk
            return json_response(result)
    raise ParseError("Must supply either 'item' or 'location' parameter")


def _integer(value: Any) -> int | None:
    """The primary key Django's lookup would use for `value` (None: no object can match it)."""
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


async def search(call: Call) -> Response:
    """InvenTree's APISearchView: each model named in the request answers as its list view would.

    Every model's answer is its list endpoint's, paged with `limit` (default 1) and `offset`; a
    user without the model's view role gets an error in its place (only superusers have roles in
    the mock). A model whose parameters are not an object is left out.
    """
    data = await _request_data(call)
    if not isinstance(data, dict) or "search" not in data:
        # A plain message, not a list: `ValidationError({"search": _("...")})` (InvenTree/api.py).
        raise APIError({"search": "Search term must be provided"})
    text = data["search"]
    query = QueryParams({"limit": str(data.get("limit", 1)), "offset": str(data.get("offset", 0))})
    regex = str(data.get("search_regex", False)).lower() in TRUE_WORDS
    whole = str(data.get("search_whole", False)).lower() in TRUE_WORDS
    results: dict[str, Any] = {}
    for model in SEARCH_MODELS:
        if model not in data or not isinstance(data[model], dict):
            continue
        if not call.identity.is_superuser:
            results[model] = {"error": NO_VIEW_PERMISSION}
            continue
        if not isinstance(text, str):
            # DRF's SearchFilter calls `.replace` on the term; InvenTree reports the error per model.
            results[model] = {"error": f"'{type(text).__name__}' object has no attribute 'replace'"}
            continue
        try:
            matches = _matcher(text, regex=regex, whole=whole)
        except re.error as exc:
            results[model] = {"error": str(exc)}
            continue
        found = [r for r in call.store["search_index"] if r["model"] == model and matches(r)]
        page = paginate(found, query, call.url)
        shown = [
            {"pk": r["pk"], "name": r["name"], "description": r.get("description", "")}
            for r in (page.items if page else found)
        ]
        results[model] = page_body(page, shown)
    return json_response(results)


def _matcher(text: str, *, regex: bool, whole: bool) -> Any:
    def fields(record: dict[str, Any]) -> list[str]:
        return [str(record.get("name", "")), str(record.get("description", ""))]

    if regex:
        pattern = re.compile(text, re.IGNORECASE)
        return lambda r: any(pattern.search(f) for f in fields(r))
    terms = search_terms(text)
    if whole:
        patterns = [re.compile(rf"\b{re.escape(t)}\b", re.IGNORECASE) for t in terms]
        return lambda r: all(any(p.search(f) for f in fields(r)) for p in patterns)
    return lambda r: all(any(t in f.lower() for f in fields(r)) for t in terms)


async def email_generate(call: Call) -> Response:
    """InvenTree's magic-login view: a login e-mail goes to a known address; the answer never tells."""
    address = call.data["email"]
    with call.store.transaction():
        user = call.store["users"].find(email=address)
        if user is not None and address:
            call.store["emails"].insert({"to": address, "subject": "[InvenTree] Log in to the app", "sent": now_text()})
    return json_response({"status": "ok"})


async def webhook(call: Call) -> Response:
    """InvenTree's WebhookView: a known endpoint, a valid token or HMAC signature, a JSON payload."""
    endpoint = call.store["webhooks"].get(call.path["endpoint"])
    # WebhookView._get_webhook looks the endpoint up by id and never at its `active` flag.
    if endpoint is None:
        raise NotFound()
    try:
        payload = json.loads(call.raw_body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise NotAcceptable(getattr(exc, "msg", str(exc))) from None
    supplied = call.headers.get("token", "")
    if endpoint.get("token") and supplied != endpoint["token"]:
        raise PermissionDenied("Incorrect token in header.")
    if not endpoint.get("token") and endpoint.get("secret"):
        digest = hmac.new(endpoint["secret"].encode(), call.raw_body, hashlib.sha256).digest()
        if not hmac.compare_digest(base64.b64encode(digest), supplied.encode()):
            raise PermissionDenied("Incorrect token in header.")
    with call.store.transaction():
        call.store["webhook_messages"].insert(
            {"endpoint": endpoint["endpoint_id"], "body": payload, "received": now_text(), "worked_on": False}
        )
    return Response("Message was received.", media_type="text/html")


def register(registry: Registry) -> None:
    registry.table(PLUGINS, STOCK_ITEMS, STOCK_LOCATIONS, SEARCH_INDEX, WEBHOOKS, WEBHOOK_MESSAGES, EMAILS)
    registry.add("action_create", action, authenticated)
    registry.add("locate_create", locate, authenticated)
    registry.add("search_create", search, authenticated)
    registry.add("email_generate_create", email_generate, anyone)
    registry.add("webhook_create", webhook, anyone)
