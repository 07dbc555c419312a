"""What plugins and integrations answer: actions, locate, search, login e-mails and webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, anyone, authenticated, json_response
from mock_server.pipeline.errors import NotAcceptable, NotFound, ParseError, PermissionDenied, ValidationError
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import search_terms
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


def _active_plugin(call: Call, mixin: str, slug: str | None = None) -> list[dict[str, Any]]:
    return [
        p
        for p in call.store["plugins"]
        if p.get("active", True) and mixin in p.get("mixins", []) and (slug is None or p["slug"] == slug)
    ]


async def action(call: Call) -> Response:
    """InvenTree's ActionPluginView: the first active action plugin with that action name answers."""
    name = call.data["action"]
    for plugin in _active_plugin(call, "action"):
        if plugin.get("action_name") == name:
            user = call.identity.user["username"] if call.identity.user else None
            return json_response({"action": name, "result": True, "info": {"user": user, "data": call.data["data"]}})
    return json_response({"error": "No matching action found", "action": name})


async def locate(call: Call) -> Response:
    """InvenTree's LocatePluginView: a locate plugin is asked to identify a stock item or location."""
    slug = call.data["plugin"]
    if not slug:
        raise ParseError("'plugin' field must be supplied")
    if call.store["plugins"].get(slug) is None:
        raise ParseError(f"Plugin '{slug}' is not installed")
    if not _active_plugin(call, "locate", slug):
        raise ParseError(f"Plugin '{slug}' does not support the 'locate' mixin")
    result: dict[str, Any] = {"success": "Identification plugin activated", "plugin": slug}
    for field, table, model in (("item", "stock_items", "StockItem"), ("location", "stock_locations", "StockLocation")):
        pk = call.data.get(field)
        if pk is not None:
            if pk not in call.store[table]:
                raise NotFound(f"{model} matching PK '{pk}' not found")
            result[field] = pk
            return json_response(result)
    raise ParseError("Must supply either 'item' or 'location' parameter")


async def search(call: Call) -> Response:
    """InvenTree's APISearchView: results for each model named in the request, paged by limit/offset."""
    data = call.data
    text = data["search"]
    limit, offset = max(data.get("limit", 1), 0), max(data.get("offset", 0), 0)
    # The models asked for are keys the schema does not name, so they come from the parsed body.
    raw = call.body.data
    requested = [m for m in SEARCH_MODELS if isinstance(raw, dict) and m in raw]
    matcher = _matcher(text, regex=bool(data.get("search_regex")), whole=bool(data.get("search_whole")))
    results: dict[str, Any] = {}
    for model in requested:
        found = [r for r in call.store["search_index"] if r["model"] == model and matcher(r)]
        page = found[offset : offset + limit]
        results[model] = {
            "count": len(found),
            "results": [{"pk": r["pk"], "name": r["name"], "description": r.get("description", "")} for r in page],
        }
    return json_response(results)


def _matcher(text: str, *, regex: bool, whole: bool) -> Any:
    def fields(record: dict[str, Any]) -> list[str]:
        return [str(record.get("name", "")), str(record.get("description", ""))]

    if regex:
        try:
            pattern = re.compile(text, re.IGNORECASE)
        except re.error:
            raise ValidationError({"search": ["Invalid regular expression"]}) from None
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
    if endpoint is None or not endpoint.get("active", True):
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
