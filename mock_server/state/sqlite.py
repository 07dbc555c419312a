"""The file-backed store (`--state FILE`): the `Store` and `Table` protocols over one SQLite file.

Durability: the journal is a write-ahead log and `synchronous=NORMAL`. Every change of a request
is one transaction, committed before the answer is sent; in WAL mode COMMIT has appended it to the
`-wal` file (write(2)) when it returns, so a process that dies, even by `kill -9`, loses no
acknowledged write, and SQLite never shows half a transaction. SQLite documents WAL with NORMAL
as always consistent; only an OS crash or a power cut can take back the last commits (never
corrupt the file). FULL would add an fsync to every write against a failure a development mock
does not need to survive.

Reads cost what they cost in memory: each process keeps a copy of every table (the
`MemoryTable` this class extends), and each `store[name]` first asks SQLite for
`PRAGMA data_version`, which changes only when another connection (another worker, another
store on the same file) has committed. Then it reads what changed: the rows whose `rev` is past
the copy's version, or the whole table after a reset (`epoch`). Iteration runs over a list, so
a refresh never changes what a caller is iterating over.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from types import TracebackType
from typing import Any

from mock_server.state.memory import MemoryTable
from mock_server.state.store import Key, Media, Record
from mock_server.state.store import Store as StoreProtocol

FORMAT = "inventree-mock-state/1"
# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS tables (
    name TEXT PRIMARY KEY, version INTEGER NOT NULL, epoch INTEGER NOT NULL,
    next_key INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key NOT NULL, rev INTEGER NOT NULL, data TEXT NOT NULL,
    UNIQUE (tbl, key));
CREATE INDEX IF NOT EXISTS records_by_rev ON records (tbl, rev);
CREATE TABLE IF NOT EXISTS media (path TEXT PRIMARY KEY, content_type TEXT NOT NULL, content BLOB NOT NULL);
"""


class StateFileError(Exception):
    """The state file cannot be used; the message is one line naming the file and the fix."""


def _encode(record: Mapping[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class SqliteTable(MemoryTable):
    """A table whose every write is also a row of the state file, inside the store's transaction."""

    def __init__(self, store: SqliteStore, table: MemoryTable) -> None:
        super().__init__(table.name, key=table.key, auto_key=table.auto_key)
        self.store = store
        self.epoch = -1  # not loaded yet
        self._seqs: dict[Key, int] = {}

    def insert(self, record: Mapping[str, Any]) -> Record:
        with self.store.transaction():
            self.store.touched.add(self)  # first: a failure past this point reloads the copy
            stored = super().insert(record)
            key = stored[self.key]
            if not isinstance(key, int | str):
                raise TypeError(f"{self.name}: a key must be an integer or a string, not {key!r}")
            cursor = self.store.connection.execute(
                "INSERT INTO records (tbl, key, rev, data) VALUES (?, ?, ?, ?)",
                (self.name, key, self.version, _encode(stored)),
            )
            self._seqs[key] = int(cursor.lastrowid or 0)
        return stored

    def update(self, key: Key, changes: Mapping[str, Any]) -> Record:
        with self.store.transaction():
            self.store.touched.add(self)
            record = super().update(key, changes)
            self.store.connection.execute(
                "UPDATE records SET rev = ?, data = ? WHERE tbl = ? AND key = ?",
                (self.version, _encode(record), self.name, key),
            )
        return record

    def delete(self, key: Key) -> Record:
        with self.store.transaction():
            self.store.touched.add(self)
            record = super().delete(key)
            self._seqs.pop(key, None)
            self.store.connection.execute("DELETE FROM records WHERE tbl = ? AND key = ?", (self.name, key))
        return record

    def clear(self) -> None:
        with self.store.transaction():
            self.store.touched.add(self)
            super().clear()
            self.epoch += 1
            self._seqs.clear()
            self.store.connection.execute("DELETE FROM records WHERE tbl = ?", (self.name,))

    def seed(self, records: Iterable[Record], first_seq: int) -> int:
        """Replace every record with `records` in one batch (a reset); the next free `seq`."""
        self.clear()
        rows = []
        for seq, record in enumerate(records, start=first_seq):
            stored = MemoryTable.insert(self, record)
            self._seqs[stored[self.key]] = seq
            rows.append((seq, self.name, stored[self.key], self.version, _encode(stored)))
        self.store.connection.executemany("INSERT INTO records (seq, tbl, key, rev, data) VALUES (?, ?, ?, ?, ?)", rows)
        return first_seq + len(rows)

    def row(self) -> tuple[int, int, int, int, str]:
        """The line of the `tables` table that describes this one."""
        return self.version, self.epoch, self.next_key, len(self), self.name

    def __iter__(self) -> Iterator[Record]:
        # Over a list: a refresh may add or remove records while a caller is still iterating.
        return iter(list(self._records.values()))

    def filter(self, **fields: Any) -> Iterator[Record]:
        return (r for r in self if all(r.get(k) == v for k, v in fields.items()))

    def refresh(self, version: int, epoch: int, next_key: int, count: int) -> None:
        """Catch up with the file: the rows written since this copy's version, or all after a reset."""
        connection = self.store.connection
        if epoch != self.epoch:
            records: dict[Key, Record] = {}
            seqs: dict[Key, int] = {}
            query = "SELECT seq, key, data FROM records WHERE tbl = ? ORDER BY seq"
            for seq, key, data in connection.execute(query, (self.name,)):
                records[key], seqs[key] = json.loads(data), seq
            self._records, self._seqs, self._indexes = records, seqs, {}
        else:
            # The changed rows only, through the in-memory table's own methods (its indexes follow).
            query = "SELECT seq, key, data FROM records WHERE tbl = ? AND rev > ? ORDER BY seq"
            for seq, key, data in connection.execute(query, (self.name, self.version)).fetchall():
                if self._seqs.get(key) == seq:
                    MemoryTable.update(self, key, json.loads(data))
                    continue
                if key in self._records:  # deleted and inserted again: it moves to the end
                    MemoryTable.delete(self, key)
                MemoryTable.insert(self, json.loads(data))
                self._seqs[key] = seq
            if len(self._records) != count:  # some were deleted: only the keys tell which
                kept = {key for (key,) in connection.execute("SELECT key FROM records WHERE tbl = ?", (self.name,))}
                for key in [key for key in self._records if key not in kept]:
                    MemoryTable.delete(self, key)
                    del self._seqs[key]
        self.version, self.epoch, self.next_key = version, epoch, next_key


class SqliteMedia(MutableMapping[str, tuple[str, bytes]]):
    """Uploaded files, kept in the state file beside the records."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def __getitem__(self, path: str) -> tuple[str, bytes]:
        query = "SELECT content_type, content FROM media WHERE path = ?"
        row = self.store.connection.execute(query, (path,)).fetchone()
        if row is None:
            raise KeyError(path)
        return str(row[0]), bytes(row[1])

    def __setitem__(self, path: str, value: tuple[str, bytes]) -> None:
        with self.store.transaction():
            query = "INSERT OR REPLACE INTO media (path, content_type, content) VALUES (?, ?, ?)"
            self.store.connection.execute(query, (path, value[0], value[1]))

    def __delitem__(self, path: str) -> None:
        with self.store.transaction():
            if self.store.connection.execute("DELETE FROM media WHERE path = ?", (path,)).rowcount == 0:
                raise KeyError(path)

    def __iter__(self) -> Iterator[str]:
        return iter([path for (path,) in self.store.connection.execute("SELECT path FROM media ORDER BY path")])

    def __len__(self) -> int:
        return int(self.store.connection.execute("SELECT count(*) FROM media").fetchone()[0])

    def clear(self) -> None:
        with self.store.transaction():
            self.store.connection.execute("DELETE FROM media")


class _Transaction:
    """The store's write transaction: BEGIN IMMEDIATE on the outermost entry, COMMIT or ROLLBACK on its exit."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def __enter__(self) -> object:
        store = self.store
        store.lock.acquire()
        if store.depth == 0:
            try:
                store.connection.execute("BEGIN IMMEDIATE")  # waits for another process's write
                store.touched = set()
                store.catch_up()  # the copies must be current before this transaction reads them
            except BaseException:
                if store.connection.in_transaction:
                    store.connection.execute("ROLLBACK")
                store.lock.release()
                raise
        store.depth += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        store = self.store
        store.depth -= 1
        try:
            if store.depth == 0:
                store.finish(commit=kind is None)
        finally:
            store.lock.release()


class SqliteStore:
    """All tables in one SQLite file, reset to their fixtures on demand; one write transaction at a time."""

    def __init__(
        self,
        path: Path,
        fixtures: Mapping[str, list[Record]],
        tables: Mapping[str, MemoryTable],
        hooks: Iterable[Callable[[StoreProtocol], None]] = (),
        *,
        fresh: bool = False,
    ) -> None:
        """Open (or create and seed) the file, then run `hooks` as after a reset, all in one transaction."""
        self.path = path
        self.lock = threading.RLock()
        self.depth = 0
        self.touched: set[SqliteTable] = set()
        self._fixtures = fixtures
        self._reset_hooks: list[Callable[[StoreProtocol], None]] = list(hooks)
        self.connection = _connect(path)
        self.tables = {name: SqliteTable(self, table) for name, table in tables.items()}
        self.media: Media = SqliteMedia(self)
        self._data_version: int | None = None
        self.seeded = False
        try:
            with self.transaction():
                self._open(fresh)
                for hook in self._reset_hooks:
                    hook(self)
        except sqlite3.DatabaseError as error:
            self.connection.close()
            raise StateFileError(f"--state {path}: {error}; choose another file or delete this one") from None

    def _open(self, fresh: bool) -> None:
        connection = self.connection
        found = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if found is None or fresh:
            connection.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('format', ?)", (FORMAT,))
            connection.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('counter', 0)")
            self.seeded = True
            self._seed(list(self.tables.values()))
            return
        known = {row[0] for row in connection.execute("SELECT name FROM tables")}
        # A table this version of the mock has and the file does not starts from its fixtures.
        self._seed([table for name, table in self.tables.items() if name not in known], media=False)
        self.catch_up(force=True)

    def _seed(self, tables: list[SqliteTable], *, media: bool = True) -> None:
        if media:
            self.connection.execute("DELETE FROM media")
        (last,) = self.connection.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()
        for table in tables:
            table.epoch = max(table.epoch, 0)
            last = table.seed(self._fresh(table.name), last + 1) - 1

    def _fresh(self, name: str) -> list[Record]:
        # Through JSON, as every other process reads them back from the file.
        records: list[Record] = json.loads(_encode({"records": self._fixtures.get(name, [])}))["records"]
        return records

    def __getitem__(self, name: str) -> SqliteTable:
        self.catch_up()
        return self.tables[name]

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    def catch_up(self, *, force: bool = False) -> None:
        """Bring every table's copy up to the file, when another connection has committed since."""
        with self.lock:
            if self.depth and not force:
                return  # inside this store's own write transaction the copies are current
            (version,) = self.connection.execute("PRAGMA data_version").fetchone()
            if version == self._data_version and not force:
                return
            self._data_version = version
            query = "SELECT name, version, epoch, next_key, count FROM tables"
            rows = self.connection.execute(query).fetchall()
            for name, table_version, epoch, next_key, count in rows:
                table = self.tables.get(name)
                if table is not None and (table.version, table.epoch) != (table_version, epoch):
                    table.refresh(table_version, epoch, next_key, count)

    def finish(self, *, commit: bool) -> None:
        """End the write transaction: record each changed table's counters and commit, or roll back."""
        connection = self.connection
        touched, self.touched = self.touched, set()
        if commit:
            try:
                connection.executemany(
                    "INSERT OR REPLACE INTO tables (version, epoch, next_key, count, name) VALUES (?, ?, ?, ?, ?)",
                    [table.row() for table in touched],
                )
                connection.execute("COMMIT")
                return
            except BaseException:
                self._roll_back(touched)
                raise
        self._roll_back(touched)

    def _roll_back(self, touched: set[SqliteTable]) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        if not touched:
            return
        # The copies took changes the file did not: reload them, under versions never seen before
        # (a list cached under a version must never stand for other contents).
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            for table in touched:
                query = "UPDATE tables SET version = MAX(version, ?) + 1, epoch = epoch + 1 WHERE name = ?"
                self.connection.execute(query, (table.version, table.name))
                table.epoch = -1
            self.connection.execute("COMMIT")
        finally:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
        self.catch_up(force=True)

    def on_reset(self, hook: Callable[[StoreProtocol], None]) -> None:
        """Run `hook` after every reset (and now), for state derived from the fixtures."""
        self._reset_hooks.append(hook)
        with self.transaction():
            hook(self)

    def reset(self) -> None:
        """Put every table back to its fixtures and forget uploaded files, in one transaction."""
        with self.transaction():
            self.connection.execute("DELETE FROM records")
            self._seed(list(self.tables.values()))
            for hook in self._reset_hooks:
                hook(self)

    def snapshot(self) -> dict[str, list[Record]]:
        """Copies of every table's records, for dumping or comparing."""
        with self.lock:
            self.catch_up()
            return {name: table.dump() for name, table in self.tables.items()}

    def unique_number(self) -> int:
        """A number never handed out before by any process on this file (file names, tokens)."""
        with self.transaction():
            query = "UPDATE meta SET value = value + 1 WHERE name = 'counter' RETURNING value"
            (number,) = self.connection.execute(query).fetchone()
        return int(number)

    def record_count(self) -> int:
        """How many records the file holds."""
        return sum(len(table) for table in self.tables.values())

    def close(self) -> None:
        self.connection.close()


def _create_schema(connection: sqlite3.Connection) -> None:
    """The state file's tables, in a new file; refuse a database that is something else."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if names and "meta" not in names:
            raise sqlite3.DatabaseError("a SQLite database, but not a mock state file")
        for statement in SCHEMA.split(";"):
            connection.execute(statement)
        found = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if found is not None and found[0] != FORMAT:
            raise sqlite3.DatabaseError(f"a state file of format {found[0]!r}, not {FORMAT!r}")
        connection.execute("COMMIT")
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")


def _connect(path: Path) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise StateFileError(f"--state {path}: folder {path.parent} does not exist; create it or choose another file")
    try:
        # Autocommit mode: this module says where each transaction begins and ends.
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        _create_schema(connection)
    except sqlite3.DatabaseError as error:
        raise StateFileError(f"--state {path}: {error}; choose another file or delete this one") from None
    return connection


__all__ = ["SqliteStore", "SqliteTable", "StateFileError"]
