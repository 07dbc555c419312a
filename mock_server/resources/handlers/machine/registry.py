"""InvenTree's machine registry (`machine/registry.py`, `machine_type.py`) over the store.

The lifecycle follows InvenTree: a machine is loaded when it is created (and, for the fixtures,
when the server starts); a machine whose type is unknown is never loaded and only leaves an error
in the registry; a loaded machine collects errors while it is built and initialised, and keeps them
until the server restarts. Everything here runs under the store's lock; nothing knows of HTTP.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from mock_server.resources.handlers.machine.tables import (
    CONFIGS,
    DRIVERS,
    REGISTRY_ERRORS,
    RUNTIME,
    SAVED,
    SETTINGS,
    TYPES,
    driver,
    machine_type,
    mark_saved,
    runtime,
)
from mock_server.state.fixtures import FixtureError
from mock_server.state.store import Record, Store

MACHINE = "M"
DRIVER = "D"
# `MachineSetting.ConfigType`: the member names appear in InvenTree's messages.
CONFIG_TYPE_NAMES = {MACHINE: "MACHINE", DRIVER: "DRIVER"}
# Django's `<uuid:pk>` path converter: lower-case, hyphenated.
UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

Definitions = dict[str, dict[str, Any]]


def parse_machine_id(text: Any) -> str:
    """A machine id as InvenTree's URL pattern accepts it; ValueError otherwise (the catch-all 404)."""
    if not isinstance(text, str) or not UUID_FORM.fullmatch(text):
        raise ValueError(f"not a machine id: {text!r}")
    return text


def new_machine_id() -> str:
    return str(uuid.uuid4())


def definitions(store: Store, config: Record, config_type: str) -> Definitions:
    """The settings a machine has: its type's (M) or its driver's (D); none without the class."""
    owner = machine_type(store, config["machine_type"]) if config_type == MACHINE else driver(store, config["driver"])
    settings: Definitions = owner.get("settings", {}) if owner else {}
    return settings


def setting_rows(store: Store, machine_pk: str, config_type: str) -> list[Record]:
    return list(store[SETTINGS].filter(machine=machine_pk, config_type=config_type))


def setting_row(store: Store, machine_pk: str, config_type: str, key: str) -> Record | None:
    return store[SETTINGS].find(machine=machine_pk, config_type=config_type, key=key)


def stored_default(definition: dict[str, Any]) -> str:
    """A setting's default as InvenTree stores it: text, booleans as "True"/"False", "" when none."""
    return str(definition.get("default", ""))


def load(store: Store) -> None:
    """Build the registry from the stored machines, as InvenTree does when the server starts.

    Every machine is added first and the active ones are initialised afterwards
    (`MachineRegistry.load_machines`).
    """
    store[RUNTIME].clear()
    _check_fixtures(store)
    for config in store[CONFIGS]:
        if "active" not in config:
            store[CONFIGS].update(config["pk"], {"active": True})
    loaded = [config for config in store[CONFIGS] if _add(store, config) is not None]
    for config in loaded:
        if config["active"]:
            _initialize(store, config)


def add_machine(store: Store, config: Record) -> None:
    """A machine was created: load it, and initialise it when it is active (`registry.add_machine`)."""
    if _add(store, config) is not None and config["active"]:
        _initialize(store, config)


def update_machine(store: Store, config: Record, *, was_active: bool, changed: Iterable[tuple[str, str]] = ()) -> None:
    """A machine or one of its settings was saved (`BaseMachineType.update`).

    Without its driver a machine ignores updates. The driver's `update_machine` hook runs first:
    the mock's drivers ask for a restart when a setting marked `restart_required` changed on a
    running (initialised) machine, since only a running machine has applied the old value. Then
    activating an uninitialised machine initialises it and deactivating one marks it uninitialised.
    """
    state = runtime(store, config["pk"])
    if state is None or driver(store, config["driver"]) is None:
        return
    if state["initialized"] and any(
        definitions(store, config, config_type).get(key, {}).get("restart_required") for config_type, key in changed
    ):
        store[RUNTIME].update(config["pk"], {"restart_required": True})
    if was_active != config["active"]:
        if not state["initialized"] and config["active"]:
            _initialize(store, config)
        elif state["initialized"] and not config["active"]:
            store[RUNTIME].update(config["pk"], {"initialized": False})


def restart_machine(store: Store, config: Record) -> None:
    """`BaseMachineType.restart`: clears `restart_required`, then runs the driver's restart hook."""
    found = driver(store, config["driver"])
    if runtime(store, config["pk"]) is None or found is None:
        return
    changes: dict[str, Any] = {"restart_required": False}
    if "restart_status_text" in found:
        changes["status_text"] = found["restart_status_text"]
    store[RUNTIME].update(config["pk"], changes)


def remove_machine(store: Store, config: Record) -> None:
    """A machine was deleted: unload it; its settings go with it (the database cascades).

    Registry errors stay: InvenTree clears them only when the registry is rebuilt.
    """
    if config["pk"] in store[RUNTIME]:
        store[RUNTIME].delete(config["pk"])
    for row in list(store[SETTINGS].filter(machine=config["pk"])):
        store[SETTINGS].delete(row["pk"])
        if row["pk"] in store[SAVED]:
            store[SAVED].delete(row["pk"])


def _add(store: Store, config: Record) -> Record | None:
    """`MachineRegistry.add_machine` and `BaseMachineType.__init__`: the checks made while loading."""
    kind = machine_type(store, config["machine_type"])
    if kind is None:
        store[REGISTRY_ERRORS].insert({"message": f"Machine type '{config['machine_type']}' not found"})
        return None
    errors: list[str] = []
    found = driver(store, config["driver"])
    if found is None:
        errors.append(f"Driver '{config['driver']}' not found")
    elif found["machine_type"] != kind["slug"]:
        errors.append(f"'{found['name']}' is incompatible with machine type '{kind['name']}'")
    _materialise_settings(store, config)
    return store[RUNTIME].insert(
        {
            "pk": config["pk"],
            "initialized": False,
            "errors": errors,
            "restart_required": False,
            "status": kind.get("default_status"),
            "status_text": "",
        }
    )


def _materialise_settings(store: Store, config: Record) -> None:
    """Give every defined setting a row, holding its default until it is written.

    InvenTree creates a setting's row the first time the setting is read or written, and lists a
    setting without a row with `"pk": null`; the contract requires an integer `pk`, so the mock
    makes every row up front and records which ones InvenTree would hold (`mark_saved`), to list
    those first, as InvenTree does.
    """
    for config_type in (MACHINE, DRIVER):
        for key, definition in definitions(store, config, config_type).items():
            if setting_row(store, config["pk"], config_type, key) is None:
                store[SETTINGS].insert(
                    {
                        "machine": config["pk"],
                        "config_type": config_type,
                        "key": key,
                        "value": stored_default(definition),
                    }
                )


def _initialize(store: Store, config: Record) -> None:
    """`BaseMachineType.initialize`: a machine with a driver and every required setting starts."""
    found = driver(store, config["driver"])
    state = runtime(store, config["pk"])
    if found is None or state is None:
        return
    missing: list[str] = []
    for config_type in (MACHINE, DRIVER):
        keys = [
            key
            for key, definition in definitions(store, config, config_type).items()
            if _missing(store, config, config_type, key, definition)
        ]
        if keys:
            missing.append(f"{CONFIG_TYPE_NAMES[config_type]} settings: {', '.join(keys)}")
    if missing:
        store[RUNTIME].update(config["pk"], {"errors": [*state["errors"], f"Missing {' and '.join(missing)}"]})
        return
    changes: dict[str, Any] = {"initialized": True}
    if "init_status" in found:
        changes["status"] = found["init_status"]
    store[RUNTIME].update(config["pk"], changes)


def _missing(store: Store, config: Record, config_type: str, key: str, definition: dict[str, Any]) -> bool:
    # `MachineSetting.check_all_settings`: a required setting is missing when neither its value nor
    # its default is set.
    if not definition.get("required"):
        return False
    row = setting_row(store, config["pk"], config_type, key)
    value = (row or {}).get("value") or stored_default(definition)
    return value == ""


def _check_fixtures(store: Store) -> None:
    """Refuse fixtures InvenTree could not hold: bad machine ids, settings of unknown machines or keys."""
    names: set[str] = set()
    for config in store[CONFIGS]:
        try:
            parse_machine_id(config["pk"])
        except ValueError:
            raise FixtureError(
                f"{CONFIGS}.yaml: machine {config['name']!r}: field 'pk': {config['pk']!r} is not a lower-case UUID"
            ) from None
        if config["name"] in names:
            raise FixtureError(f"{CONFIGS}.yaml: machine {config['name']!r}: field 'name': duplicate name")
        names.add(config["name"])
    for kind in store[TYPES]:
        codes = {code["key"] for code in kind.get("status_codes", [])}
        if "default_status" in kind and kind["default_status"] not in codes:
            raise FixtureError(
                f"{TYPES}.yaml: type {kind['slug']!r}: field 'default_status': "
                f"{kind['default_status']} is not one of its status_codes"
            )
    for found in store[DRIVERS]:
        if machine_type(store, found["machine_type"]) is None:
            raise FixtureError(
                f"{DRIVERS}.yaml: driver {found['slug']!r}: field 'machine_type': "
                f"no machine type {found['machine_type']!r} in {TYPES}.yaml"
            )
    for row in store[SETTINGS]:
        machine = store[CONFIGS].get(row["machine"])
        if machine is None:
            raise FixtureError(
                f"{SETTINGS}.yaml: record pk {row['pk']}: field 'machine': no machine {row['machine']!r}"
            )
        if row["key"] not in definitions(store, machine, row["config_type"]):
            raise FixtureError(
                f"{SETTINGS}.yaml: record pk {row['pk']}: field 'key': machine {machine['name']!r} has no "
                f"{CONFIG_TYPE_NAMES[row['config_type']]} setting {row['key']!r}"
            )
        if "value" not in row:
            store[SETTINGS].update(row["pk"], {"value": ""})
        mark_saved(store, row["pk"])
