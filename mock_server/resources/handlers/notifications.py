"""Notifications: each user sees and changes only their own; `readall` marks them all read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, authenticated, json_response
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews
from mock_server.state.fixtures import TableSpec, component_record
from mock_server.state.store import Record

NOTIFICATIONS = TableSpec(
    "notifications",
    component_record("NotificationMessage", computed=("age", "age_human"), optional=("target", "source", "message")),
)


def age_seconds(creation: str) -> int:
    created = dt.datetime.fromisoformat(creation)
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return max(0, int((dt.datetime.now(dt.UTC) - created).total_seconds()))


def humanize(seconds: int) -> str:
    """Django's naturaltime for past moments: "now", "5 minutes ago", "2 days ago"."""
    for unit, size in (
        ("year", 31_536_000),
        ("month", 2_592_000),
        ("week", 604_800),
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
        ("second", 1),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "now"


def serialize(record: Record, call: Call) -> dict[str, Any]:
    age = age_seconds(record["creation"])
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
        "age_human": humanize(age),
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
