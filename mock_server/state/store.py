"""The store's interface: what views and handlers may do with the mock's state.

Views are written against these protocols only, so another store (a file-backed SQLite one that
keeps state across restarts) can stand in for the in-memory one (`state/memory.py`) without a
change to any view. The store knows nothing of HTTP. Records are plain dicts of stored fields;
what a response shows (computed fields, nested details) is the handlers' business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

Record = dict[str, Any]
Key = Any
# Files uploaded through the API (notes images): media path -> (content type, bytes).
Media = MutableMapping[str, tuple[str, bytes]]


class Table(Protocol):
    """The records of one resource, keyed by `key`, in insertion order."""

    name: str
    key: str

    @property
    def version(self) -> int:
        """A number that changes with every write, so that derived data can be cached safely."""
        ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Record]: ...

    def __contains__(self, key: Key) -> bool: ...

    def get(self, key: Key) -> Record | None:
        """The record with this key, or None."""
        ...

    def find(self, **fields: Any) -> Record | None:
        """The first record whose fields all equal the given values."""
        ...

    def filter(self, **fields: Any) -> Iterator[Record]:
        """Every record whose fields all equal the given values, in insertion order."""
        ...

    def keys_where(self, field: str, value: Any) -> set[Key]:
        """The keys of the records whose `field` equals `value`."""
        ...

    def insert(self, record: Mapping[str, Any]) -> Record:
        """Store a new record (the next integer key when it has none); KeyError on a duplicate key."""
        ...

    def update(self, key: Key, changes: Mapping[str, Any]) -> Record:
        """Change some fields of a record; the changed record."""
        ...

    def delete(self, key: Key) -> Record:
        """Remove a record; the removed record."""
        ...

    def clear(self) -> None:
        """Remove every record and start the keys again at 1."""
        ...

    def dump(self) -> list[Record]:
        """Copies of every record, for dumping or comparing."""
        ...


class Store(Protocol):
    """All tables, reset to their fixtures on demand."""

    media: Media

    def __getitem__(self, name: str) -> Table: ...

    def transaction(self) -> AbstractContextManager[object]:
        """Hold for a change of several steps: no other request sees or interleaves with it (re-entrant)."""
        ...

    def reset(self) -> None:
        """Put every table back to its fixtures; uploaded files are forgotten."""
        ...

    def snapshot(self) -> dict[str, list[Record]]:
        """Copies of every table's records."""
        ...

    def unique_number(self) -> int:
        """A number never handed out before by this store (file names, tokens)."""
        ...

    def on_reset(self, hook: Callable[[Store], None]) -> None:
        """Run `hook` now and after every reset, for state derived from the fixtures."""
        ...
