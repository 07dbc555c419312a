"""Notifications: each user sees and changes only their own; `readall` marks them all read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, authenticated, json_response
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.naturaltime import naturaltime
from mock_server.resources.views import Model, ModelViews
from mock_server.state.fixtures import TableSpec, component_record
from mock_server.state.store import Record

# What InvenTree's get_objectreference answers for a notification's target or source; `{}` for none.
OBJECT_REFERENCE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "model_name": {"type": "string"},
        "model_type": {"type": "string"},
        "model_id": {"type": "integer"},
        "link": {"type": "string"},
    },
    "additionalProperties": False,
    "anyOf": [{"maxProperties": 0}, {"required": ["name", "model_name", "model_type", "model_id"]}],
}
NOTIFICATIONS = TableSpec(
    "notifications",
    component_record(
        "NotificationMessage",
        computed=("age", "age_human"),
        optional=("target", "source", "message"),
        extra={"target": OBJECT_REFERENCE, "source": OBJECT_REFERENCE},
    ),
    references={"user": "users"},
)


def created_at(creation: str) -> dt.datetime:
    created = dt.datetime.fromisoformat(creation)
    return created if created.tzinfo is not None else created.replace(tzinfo=dt.UTC)


def age_seconds(creation: str) -> int:
    """The age in seconds, as the contract describes it (InvenTree itself answers `delta.seconds`)."""
    return max(0, int((dt.datetime.now(dt.UTC) - created_at(creation)).total_seconds()))


def serialize(record: Record, call: Call) -> dict[str, Any]:
    age = age_seconds(record["creation"])
    # `target` and `source` are InvenTree's object references (InvenTree/helpers.py
    # get_objectreference: name, model_name, model_type, model_id, and link where the object has
    # one), kept as the fixtures give them; none is `{}` (InvenTree answers null, which the
    # contract's `type: object` does not allow).
    return {
        "pk": record["pk"],
        "target": record.get("target") or {},
        "source": record.get("source") or {},
        "user": record["user"],
        "category": record["category"],
        "name": record["name"],
        "message": record.get("message"),
        "creation": record["creation"],
        "age": age,
        "age_human": naturaltime(created_at(record["creation"]), dt.datetime.now(dt.UTC)),
        "read": bool(record.get("read")),
    }


MODEL = Model(
    table="notifications",
    verbose_name="Notification",
    serialize=serialize,
    options=ListOptions(
        search_fields=("name", "message"),
        ordering_fields=("category", "name", "read", "creation", "age"),
        filters={"category": "exact", "read": "bool"},
        getters={"age": lambda r: -age_seconds(r["creation"])},
    ),
    scope=lambda call: {"user": call.user_pk},
)


def register(registry: Registry) -> None:
    registry.table(NOTIFICATIONS)
    views = ModelViews(MODEL)

    async def readall(call: Call) -> Response:
        """A GET with a side effect, as InvenTree has it: every unread notification becomes read."""
        with call.store.transaction():
            table = call.store["notifications"]
            for record in list(table.filter(user=call.user_pk, read=False)):
                table.update(record["pk"], {"read": True})
        return json_response({"status": "ok"})

    for operation_id, view in {
        "notifications_list": views.list,
        "notifications_retrieve": views.retrieve,
        "notifications_update": views.update,
        "notifications_partial_update": views.partial_update,
        "notifications_destroy_2": views.destroy,
        "notifications_destroy": views.bulk_destroy,
        "notifications_readall_retrieve": readall,
    }.items():
        registry.add(operation_id, view, authenticated)
