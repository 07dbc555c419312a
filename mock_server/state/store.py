"""The mock's state: typed tables of records, reset to the fixtures and dumped on demand.

The store knows nothing of HTTP. Records are plain dicts of stored fields; what a response shows
(computed fields, nested details) is the handlers' business.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

Record = dict[str, Any]
Key = Any


class Table:
    """Records of one resource, keyed by primary key, in insertion order."""

    def __init__(self, name: str, key: str = "pk", auto_key: bool = True) -> None:
        self.name = name
        self.key = key
        self.auto_key = auto_key
        self._records: dict[Key, Record] = {}
        self._next_pk = 1
        # Bumped on every change, so that derived data (sorted views) can be cached safely.
        self.version = 0
        # field -> value -> keys: built on the first lookup of a field, kept current by every change.
        self._indexes: dict[str, dict[Any, set[Key]]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records.values())

    def __contains__(self, key: Key) -> bool:
        return key in self._records

    def get(self, key: Key) -> Record | None:
        return self._records.get(key)

    def find(self, **fields: Any) -> Record | None:
        """The first record whose fields all equal the given values."""
        return next(self.filter(**fields), None)

    def filter(self, **fields: Any) -> Iterator[Record]:
        return (r for r in self._records.values() if all(r.get(k) == v for k, v in fields.items()))

    def keys_where(self, field: str, value: Any) -> set[Key]:
        """The keys of the records whose `field` equals `value`, from an index kept per field."""
        index = self._indexes.get(field)
        if index is None:
            index = self._indexes[field] = {}
            for key, record in self._records.items():
                index.setdefault(_hashable(record.get(field)), set()).add(key)
        return set(index.get(_hashable(value), ()))

    def insert(self, record: Mapping[str, Any]) -> Record:
        stored = dict(record)
        if self.auto_key and stored.get(self.key) is None:
            stored[self.key] = self._next_pk
        key = stored[self.key]
        if key in self._records:
            raise KeyError(f"{self.name}: duplicate primary key {key!r}")
        if isinstance(key, int):
            self._next_pk = max(self._next_pk, key + 1)
        self._records[key] = stored
        self._index(key, stored, add=True)
        self.version += 1
        return stored

    def update(self, key: Key, changes: Mapping[str, Any]) -> Record:
        record = self._records[key]
        self._index(key, record, add=False)
        record.update(changes)
        self._index(key, record, add=True)
        self.version += 1
        return record

    def delete(self, key: Key) -> Record:
        record = self._records.pop(key)
        self._index(key, record, add=False)
        self.version += 1
        return record

    def clear(self) -> None:
        self._records.clear()
        self._indexes.clear()
        self._next_pk = 1
        self.version += 1

    def _index(self, key: Key, record: Record, *, add: bool) -> None:
        for field, index in self._indexes.items():
            value = _hashable(record.get(field))
            if add:
                index.setdefault(value, set()).add(key)
            else:
                index.get(value, set()).discard(key)

    def load(self, records: Iterable[Mapping[str, Any]]) -> None:
        self.clear()
        for record in records:
            self.insert(copy.deepcopy(dict(record)))

    def dump(self) -> list[Record]:
        return [copy.deepcopy(r) for r in self._records.values()]


def _hashable(value: Any) -> Any:
    """Index values: lists and objects stand for themselves through their JSON-ish text."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


class Store:
    """All tables, the fixtures they reset to, and one lock for changes that span several steps."""

    def __init__(self, fixtures: Mapping[str, list[Record]], tables: Mapping[str, Table]) -> None:
        self._fixtures = {name: copy.deepcopy(records) for name, records in fixtures.items()}
        self.tables = dict(tables)
        self.lock = threading.RLock()
        self._counter = itertools.count(1)
        # Files uploaded through the API (notes images), by their media path.
        self.media: dict[str, tuple[str, bytes]] = {}
        self._reset_hooks: list[Callable[[Store], None]] = []
        self.reset()

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def on_reset(self, hook: Callable[[Store], None]) -> None:
        """Run `hook` after every reset (and now), for state derived from the fixtures."""
        self._reset_hooks.append(hook)
        hook(self)

    def reset(self) -> None:
        """Put every table back to its fixtures; uploaded files are forgotten."""
        with self.lock:
            for name, table in self.tables.items():
                table.load(self._fixtures.get(name, []))
            self.media.clear()
            for hook in self._reset_hooks:
                hook(self)

    def snapshot(self) -> dict[str, list[Record]]:
        """A deep copy of every table's records, for dumping or comparing."""
        with self.lock:
            return {name: table.dump() for name, table in self.tables.items()}

    def unique_number(self) -> int:
        """A number never handed out before in this process (file names, tokens)."""
        return next(self._counter)
