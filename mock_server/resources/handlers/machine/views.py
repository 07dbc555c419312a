"""Machine configs (CRUD with registry hooks), machine types, drivers, registry status and restart."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, json_response, no_content
from mock_server.pipeline.errors import EndpointNotFound, NotFound
from mock_server.resources.handlers.machine import registry
from mock_server.resources.handlers.machine.tables import (
    CONFIGS,
    DRIVERS,
    REGISTRY_ERRORS,
    TYPES,
    driver,
    machine_type,
    runtime,
)
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews
from mock_server.state.store import Record

# InvenTree's MachineList: `search_fields`, `ordering_fields`, `ordering` and `filterset_fields`.
OPTIONS = ListOptions(
    search_fields=("name",),
    ordering_fields=("name", "machine_type", "driver", "active"),
    default_ordering=("-active", "machine_type"),
    filters={"active": "bool", "driver": "exact", "machine_type": "exact"},
)


def show_machine(record: Record, call: Call) -> dict[str, Any]:
    """`MachineConfigSerializer`: the stored config and what the registry knows of the machine.

    A machine of an unknown type is not in the registry: not initialised, status -1 without a
    status model, no errors of its own (the registry holds the error), no restart pending.
    """
    state = runtime(call.store, record["pk"])
    kind = machine_type(call.store, record["machine_type"]) if state is not None else None
    status = state["status"] if state is not None else None
    return {
        "pk": record["pk"],
        "name": record["name"],
        "machine_type": record["machine_type"],
        "driver": record["driver"],
        "initialized": bool(state and state["initialized"]),
        "active": record["active"],
        "status": status if status is not None else -1,
        "status_model": kind.get("status_model") if kind else None,
        "status_text": state["status_text"] if state is not None else "",
        "machine_errors": list(state["errors"]) if state is not None else [],
        # `is_driver_available`: the registry built a machine and it has its driver.
        "is_driver_available": state is not None and driver(call.store, record["driver"]) is not None,
        "restart_required": bool(state and state["restart_required"]),
    }


def _complete(call: Call, data: dict[str, Any], instance: Record | None) -> dict[str, Any]:
    # A new config gets a UUID primary key and is active unless told otherwise (the model defaults).
    if instance is None:
        return {"pk": registry.new_machine_id(), "active": True, **data}
    return data


MODEL = Model(
    table=CONFIGS,
    # Django's default verbose name of MachineConfig; DRF's unique message does not capitalise it.
    verbose_name="machine config",
    serialize=show_machine,
    options=OPTIONS,
    unique=("name",),
    labels={"name": "Name"},
    validate=_complete,
    parse_key=registry.parse_machine_id,
)


class MachineViews(ModelViews):
    """The generic views, with the registry told of every create, save and delete (`MachineConfig.save`)."""

    async def create(self, call: Call) -> Response:
        with call.store.transaction():
            data = self._checked(call, None)
            record = self.table(call).insert(data)
            registry.add_machine(call.store, record)
        return json_response(self.show(record, call), status=201)

    def _save(self, call: Call) -> Response:
        with call.store.transaction():
            record = self.get_object(call)
            was_active = bool(record["active"])
            changes = self._checked(call, record)
            record = self.table(call).update(record["pk"], changes)
            registry.update_machine(call.store, record, was_active=was_active)
        return json_response(self.show(record, call))

    async def destroy(self, call: Call) -> Response:
        with call.store.transaction():
            record = self.get_object(call)
            registry.remove_machine(call.store, record)
            self.table(call).delete(record["pk"])
        return no_content()


def loaded_machine(call: Call) -> Record:
    """InvenTree's `get_machine(pk)`: the config of a machine the registry has loaded.

    A machine of an unknown type exists as a config but was never loaded, so its settings and
    restart answer the same 404 as an id that names nothing.
    """
    try:
        pk = registry.parse_machine_id(call.path["id"])
    except ValueError:
        raise EndpointNotFound(call.absolute_uri) from None
    record = call.store[CONFIGS].get(pk)
    if record is None or runtime(call.store, pk) is None:
        raise NotFound(f"Machine '{pk}' not found")
    return record


async def restart(call: Call) -> Response:
    with call.store.transaction():
        registry.restart_machine(call.store, loaded_machine(call))
    return json_response({"ok": True})


def _class_fields(record: Record) -> dict[str, Any]:
    """`BaseMachineClassSerializer`: what machine types and drivers have in common."""
    return {
        "slug": record["slug"],
        "name": record["name"],
        "description": record["description"],
        "provider_file": record["provider_file"],
        "provider_plugin": record.get("provider_plugin"),
        "is_builtin": record["is_builtin"],
    }


async def types_list(call: Call) -> Response:
    return json_response([_class_fields(record) for record in call.store[TYPES]])


async def drivers_list(call: Call) -> Response:
    """Every registered driver; InvenTree also filters by `?machine_type=` (not in the contract)."""
    wanted = call.query.get("machine_type")
    return json_response(
        [
            {
                **_class_fields(record),
                "machine_type": record["machine_type"],
                "driver_errors": record.get("driver_errors", []),
            }
            for record in call.store[DRIVERS]
            if not wanted or record["machine_type"] == wanted
        ]
    )


async def registry_status(call: Call) -> Response:
    return json_response({"registry_errors": [{"message": error["message"]} for error in call.store[REGISTRY_ERRORS]]})
