"""The store: tables keyed by pk, reset to fixtures, snapshots that are copies."""

from __future__ import annotations

import pytest

from mock_server.state.memory import MemoryStore as Store
from mock_server.state.memory import MemoryTable as Table


def make_store() -> Store:
    return Store({"things": [{"pk": 3, "name": "c"}, {"pk": 1, "name": "a"}]}, {"things": Table("things")})


def test_insert_assigns_the_next_key_after_the_highest() -> None:
    store = make_store()
    assert store["things"].insert({"name": "d"})["pk"] == 4
    assert [r["name"] for r in store["things"]] == ["c", "a", "d"]


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(KeyError, match="duplicate primary key 1"):
        make_store()["things"].insert({"pk": 1})


def test_reset_restores_fixtures_and_counters() -> None:
    store = make_store()
    store["things"].delete(3)
    store["things"].insert({"name": "x"})
    store.media["/media/a"] = ("text/plain", b"a")
    store.reset()
    assert [r["pk"] for r in store["things"]] == [3, 1]
    assert store["things"].insert({"name": "y"})["pk"] == 4
    assert store.media == {}


def test_snapshot_is_a_deep_copy() -> None:
    store = make_store()
    snapshot = store.snapshot()
    snapshot["things"][0]["name"] = "changed"
    assert store["things"].get(3) == {"pk": 3, "name": "c"}


def test_fixture_records_are_not_shared_with_the_table() -> None:
    fixtures = {"things": [{"pk": 1, "tags": ["a"]}]}
    store = Store(fixtures, {"things": Table("things")})
    store["things"].get(1)["tags"].append("b")  # type: ignore[index]
    store.reset()
    assert store["things"].get(1) == {"pk": 1, "tags": ["a"]}


def test_version_changes_with_every_write() -> None:
    table = make_store()["things"]
    versions = [table.version]
    table.insert({"name": "n"})
    versions.append(table.version)
    table.update(1, {"name": "m"})
    versions.append(table.version)
    table.delete(1)
    versions.append(table.version)
    assert len(set(versions)) == 4


def test_reset_hooks_run_now_and_after_each_reset() -> None:
    store = make_store()
    calls: list[int] = []
    store.on_reset(lambda s: calls.append(len(s["things"])))
    store["things"].insert({"name": "n"})
    store.reset()
    assert calls == [2, 2]
