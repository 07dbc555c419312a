"""Take a snapshot: read the families, keep references inside the snapshot, validate, then write.

The folder is checked exactly as the mock checks fixtures when it starts (the contract's schemas,
the references, the machine registry's rules) before any file is written: an invalid snapshot is
refused with the start-up's one-line message, naming the file and the record. Secrets of the
server are never written: users, groups, tokens and sessions are the base fixtures' (the mock's
known development credentials), the reading user's notifications go to the mock user of the same
name (or the base's first superuser), and the credentials used to read are kept nowhere.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mock_server.resources.handlers import build_registry
from mock_server.settings import Settings
from mock_server.snapshot.families import Context, Tables, read_families
from mock_server.snapshot.reader import Reader, SnapshotError
from mock_server.state.fixtures import FixtureError, TableSpec, load_fixtures
from mock_server.state.opening import open_store
from mock_server.state.store import Record
from spec import load_spec


def take_snapshot(reader: Reader, out: Path, base: Path) -> list[str]:
    """Read the server behind `reader` into the fixtures folder `out`; the lines of a short report."""
    document = load_spec()
    registry = build_registry()
    specs = list(registry.tables)
    try:
        base_records = load_fixtures(base, specs, document)
    except FixtureError as error:
        raise SnapshotError(f"base fixtures: {error}") from None
    me = reader.get("/api/user/me/")
    if not isinstance(me, dict):
        raise SnapshotError(f"{reader.url}/api/user/me/ answered nothing to read as; is --from an InvenTree server?")
    user_pk, user_note = _mock_user(base_records["users"], str(me.get("username", "")))
    fields = {spec.name: set(spec.schema(document).get("properties", {})) for spec in specs}
    ctx = Context(reader=reader, base=base_records, fields=fields, user_pk=user_pk, notes=[user_note])
    tables = read_families(ctx)
    ctx.notes += _clear_outside_references(tables, base_records, specs)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=out.parent))
    try:
        header = f"# Read from {reader.url} by `python -m mock_server snapshot` on {_today()}.\n"
        for spec in specs:
            target = staging / f"{spec.name}.yaml"
            if spec.name in tables:
                target.write_text(header + _dump(tables[spec.name]), encoding="utf-8")
            elif (base / target.name).is_file():
                shutil.copyfile(base / target.name, target)
        _validate(staging, out, specs, registry.reset_hooks, document)
        out.mkdir(exist_ok=True)
        for file in sorted(staging.iterdir()):
            os.replace(file, out / file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = ", ".join(f"{name} {len(records)}" for name, records in sorted(tables.items()))
    return [f"read: {counts}", *ctx.notes, f"wrote {out}; serve it: python -m mock_server --fixtures {out}"]


def _mock_user(users: list[Record], username: str) -> tuple[int, str]:
    for user in users:
        if user.get("username") == username:
            return int(user["pk"]), f"notifications: those of {username!r}, given to the mock's user {username!r}"
    chosen = next((u for u in users if u.get("is_superuser")), users[0] if users else None)
    if chosen is None:
        raise SnapshotError("the base fixtures hold no user to give the notifications to; add one to users.yaml")
    note = f"notifications: those of {username!r} (no such mock user), given to {chosen['username']!r}"
    return int(chosen["pk"]), note


def _clear_outside_references(tables: Tables, base: Mapping[str, list[Record]], specs: list[TableSpec]) -> list[str]:
    """Clear what points outside the snapshot, as the fixtures' reference check would refuse it."""
    key_fields = {spec.name: spec.key for spec in specs}
    notes = []
    for spec in specs:
        for field, target in spec.references.items():
            if spec.name not in tables:
                continue
            records = tables.get(target, base.get(target, []))
            keys = {record.get(key_fields[target]) for record in records}
            cleared = 0
            for record in tables[spec.name]:
                value = record.get(field)
                if isinstance(value, list):
                    kept = [item for item in value if item in keys]
                    cleared += len(value) - len(kept)
                    record[field] = kept
                elif value is not None and value not in keys:
                    record[field] = None
                    cleared += 1
            if cleared:
                notes.append(f"{spec.name}: cleared {cleared} '{field}' value(s) naming {target} outside the snapshot")
    return notes


def _validate(
    staging: Path, out: Path, specs: Iterable[TableSpec], hooks: Iterable[Any], document: Mapping[str, Any]
) -> None:
    """Load the folder as the mock would at start-up; refuse it with the same one-line message."""
    try:
        open_store(Settings(fixtures=staging), specs, hooks, document)
    except FixtureError as error:
        raise SnapshotError(f"refused, nothing written: {str(error).replace(str(staging), str(out))}") from None


def _dump(records: list[Record]) -> str:
    return yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=120)


def _today() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
