"""The in-memory store: the `Store` and `Table` protocols (state/store.py) over plain dicts.

The fixtures a store resets to are kept as one `marshal` blob per table rather than as a second
copy of every record: a reset unmarshals fresh records (C speed, no `deepcopy`), and 100,000
stored records then cost their memory once, not twice.
"""

from __future__ import annotations

import copy
import itertools
import marshal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

from mock_server.state.store import Key, Media, Record
from mock_server.state.store import Store as StoreProtocol


class MemoryTable:
    """Records of one resource, keyed by primary key, in insertion order."""

    def __init__(self, name: str, key: str = "pk", auto_key: bool = True) -> None:
        self.name = name
        self.key = key
        self.auto_key = auto_key
        self._records: dict[Key, Record] = {}
        # The key the next insert without one gets: never one that was handed out before a clear.
        self.next_key = 1
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
            stored[self.key] = self.next_key
        key = stored[self.key]
        if key in self._records:
            raise KeyError(f"{self.name}: duplicate primary key {key!r}")
        if isinstance(key, int):
            self.next_key = max(self.next_key, key + 1)
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
        self.next_key = 1
        self.version += 1

    def _index(self, key: Key, record: Record, *, add: bool) -> None:
        for field, index in self._indexes.items():
            value = _hashable(record.get(field))
            if add:
                index.setdefault(value, set()).add(key)
            else:
                index.get(value, set()).discard(key)

    def load(self, records: Iterable[Record]) -> None:
        """Replace every record with `records`, which the table takes over (the caller keeps no reference)."""
        self.clear()
        for record in records:
            self.insert(record)

    def dump(self) -> list[Record]:
        return [copy.deepcopy(r) for r in self._records.values()]


def _hashable(value: Any) -> Any:
    """Index values: lists and objects stand for themselves through their repr."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


class _Fixtures:
    """A table's fixture records, frozen: each `fresh()` is a new deep copy."""

    def __init__(self, records: list[Record]) -> None:
        try:
            self._blob: bytes | None = marshal.dumps(records)
            self._records: list[Record] | None = None
        except ValueError:  # a value marshal cannot hold: keep the records and deep-copy them
            self._blob, self._records = None, copy.deepcopy(records)

    def fresh(self) -> list[Record]:
        if self._blob is not None:
            records: list[Record] = marshal.loads(self._blob)  # noqa: S302 - our own bytes, never read from outside
            return records
        return copy.deepcopy(self._records or [])


class MemoryStore:
    """All tables, the fixtures they reset to, and one re-entrant lock for changes of several steps."""

    def __init__(self, fixtures: Mapping[str, list[Record]], tables: Mapping[str, MemoryTable]) -> None:
        """Take over `fixtures` as the tables' first records (the caller keeps no reference to them)."""
        self.tables = dict(tables)
        self._fixtures = {name: _Fixtures(records) for name, records in fixtures.items()}
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        self.media: Media = {}
        self._reset_hooks: list[Callable[[StoreProtocol], None]] = []
        self._load({name: fixtures.get(name, []) for name in self.tables})

    def __getitem__(self, name: str) -> MemoryTable:
        return self.tables[name]

    def transaction(self) -> AbstractContextManager[object]:
        return self._lock

    def on_reset(self, hook: Callable[[StoreProtocol], None]) -> None:
        """Run `hook` after every reset (and now), for state derived from the fixtures."""
        self._reset_hooks.append(hook)
        with self._lock:
            hook(self)

    def reset(self) -> None:
        """Put every table back to its fixtures; uploaded files are forgotten."""
        with self._lock:
            self._load({name: self._fresh(name) for name in self.tables})

    def _fresh(self, name: str) -> list[Record]:
        found = self._fixtures.get(name)
        return found.fresh() if found is not None else []

    def _load(self, records: Mapping[str, list[Record]]) -> None:
        with self._lock:
            for name, table in self.tables.items():
                table.load(records[name])
            self.media.clear()
            for hook in self._reset_hooks:
                hook(self)

    def snapshot(self) -> dict[str, list[Record]]:
        """A deep copy of every table's records, for dumping or comparing."""
        with self._lock:
            return {name: table.dump() for name, table in self.tables.items()}

    def unique_number(self) -> int:
        """A number never handed out before in this process (file names, tokens)."""
        return next(self._counter)
