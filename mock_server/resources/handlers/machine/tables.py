"""The machine family's tables: what the fixtures hold and what the registry derives from them.

InvenTree keeps machine configs and their settings in the database (`MachineConfig`,
`MachineSetting`) and everything else in the in-memory machine registry: the machine types and
drivers that code and plugins register, each loaded machine's state, and the registry's errors.
The mock keeps both halves in the store; the registry half is rebuilt from the fixtures on every
reset, as InvenTree rebuilds it when the server starts.
"""

from __future__ import annotations

from typing import Any

from mock_server.state.fixtures import TableSpec, component_record, plain_record
from mock_server.state.store import Record, Store

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}

TYPES = "machine_types"
DRIVERS = "machine_drivers"
CONFIGS = "machine_configs"
SETTINGS = "machine_settings"
RUNTIME = "machine_registry"
REGISTRY_ERRORS = "machine_registry_errors"
SAVED = "machine_settings_saved"

# Models a setting may refer to (InvenTree's `'model': 'app.model'` in a setting definition), with
# the API list URL InvenTree shows as the setting's `api_url` (the model's `get_api_url()`).
MODEL_API_URLS = {
    "stock.stocklocation": "/api/stock/location/",
    "stock.stockitem": "/api/stock/",
    "part.part": "/api/part/",
    "company.company": "/api/company/",
}

# One setting as a machine type (`MACHINE_SETTINGS`, config type M) or a driver (config type D)
# defines it in InvenTree. `validator` is InvenTree's `int` or `bool` (none: free text);
# `min_value` / `max_value` stand for Django's Min/MaxValueValidator beside `int`.
# `restart_required` stands for the driver's `update_machine` hook: changing the setting on a
# running machine makes the driver ask for a restart.
SETTING_DEFINITION: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": STRING,
        "description": STRING,
        "default": {"type": ["string", "integer", "boolean"]},
        "validator": {"enum": ["int", "bool"]},
        "min_value": INTEGER,
        "max_value": INTEGER,
        "choices": {
            "type": "array",
            "items": {"type": "array", "items": [STRING, STRING], "minItems": 2, "maxItems": 2},
        },
        "model": {"enum": sorted(MODEL_API_URLS)},
        "required": BOOLEAN,
        "restart_required": BOOLEAN,
    },
}
# Setting keys are stored upper-case and must match InvenTree's URL pattern for a key (`\w+`).
SETTING_DEFINITIONS = {
    "type": "object",
    "patternProperties": {"^[A-Z0-9_]+$": SETTING_DEFINITION},
    "additionalProperties": False,
}

MACHINE_TYPES = TableSpec(
    TYPES,
    component_record(
        "MachineType",
        extra={
            # The status class (`MACHINE_STATUS`), the status a new machine starts in
            # (`default_machine_status`) and the class's codes.
            "status_model": STRING,
            "default_status": INTEGER,
            "status_codes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "name", "label"],
                    "properties": {"key": INTEGER, "name": STRING, "label": STRING},
                },
            },
            "settings": SETTING_DEFINITIONS,
        },
    ),
    key="slug",
    auto_key=False,
)
MACHINE_DRIVERS = TableSpec(
    DRIVERS,
    component_record(
        "MachineDriver",
        extra={
            "settings": SETTING_DEFINITIONS,
            # What the driver's `init_machine` and `restart_machine` hooks do to a machine.
            "init_status": INTEGER,
            "restart_status_text": STRING,
        },
        optional=("driver_errors",),
    ),
    key="slug",
    auto_key=False,
)
MACHINE_CONFIGS = TableSpec(
    CONFIGS,
    component_record(
        "MachineConfig",
        computed=(
            "initialized",
            "is_driver_available",
            "machine_errors",
            "restart_required",
            "status",
            "status_model",
            "status_text",
        ),
    ),
    auto_key=False,
)
MACHINE_SETTINGS = TableSpec(
    SETTINGS,
    plain_record(
        {
            "pk": INTEGER,
            "machine": STRING,
            "config_type": {"enum": ["M", "D"]},
            "key": {"type": "string", "pattern": "^[A-Z0-9_]+$"},
            "value": STRING,
        },
        ["machine", "config_type", "key"],
    ),
)
# The registry's view of each loaded machine (InvenTree's `BaseMachineType` instance); a machine
# whose type is unknown is never loaded and has no record here.
MACHINE_RUNTIME = TableSpec(
    RUNTIME,
    plain_record(
        {
            "pk": STRING,
            "initialized": BOOLEAN,
            "errors": {"type": "array", "items": STRING},
            "restart_required": BOOLEAN,
            "status": {"type": ["integer", "null"]},
            "status_text": STRING,
        },
        ["pk"],
    ),
    auto_key=False,
)
# Errors of the registry itself (plugin discovery problems, machines of unknown types).
MACHINE_REGISTRY_ERRORS = TableSpec(REGISTRY_ERRORS, plain_record({"pk": INTEGER, "message": STRING}, ["message"]))

# The settings rows InvenTree would hold by now: those of the fixtures and those read or written
# since (InvenTree creates a row on first use; the mock makes them all up front, see registry.py).
MACHINE_SETTINGS_SAVED = TableSpec(SAVED, plain_record({"pk": INTEGER}, ["pk"]), auto_key=False)

TABLES = (
    MACHINE_TYPES,
    MACHINE_DRIVERS,
    MACHINE_CONFIGS,
    MACHINE_SETTINGS,
    MACHINE_RUNTIME,
    MACHINE_REGISTRY_ERRORS,
    MACHINE_SETTINGS_SAVED,
)


def is_saved(store: Store, setting_pk: Any) -> bool:
    return setting_pk in store[SAVED]


def mark_saved(store: Store, setting_pk: Any) -> None:
    if setting_pk not in store[SAVED]:
        store[SAVED].insert({"pk": setting_pk})


def machine_type(store: Store, slug: Any) -> Record | None:
    return store[TYPES].get(slug)


def driver(store: Store, slug: Any) -> Record | None:
    return store[DRIVERS].get(slug)


def runtime(store: Store, pk: Any) -> Record | None:
    return store[RUNTIME].get(pk)
