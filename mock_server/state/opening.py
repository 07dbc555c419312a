"""Which store the mock keeps its state in: memory (the default) or a SQLite file (`--state FILE`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mock_server.settings import Settings
from mock_server.state.fixtures import TableSpec, load_fixtures
from mock_server.state.memory import MemoryStore
from mock_server.state.sqlite import SqliteStore
from mock_server.state.store import Store


def open_store(
    settings: Settings,
    specs: Iterable[TableSpec],
    hooks: Iterable[Callable[[Store], None]],
    document: Mapping[str, Any],
) -> Store:
    """The store the settings ask for, loaded from the validated fixtures, with the reset hooks run."""
    specs = list(specs)
    fixtures = load_fixtures(settings.fixtures, specs, document)
    tables = {spec.name: spec.table() for spec in specs}
    if settings.state is not None:
        return SqliteStore(settings.state, fixtures, tables, hooks, fresh=settings.fresh_state)
    store = MemoryStore(fixtures, tables)
    for hook in hooks:
        store.on_reset(hook)
    return store
