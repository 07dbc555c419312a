"""Fixtures: YAML files, one per table, validated against the contract when the mock starts.

A bad record stops start-up with one line naming the file, the record and the field. PyYAML
builds Python objects in Python (ten seconds for 100,000 records), so the validated records of
a fixtures folder are cached on disk (spec/cache.py), keyed by the files' contents, the record
schemas and this loader: a folder starts from its cache until one of those changes.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from connexion.json_schema import Draft4RequestValidator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from mock_server.state.memory import MemoryTable
from mock_server.state.store import Record
from spec.cache import DiskCache, digest

CONTRACT_URI = "urn:inventree-contract"
SchemaSource = Callable[[Mapping[str, Any]], dict[str, Any]]


class FixtureError(Exception):
    """A fixture file or record that cannot be loaded; the message is one line."""


@dataclasses.dataclass(frozen=True)
class TableSpec:
    """A store table: its fixture file (`<name>.yaml`), record schema and key."""

    name: str
    schema: SchemaSource
    key: str = "pk"
    auto_key: bool = True
    # field -> table whose keys its value (or each value of a list) must be, as a foreign key would.
    references: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def table(self) -> MemoryTable:
        return MemoryTable(self.name, key=self.key, auto_key=self.auto_key)


def component_record(
    component: str,
    *,
    computed: Iterable[str] = (),
    extra: Mapping[str, Any] | None = None,
    optional: Iterable[str] = (),
) -> SchemaSource:
    """The stored form of a contract component: computed fields dropped, internal fields added."""
    dropped = set(computed)
    relaxed = set(optional)

    def build(document: Mapping[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = copy.deepcopy(document["components"]["schemas"][component])
        schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k not in dropped}
        for prop in schema["properties"].values():
            prop.pop("readOnly", None)
        schema["properties"].update(copy.deepcopy(dict(extra or {})))
        schema["required"] = [f for f in schema.get("required", []) if f not in dropped and f not in relaxed]
        return schema

    return build


def plain_record(properties: Mapping[str, Any], required: Iterable[str] = ()) -> SchemaSource:
    """A record of a table the contract does not describe (users, tokens, plugins, ...)."""
    schema = {"type": "object", "properties": dict(properties), "required": list(required)}

    def build(_document: Mapping[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(schema)

    return build


def load_fixtures(folder: Path, specs: Iterable[TableSpec], document: Mapping[str, Any]) -> dict[str, list[Record]]:
    """Read and validate `<folder>/<table>.yaml` for every table; a missing file is an empty table."""
    if not folder.is_dir():
        raise FixtureError(f"fixtures folder {folder} does not exist; pass --fixtures DIR with one YAML file per table")
    specs = list(specs)
    schemas = {spec.name: _anchored(spec.schema(document)) for spec in specs}
    files = {spec.name: folder / f"{spec.name}.yaml" for spec in specs}
    cache = DiskCache("fixtures")
    key = _cache_key(specs, schemas, files, document) if cache.enabled else ""
    cached = cache.load(key) if cache.enabled else None
    if isinstance(cached, dict) and set(cached) == set(files):
        return cached
    loaded = _load_and_check(specs, schemas, files, document)
    if cache.enabled and _json_faithful(loaded):
        cache.store(key, loaded)
    return loaded


def _cache_key(
    specs: list[TableSpec], schemas: Mapping[str, Any], files: Mapping[str, Path], document: Mapping[str, Any]
) -> str:
    parts: list[str | bytes] = [Path(__file__).read_bytes()]
    for spec in specs:
        file = files[spec.name]
        content = file.read_bytes() if file.exists() else b"(no file)"
        schema = json.dumps(schemas[spec.name], sort_keys=True)
        references = json.dumps(dict(spec.references), sort_keys=True)
        parts += [spec.name, spec.key, str(spec.auto_key), references, schema, content]
    parts.append(json.dumps(document.get("components", {}), sort_keys=True))  # what `$ref`s point at
    return digest(parts)


def _json_faithful(loaded: dict[str, list[Record]]) -> bool:
    """Whether JSON gives these records back unchanged (YAML can hold integer keys, sets, bytes)."""
    try:
        return bool(json.loads(json.dumps(loaded, allow_nan=False)) == loaded)
    except (TypeError, ValueError):
        return False


def _load_and_check(
    specs: list[TableSpec], schemas: Mapping[str, Any], files: Mapping[str, Path], document: Mapping[str, Any]
) -> dict[str, list[Record]]:
    registry: Registry = Registry().with_resource(
        CONTRACT_URI, Resource.from_contents(dict(document), default_specification=DRAFT4)
    )
    loaded: dict[str, list[Record]] = {}
    for spec in specs:
        file = files[spec.name]
        records = _read(file)
        validator = Draft4RequestValidator(schemas[spec.name], registry=registry)
        keys: set[Any] = set()
        for index, record in enumerate(records, start=1):
            label = f"{file}: record {index}" + (
                f" ({spec.key} {record[spec.key]!r})" if isinstance(record, dict) and spec.key in record else ""
            )
            if not isinstance(record, dict):
                raise FixtureError(f"{label}: a record must be a mapping of field names to values")
            error = best_match(validator.iter_errors(record))
            if error is not None:
                field = ".".join(str(p) for p in error.absolute_path) or _missing_field(error.message)
                raise FixtureError(f"{label}: field '{field}': {error.message}")
            key = record.get(spec.key)
            if key is not None and key in keys:
                raise FixtureError(f"{label}: field '{spec.key}': duplicate {spec.key} {key!r}")
            keys.add(key)
        loaded[spec.name] = records
    _check_references(files, specs, loaded)
    return loaded


def _check_references(files: Mapping[str, Path], specs: list[TableSpec], loaded: Mapping[str, list[Record]]) -> None:
    """Refuse a record that points at a record no fixture holds, as a database's foreign key would."""
    key_fields = {spec.name: spec.key for spec in specs}
    for spec in specs:
        for field, target in spec.references.items():
            keys = {record.get(key_fields[target]) for record in loaded.get(target, [])}
            for index, record in enumerate(loaded[spec.name], start=1):
                values = record.get(field)
                for value in values if isinstance(values, list) else [values]:
                    if value is not None and value not in keys:
                        label = f"{files[spec.name]}: record {index}" + (
                            f" ({spec.key} {record[spec.key]!r})" if spec.key in record else ""
                        )
                        raise FixtureError(
                            f"{label}: field '{field}': no record with {key_fields[target]} {value!r} in {target}.yaml"
                        )


# libyaml's loader when PyYAML has it (ten times faster on large fixtures), the pure one otherwise.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FixtureLoader(_BaseLoader):  # type: ignore[misc]
    """YAML without implicit timestamps: `2024-01-31` stays the string the API would show."""


_FixtureLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(file: Path) -> list[Any]:
    if not file.exists():
        return []
    try:
        content = yaml.load(file.read_text(encoding="utf-8"), Loader=_FixtureLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise FixtureError(f"{file}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if content is None:
        return []
    if not isinstance(content, list):
        raise FixtureError(f"{file}: expected a list of records, found {type(content).__name__}")
    return content


def _anchored(schema: dict[str, Any]) -> dict[str, Any]:
    """Point the schema's `#/components/...` references at the contract document."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (CONTRACT_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#/") else walk(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    anchored: dict[str, Any] = walk(schema)
    return anchored


def _missing_field(message: str) -> str:
    # jsonschema words a missing property as "'code' is a required property".
    return message.split("'")[1] if message.count("'") >= 2 else "(record)"
