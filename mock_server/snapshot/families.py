"""What the snapshot reads, family by family: each API answer turned into the records a fixture holds.

A record keeps the fields its table stores (the table's schema, the same the fixtures are checked
against); computed fields (`responsible_detail`, `age`, a machine's status) are left to the mock,
which derives them again. A family the server does not serve (an endpoint of another API
version) or refuses to this user is kept from the base fixtures, and the snapshot says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mock_server.resources.handlers.machine.registry import stored_default
from mock_server.resources.handlers.machine.tables import MODEL_API_URLS
from mock_server.snapshot.reader import Reader
from mock_server.state.store import Record

Tables = dict[str, list[Record]]


@dataclasses.dataclass
class Context:
    """What every family reader needs: the server, the base fixtures, the stored fields, the notes."""

    reader: Reader
    base: Mapping[str, list[Record]]
    fields: Mapping[str, set[str]]
    user_pk: int
    notes: list[str] = dataclasses.field(default_factory=list)

    def stored(self, table: str, record: Mapping[str, Any]) -> Record:
        """The fields of `record` that `table` stores."""
        return {key: value for key, value in record.items() if key in self.fields[table]}

    def listed(self, path: str) -> list[Any] | None:
        """A list endpoint's records (a plain array without `limit`), or None when it is not served."""
        answer = self.reader.get(path)
        if isinstance(answer, dict) and isinstance(answer.get("results"), list):
            return list(answer["results"])
        return answer if isinstance(answer, list) else None


def _plain(table: str, path: str) -> Callable[[Context], Tables | None]:
    """A list endpoint whose records a table stores as they are."""

    def read(ctx: Context) -> Tables | None:
        rows = ctx.listed(path)
        return None if rows is None else {table: [ctx.stored(table, row) for row in rows]}

    return read


def _single(table: str, path: str) -> Callable[[Context], Tables | None]:
    """An endpoint answering one object, stored as the table's record 1."""

    def read(ctx: Context) -> Tables | None:
        answer = ctx.reader.get(path)
        return None if not isinstance(answer, dict) else {table: [{"pk": 1, **answer}]}

    return read


def project_codes(ctx: Context) -> Tables | None:
    """Project codes with their metadata, and the owners they name (`responsible_detail`)."""
    rows = ctx.listed("/api/project-code/")
    if rows is None:
        return None
    owners: dict[int, Record] = {}
    codes = []
    for row in rows:
        metadata = ctx.reader.get(f"/api/project-code/{row['pk']}/metadata/")
        record = ctx.stored("project_codes", row)
        record["metadata"] = (metadata or {}).get("metadata") or {}
        detail = row.get("responsible_detail")
        if isinstance(detail, dict):
            owners[detail["pk"]] = _owner(detail)
        codes.append(record)
    # InvenTree lists every owner (`/api/user/owner/`, outside the contract); a mock lists none.
    listed = ctx.listed("/api/user/owner/")
    for detail in listed or []:
        owners.setdefault(detail["pk"], _owner(detail))
    return {"project_codes": codes, "owners": sorted(owners.values(), key=lambda owner: owner["pk"])}


def _owner(detail: Mapping[str, Any]) -> Record:
    # OwnerSerializer's `label` is the owner's model: "user" or "group".
    return {"pk": detail["pk"], "owner_id": detail["owner_id"], "owner_type": detail["label"], "name": detail["name"]}


def notifications(ctx: Context) -> Tables | None:
    """The reading user's notifications, given to the mock's user of the same name."""
    rows = ctx.listed("/api/notifications/")
    if rows is None:
        return None
    return {"notifications": [{**ctx.stored("notifications", row), "user": ctx.user_pk} for row in rows]}


def status_codes(ctx: Context) -> Tables | None:
    answer = ctx.reader.get("/api/generic/status/")
    if not isinstance(answer, dict):
        return None
    records = []
    for name, status_class in answer.items():
        values = [
            {field: value[field] for field in ("name", "key", "label", "color") if field in value}
            for value in status_class.get("values", {}).values()
        ]
        records.append({"class": name, "values": values})
    return {"status_codes": records}


def licenses(ctx: Context) -> Tables | None:
    answer = ctx.reader.get("/api/license/")
    if not isinstance(answer, dict):
        return None
    records = [
        {"side": side, **{k: v for k, v in entry.items() if k in ctx.fields["licenses"]}}
        for side in ("backend", "frontend")
        for entry in answer.get(side, [])
        if isinstance(entry, dict) and "name" in entry
    ]
    return {"licenses": records}


def currency(ctx: Context) -> Tables | None:
    answer = ctx.reader.get("/api/currency/exchange/")
    if not isinstance(answer, dict):
        return None
    record = {"pk": 1, "base_currency": answer["base_currency"], "exchange_rates": answer["exchange_rates"]}
    if answer.get("updated") is not None:  # never refreshed: the mock answers null without the field
        record["updated"] = answer["updated"]
    return {"currency": [record]}


def machines(ctx: Context) -> Tables | None:
    """Machines, their setting values, and the types and drivers they use, with setting definitions.

    The API shows a setting's definition only beside its value, and never its default: types and
    drivers the base fixtures know keep the base's definitions (defaults, status codes); others get
    definitions from the settings the server shows, with the current value as the default.
    """
    configs = ctx.listed("/api/machine/")
    types = ctx.listed("/api/machine/types/")
    drivers = ctx.listed("/api/machine/drivers/")
    if configs is None or types is None or drivers is None:
        return None
    settings = {config["pk"]: ctx.listed(f"/api/machine/{config['pk']}/settings/") or [] for config in configs}
    base_types = {record["slug"]: record for record in ctx.base.get("machine_types", [])}
    base_drivers = {record["slug"]: record for record in ctx.base.get("machine_drivers", [])}
    type_records = []
    for kind in types:
        record = {**_extras(base_types.get(kind["slug"])), **ctx.stored("machine_types", kind)}
        if kind["slug"] not in base_types:
            mine = [c for c in configs if c["machine_type"] == kind["slug"]]
            record["settings"] = _definitions(settings, mine, "M")
            status_model = next((c.get("status_model") for c in mine if c.get("status_model")), None)
            if status_model:
                record["status_model"] = status_model
        type_records.append(record)
    driver_records = []
    for found in drivers:
        record = {**_extras(base_drivers.get(found["slug"])), **ctx.stored("machine_drivers", found)}
        if found["slug"] not in base_drivers:
            record["settings"] = _definitions(settings, [c for c in configs if c["driver"] == found["slug"]], "D")
        driver_records.append(record)
    owners = {"M": {r["slug"]: r for r in type_records}, "D": {r["slug"]: r for r in driver_records}}
    rows = []
    for config in configs:
        for setting in settings[config["pk"]]:
            kind = config["machine_type"] if setting["config_type"] == "M" else config["driver"]
            definition = owners[setting["config_type"]].get(kind, {}).get("settings", {}).get(setting["key"])
            if definition is not None and str(setting["value"]) != stored_default(definition):
                rows.append(
                    {
                        "machine": config["pk"],
                        "config_type": setting["config_type"],
                        "key": setting["key"],
                        "value": str(setting["value"]),
                    }
                )
    return {
        "machine_configs": [ctx.stored("machine_configs", config) for config in configs],
        "machine_types": type_records,
        "machine_drivers": driver_records,
        "machine_settings": [{"pk": number, **row} for number, row in enumerate(rows, start=1)],
    }


def _extras(base: Record | None) -> Record:
    """What the mock stores beside a type's or driver's API fields: definitions, statuses, hooks."""
    return {
        k: v
        for k, v in (base or {}).items()
        if k in {"settings", "status_model", "default_status", "status_codes", "init_status", "restart_status_text"}
    }


def _definitions(settings: Mapping[str, list[Any]], configs: Iterable[Mapping[str, Any]], config_type: str) -> Record:
    """Setting definitions as a machine's settings list shows them (InvenTree's MachineSettingSerializer)."""
    definitions: Record = {}
    for config in configs:
        for setting in settings[config["pk"]]:
            if setting["config_type"] != config_type:
                continue
            definition: Record = {"name": setting.get("name") or setting["key"], "default": str(setting["value"])}
            if setting.get("description"):
                definition["description"] = setting["description"]
            validator = {"integer": "int", "boolean": "bool"}.get(setting.get("type", ""))
            if validator:
                definition["validator"] = validator
            if setting.get("choices"):
                definition["choices"] = [[c["value"], c["display_name"]] for c in setting["choices"]]
            if setting.get("model_name") in MODEL_API_URLS:
                definition["model"] = setting["model_name"]
            if setting.get("required"):
                definition["required"] = True
            definitions.setdefault(setting["key"], definition)
    return definitions


# Table (or family) -> how to read it. Tables missing here are never read: users, groups,
# tokens and sessions (the mock's known credentials stay), webhooks (no API lists them, and their
# tokens are secrets), plugins, uploaded images and the stock stand-ins.
FAMILIES: dict[str, Callable[[Context], Tables | None]] = {
    "project codes and owners": project_codes,
    "custom units": _plain("custom_units", "/api/units/"),
    "notifications": notifications,
    "news": _plain("news", "/api/news/"),
    "error reports": _plain("error_reports", "/api/error-report/"),
    "machines": machines,
    "flags": _plain("flags", "/api/flags/"),
    "version": _single("version", "/api/version/"),
    "server information": _single("server", "/api/"),
    # InvenTree routes it without the trailing slash (InvenTree/urls.py, 'version-text').
    "API versions": _plain("api_versions", "/api/version-text"),
    "configuration": _plain("config", "/api/admin/config/"),
    "status codes": status_codes,
    "currency": currency,
    "content types": _plain("content_types", "/api/contenttype/"),
    "licenses": licenses,
}


def read_families(ctx: Context) -> Tables:
    """Every family the server serves to this user; a note for each it does not."""
    tables: Tables = {}
    for name, read in FAMILIES.items():
        found = read(ctx)
        if found is None:
            # A server of another API version may serve it in another shape (API 303 answers
            # /api/version-text as an object, the contract as a list): kept as if not served.
            ctx.notes.append(f"{name}: not served to this user in the contract's shape, kept from the base fixtures")
        else:
            tables.update(found)
    return tables
