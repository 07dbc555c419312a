"""Values that generation should sometimes name: those every InvenTree knows, and objects the server has.

A random id almost never names an existing object, so the operations on one object would mostly be
tested on their 404. Before the run, one read of each list (`?limit=25`) and of one machine's
settings gives the pks and setting keys that exist; Schemathesis then draws them half of the time
for the `{id}` (or `{key}`) of those operations, through its own fuzz dictionaries. Deletes never
draw them: the suite deletes only what it creates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from spec import operations

# Values every InvenTree 303 server knows (shared facts: "Machines", "Flags"; InvenTree's built-in
# status classes and models). Generation draws them half of the time for the parameters below, so
# that the operations on a known machine type, setting, flag or status model get past their 404s.
KNOWN_VALUES: dict[str, tuple[int | str, ...]] = {
    "machine-types": ("label-printer",),
    "machine-setting-keys": ("LOCATION",),
    "config-types": ("M", "D"),  # machine and driver settings (`^M|D$` also matches "MX", "XD")
    "flags": ("EXPERIMENTAL", "NEXT_GEN"),
    "status-models": ("StockStatus", "BuildStatus", "LabelPrinterStatus"),
    "models": ("part", "stockitem", "stocklocation", "projectcode", "machineconfig"),
    "config-keys": ("INVENTREE_DEBUG", "INVENTREE_DB_ENGINE", "INVENTREE_PLUGINS_ENABLED"),
    # The owners of the first users and groups; a server without them refuses the pk (a named rule).
    "owners": (1, 2),
}
KNOWN_VALUE_PARAMETERS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("machine_create",), "body.machine_type", "machine-types"),
    (("project_code_create", "project_code_update", "project_code_partial_update"), "body.responsible", "owners"),
    (
        ("machine_settings_retrieve", "machine_settings_update", "machine_settings_partial_update"),
        "path.key",
        "machine-setting-keys",
    ),
    (
        ("machine_settings_retrieve", "machine_settings_update", "machine_settings_partial_update"),
        "path.config_type",
        "config-types",
    ),
    (("flags_retrieve",), "path.key", "flags"),
    (("generic_status_retrieve_2",), "path.statusmodel", "status-models"),
    (("contenttype_retrieve_2",), "path.model", "models"),
    (("admin_config_retrieve",), "path.key", "config-keys"),
)

SAMPLE = 25  # objects read per list
SETTING_KEYS = "machine-setting-keys"  # built in (LOCATION), joined by what a machine answers
PROBABILITY = 0.5  # how often generation takes a known value instead of making one up


@dataclass
class Known:
    """Values that exist on the server, named as Schemathesis dictionaries, and which parameters use them."""

    dictionaries: dict[str, list[int | str]] = field(default_factory=dict)
    bindings: list[tuple[list[str], str, str]] = field(default_factory=list)  # (operationIds, parameter, dictionary)

    @classmethod
    def builtin(cls) -> Known:
        """The values every InvenTree server knows, bound to the parameters that take them."""
        return cls(
            dictionaries={name: list(values) for name, values in KNOWN_VALUES.items()},
            bindings=[(list(ids), parameter, name) for ids, parameter, name in KNOWN_VALUE_PARAMETERS],
        )

    def config(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """Schemathesis `dictionaries`, and the parameters each operation draws from them.

        One entry per operation: Schemathesis takes the parameters of one matching entry only.
        """
        dictionaries = {name: {"values": values} for name, values in self.dictionaries.items() if values}
        per_operation: dict[str, dict[str, Any]] = {}
        for ids, parameter, name in self.bindings:
            if name in dictionaries:
                for operation_id in ids:
                    binding = {"dictionary": name, "probability": PROBABILITY}
                    per_operation.setdefault(operation_id, {})[parameter] = binding
        return dictionaries, per_operation


def discover(client: httpx.Client, document: Mapping[str, Any]) -> Known:
    """The built-in values, and what each list of objects answers, bound to the operations below it (not deletes)."""
    known = Known.builtin()
    for collection, detail, parameter in _collections(document):
        pks = _pks(client, collection)
        if not pks:
            continue
        name = f"existing:{collection}"
        known.dictionaries[name] = pks
        below = [
            str(operation.get("operationId"))
            for method, path, operation in operations(dict(document))
            if path.startswith(detail) and method != "DELETE"
        ]
        known.bindings.append((below, f"path.{parameter}", name))
        if collection == "/api/machine/":
            _machine_settings(client, detail, pks, known)
    return known


def _collections(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """`(collection, detail path, its parameter)` for each listed collection with a path per object."""
    paths = document.get("paths", {})
    for collection, item in paths.items():
        if "get" not in item:
            continue
        for path in paths:
            match = re.fullmatch(re.escape(collection) + r"(\{([^/{}]+)\})/", path)
            if match:
                yield collection, collection + match.group(1), match.group(2)
                break


def _pks(client: httpx.Client, collection: str) -> list[int | str]:
    try:
        answer = client.get(collection, params={"limit": SAMPLE})
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        return []
    items = body.get("results") if isinstance(body, Mapping) else body
    if answer.status_code != 200 or not isinstance(items, list):
        return []
    # Integers stay integers: a pk drawn as text would violate an `integer` path parameter.
    return [
        item["pk"]
        for item in items[:SAMPLE]
        if isinstance(item, Mapping) and isinstance(item.get("pk"), (int, str)) and not isinstance(item["pk"], bool)
    ]


def _machine_settings(client: httpx.Client, detail: str, machines: list[int | str], known: Known) -> None:
    """The setting keys of the first machine that has any (a machine whose type is not installed has none)."""
    settings_path = detail + "settings/"
    for pk in machines[:5]:
        try:
            answer = client.get(settings_path.replace(detail[detail.rindex("{") :], f"{pk}/"))
            body = answer.json()
        except (httpx.HTTPError, ValueError):
            continue
        items = body if isinstance(body, list) else []
        keys: list[int | str] = [str(item["key"]) for item in items if isinstance(item, Mapping) and "key" in item]
        if answer.status_code == 200 and keys:
            known.dictionaries[SETTING_KEYS] = list(dict.fromkeys([*known.dictionaries.get(SETTING_KEYS, []), *keys]))
            return
