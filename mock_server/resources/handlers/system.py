"""Server facts: version, API history, licenses, flags, configuration, status codes, currency, UI."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, anyone, authenticated, json_response, staff
from mock_server.pipeline.errors import APIError, NotFound
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import page_body, paginate
from mock_server.resources.serializers import now_text
from mock_server.state.fixtures import TableSpec, plain_record
from mock_server.state.store import Record

STRING = {"type": "string"}
# InvenTree/config.py get_setting() records a setting read by environment variable alone (or by
# configuration key alone) with the other name None, e.g. INVENTREE_DOCKER.
STRING_OR_NULL = {"type": "string", "nullable": True}
VERSION = TableSpec(
    "version",
    plain_record(
        {
            "pk": {"type": "integer"},
            "dev": {"type": "boolean"},
            "up_to_date": {"type": "boolean"},
            "version": {"type": "object"},
            "links": {"type": "object"},
        },
        ["dev", "up_to_date", "version", "links"],
    ),
)
API_VERSIONS = TableSpec(
    "api_versions",
    plain_record(
        {"version": STRING, "date": STRING, "gh": STRING, "text": STRING, "latest": {"type": "boolean"}},
        ["version", "date", "text"],
    ),
)
LICENSES = TableSpec(
    "licenses",
    plain_record(
        {"side": {"enum": ["backend", "frontend"]}, "name": STRING, "version": STRING, "license": STRING},
        ["side", "name"],
    ),
)
FLAGS = TableSpec(
    "flags",
    plain_record({"key": STRING, "state": {"type": "boolean"}, "conditions": {"type": "array"}}, ["key", "state"]),
    key="key",
    auto_key=False,
)
CONFIG = TableSpec(
    "config",
    plain_record(
        {"key": STRING, "env_var": STRING_OR_NULL, "config_key": STRING_OR_NULL, "source": STRING, "accessed": STRING},
        ["key"],
    ),
    key="key",
    auto_key=False,
)
STATUS_CODES = TableSpec(
    "status_codes",
    plain_record(
        {
            "class": STRING,
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": STRING, "key": {"type": "integer"}, "label": STRING, "color": STRING},
                    "required": ["name", "key", "label"],
                    "additionalProperties": False,
                },
            },
        },
        ["class", "values"],
    ),
    key="class",
    auto_key=False,
)
CURRENCY = TableSpec(
    "currency",
    plain_record(
        {
            "pk": {"type": "integer"},
            "base_currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "exchange_rates": {"type": "object", "additionalProperties": {"type": "number"}},
            "updated": STRING,
        },
        ["base_currency", "exchange_rates"],
    ),
)
UI_PREFERENCES = TableSpec(
    "ui_preferences",
    plain_record({"owner": STRING, "preferred_method": {"enum": ["cui", "pui"]}}, ["owner", "preferred_method"]),
    key="owner",
    auto_key=False,
)
DEFAULT_UI = "pui"


def _listed(call: Call, items: list[Any]) -> Response:
    page = paginate(items, call.query, call.url)
    return json_response(page_body(page, page.items if page else items))


async def version(call: Call) -> Response:
    record = dict(call.store["version"].get(1) or {})
    record.pop("pk", None)
    return json_response(record)


async def version_text(call: Call) -> Response:
    fields = ("version", "date", "gh", "text", "latest")
    return _listed(
        call, [{f: r.get(f, False if f == "latest" else "") for f in fields} for r in call.store["api_versions"]]
    )


async def license_view(call: Call) -> Response:
    """InvenTree answers the license lists of both halves (the published schema says strings)."""
    sides: dict[str, list[dict[str, Any]]] = {"backend": [], "frontend": []}
    for record in call.store["licenses"]:
        sides[record["side"]].append({k: v for k, v in record.items() if k not in {"pk", "side"}})
    return json_response(sides)


def _flag(record: Record, call: Call) -> dict[str, Any]:
    flag: dict[str, Any] = {"key": record["key"], "state": bool(record["state"])}
    if call.identity.is_superuser:
        flag["conditions"] = record.get("conditions", [])
    return flag


async def flags_list(call: Call) -> Response:
    return _listed(call, [_flag(r, call) for r in call.store["flags"]])


async def flags_retrieve(call: Call) -> Response:
    record = call.store["flags"].get(call.path["key"])
    if record is None:
        raise NotFound()
    return json_response(_flag(record, call))


async def config_list(call: Call) -> Response:
    return _listed(call, list(call.store["config"].dump()))


async def config_retrieve(call: Call) -> Response:
    record = call.store["config"].get(call.path["key"])
    if record is None:
        raise NotFound()
    return json_response(dict(record))


def _status_classes(call: Call) -> dict[str, dict[str, Any]]:
    """`GenericStateClassSerializer` for each class: `status_class` and its values by name."""
    return {
        record["class"]: {
            "status_class": record["class"],
            "values": {
                value["name"]: {
                    "key": value["key"],
                    "name": value["name"],
                    "label": value["label"],
                    "color": value.get("color", "secondary"),
                }
                for value in record["values"]
            },
        }
        for record in call.store["status_codes"]
    }


async def status_all(call: Call) -> Response:
    return json_response(_status_classes(call))


async def status_one(call: Call) -> Response:
    classes = _status_classes(call)
    name = call.path["statusmodel"]
    if name not in classes:
        raise APIError({"detail": f"Unknown status model '{name}'"})
    return json_response(classes[name])


async def currency_exchange(call: Call) -> Response:
    record = call.store["currency"].get(1) or {"base_currency": "USD", "exchange_rates": {}, "updated": None}
    return json_response(
        {
            "base_currency": record["base_currency"],
            "exchange_rates": record["exchange_rates"],
            "updated": record.get("updated"),
        }
    )


async def currency_refresh(call: Call) -> Response:
    """Refreshing the rates: the mock has no exchange backend, so the rates stay and `updated` moves."""
    with call.store.transaction():
        if 1 in call.store["currency"]:
            call.store["currency"].update(1, {"updated": now_text()})
    return json_response({"success": "Exchange rates updated"})


def _ui_owner(call: Call) -> str:
    return f"user:{call.user_pk}" if call.identity.is_authenticated else "anonymous"


def _preference(method: str) -> dict[str, Any]:
    return {"preferred_method": method, "pui": method == "pui", "cui": method == "cui"}


async def ui_preference(call: Call) -> Response:
    record = call.store["ui_preferences"].get(_ui_owner(call))
    return json_response(_preference(record["preferred_method"] if record else DEFAULT_UI))


async def ui_preference_update(call: Call) -> Response:
    method = call.data["preferred_method"]
    owner = _ui_owner(call)
    with call.store.transaction():
        table = call.store["ui_preferences"]
        if owner in table:
            table.update(owner, {"preferred_method": method})
        else:
            table.insert({"owner": owner, "preferred_method": method})
    return json_response(_preference(method))


def register(registry: Registry) -> None:
    registry.table(VERSION, API_VERSIONS, LICENSES, FLAGS, CONFIG, STATUS_CODES, CURRENCY, UI_PREFERENCES)
    registry.add("version_retrieve", version, staff)
    # VersionTextView: `permission_classes = [permissions.IsAdminUser]` (InvenTree/api.py).
    registry.add("version_text_list", version_text, staff)
    registry.add("license_retrieve", license_view, authenticated)
    registry.add("flags_list", flags_list, anyone)
    registry.add("flags_retrieve", flags_retrieve, anyone)
    registry.add("admin_config_list", config_list, staff)
    registry.add("admin_config_retrieve", config_retrieve, staff)
    registry.add("generic_status_retrieve", status_all, authenticated)
    registry.add("generic_status_retrieve_2", status_one, authenticated)
    registry.add("currency_exchange_retrieve", currency_exchange, authenticated)
    registry.add("currency_refresh_create", currency_refresh, staff)
    registry.add("web_ui_preference_retrieve", ui_preference, anyone)
    registry.add("web_ui_preference_update", ui_preference_update, anyone)
