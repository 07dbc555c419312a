"""A machine's settings: the list of its M and D settings, and one setting read and written by key."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, json_response
from mock_server.pipeline.errors import EndpointNotFound, NotFound
from mock_server.resources.handlers.machine import registry
from mock_server.resources.handlers.machine.tables import SETTINGS, is_saved, mark_saved
from mock_server.resources.handlers.machine.values import clean_value, show_setting
from mock_server.resources.handlers.machine.views import loaded_machine
from mock_server.state.store import Record

# InvenTree's URL pattern for one setting: `(?P<config_type>M|D)/(?P<key>\w+)/`.
KEY_FORM = re.compile(r"\w+")


async def settings_list(call: Call) -> Response:
    """`MachineSettingList`: the machine type's settings, then the driver's.

    Within each, `MachineSetting.all_settings` lists the rows the database holds first (SQLite
    reads them along the unique index, so by key), then the settings without a row, in the order
    they are defined.
    """
    config = loaded_machine(call)
    shown: list[dict[str, Any]] = []
    for config_type in (registry.MACHINE, registry.DRIVER):
        defined = registry.definitions(call.store, config, config_type)
        rows = {row["key"]: row for row in registry.setting_rows(call.store, config["pk"], config_type)}
        saved = sorted(key for key, row in rows.items() if is_saved(call.store, row["pk"]))
        unsaved = [key for key in defined if key in rows and key not in saved]
        shown.extend(show_setting(rows[key], defined[key]) for key in saved if key in defined)
        shown.extend(show_setting(rows[key], defined[key], saved=False) for key in unsaved)
    return json_response(shown)


def _setting(call: Call) -> tuple[Record, Record, dict[str, Any]]:
    """`MachineSettingDetail.get_object`: the machine, then the key among its config type's settings.

    Keys are matched case-insensitively and named upper-case, as InvenTree stores them.
    """
    config_type, key = call.path["config_type"], call.path["key"]
    if config_type not in registry.CONFIG_TYPE_NAMES or not KEY_FORM.fullmatch(key):
        raise EndpointNotFound(call.absolute_uri)
    config = loaded_machine(call)
    key = key.upper()
    definition = registry.definitions(call.store, config, config_type).get(key)
    if definition is None:
        raise NotFound(
            f"Machine '{config['name']}' has no {registry.CONFIG_TYPE_NAMES[config_type]} setting matching '{key}'"
        )
    row = registry.setting_row(call.store, config["pk"], config_type, key)
    if row is None:  # defined after the machine was loaded: created on first use, as InvenTree does
        row = call.store[SETTINGS].insert(
            {
                "machine": config["pk"],
                "config_type": config_type,
                "key": key,
                "value": registry.stored_default(definition),
            }
        )
    # `get_setting_object(..., create=True)`: reading a setting saves its row.
    mark_saved(call.store, row["pk"])
    return config, row, definition


async def setting_retrieve(call: Call) -> Response:
    with call.store.transaction():
        _config, row, definition = _setting(call)
    return json_response(show_setting(row, definition))


async def setting_update(call: Call) -> Response:
    """PUT and PATCH alike: only `value` is writable; saving tells the registry (`MachineSetting.save`)."""
    with call.store.transaction():
        config, row, definition = _setting(call)
        changed: list[tuple[str, str]] = []
        if "value" in call.data:
            value = clean_value(call.data["value"], definition)
            if value != row["value"]:
                changed.append((row["config_type"], row["key"]))
            row = call.store[SETTINGS].update(row["pk"], {"value": value})
        registry.update_machine(call.store, config, was_active=bool(config["active"]), changed=changed)
    return json_response(show_setting(row, definition))
