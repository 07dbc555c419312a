"""The file store: the store protocol over SQLite, and two stores on one file as two processes would be."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.state.memory import MemoryTable
from mock_server.state.sqlite import SqliteStore, StateFileError
from mock_server.state.store import Store

FIXTURES = {"things": [{"pk": 3, "name": "c"}, {"pk": 1, "name": "a"}], "flags": [{"key": "X", "on": True}]}


def open_store(path: Path, fresh: bool = False) -> SqliteStore:
    tables = {"things": MemoryTable("things"), "flags": MemoryTable("flags", key="key", auto_key=False)}
    return SqliteStore(path, FIXTURES, tables, fresh=fresh)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


def test_a_new_file_starts_from_the_fixtures_and_keys_go_on_after_the_highest(path: Path) -> None:
    store = open_store(path)
    assert store.seeded
    assert [r["name"] for r in store["things"]] == ["c", "a"]
    assert store["things"].insert({"name": "d"})["pk"] == 4
    assert store["flags"].get("X") == {"key": "X", "on": True}


def test_an_existing_file_is_used_as_it_is(path: Path) -> None:
    store = open_store(path)
    store["things"].delete(3)
    store["things"].update(1, {"name": "changed"})
    store["things"].insert({"name": "d"})
    store.media["/media/a.png"] = ("image/png", b"png")
    store.close()
    again = open_store(path)
    assert not again.seeded
    assert again["things"].dump() == [{"pk": 1, "name": "changed"}, {"pk": 4, "name": "d"}]
    assert again.media["/media/a.png"] == ("image/png", b"png")
    # The key after the highest ever handed out, not after the highest still there.
    again["things"].delete(4)
    assert again["things"].insert({"name": "e"})["pk"] == 5


def test_reset_and_fresh_put_the_file_back_to_the_fixtures(path: Path) -> None:
    store = open_store(path)
    store["things"].insert({"name": "d"})
    store.media["/media/a.png"] = ("image/png", b"png")
    store.reset()
    assert store.snapshot()["things"] == FIXTURES["things"]
    assert dict(store.media) == {}
    store["things"].insert({"name": "e"})
    store.close()
    assert open_store(path, fresh=True).snapshot() == FIXTURES


def test_two_stores_on_one_file_see_each_others_writes(path: Path) -> None:
    first, second = open_store(path), open_store(path)
    created = first["things"].insert({"name": "from first"})
    assert second["things"].get(created["pk"]) == created
    second["things"].update(created["pk"], {"name": "renamed"})
    second["things"].delete(3)
    assert first["things"].dump() == [{"pk": 1, "name": "a"}, {"pk": 4, "name": "renamed"}]
    assert first["things"].keys_where("name", "renamed") == {4}
    second.reset()
    assert first["things"].dump() == FIXTURES["things"]


def test_keys_and_numbers_never_collide_between_stores(path: Path) -> None:
    first, second = open_store(path), open_store(path)
    keys = [store["things"].insert({"name": "n"})["pk"] for _ in range(5) for store in (first, second)]
    assert len(set(keys)) == len(keys) == 10
    numbers = [store.unique_number() for _ in range(5) for store in (first, second)]
    assert len(set(numbers)) == 10


def test_a_version_is_never_reused_for_other_contents(path: Path) -> None:
    first, second = open_store(path), open_store(path)
    versions = {first["things"].version}
    first["things"].insert({"name": "x"})
    versions.add(first["things"].version)
    second["things"].insert({"name": "y"})
    assert first["things"].version not in versions


def test_a_failed_transaction_leaves_nothing_behind(path: Path) -> None:
    store = open_store(path)
    before_version = store["things"].version
    with pytest.raises(RuntimeError), store.transaction():
        store["things"].insert({"name": "half"})
        store["things"].delete(1)
        raise RuntimeError("a later step failed")
    assert store["things"].dump() == FIXTURES["things"]
    assert open_store(path)["things"].dump() == FIXTURES["things"]
    # The copy took changes the file did not: its version moved on, so no cache keeps the failed contents.
    assert store["things"].version > before_version + 2


def test_a_duplicate_key_is_refused_and_nothing_is_written(path: Path) -> None:
    store = open_store(path)
    with pytest.raises(KeyError, match="duplicate primary key 1"):
        store["things"].insert({"pk": 1})
    assert open_store(path)["things"].dump() == FIXTURES["things"]


def test_iteration_is_undisturbed_by_another_stores_writes(path: Path) -> None:
    first, second = open_store(path), open_store(path)
    seen = []
    for record in first["things"]:
        second["things"].insert({"name": "meanwhile"})
        first["flags"]  # catches up with the write while the loop goes on
        seen.append(record["pk"])
    assert seen == [3, 1]
    assert len(first["things"]) == 4


def test_the_store_meets_the_protocol(path: Path) -> None:
    store: Store = open_store(path)
    assert store.snapshot()["flags"] == FIXTURES["flags"]


def test_a_file_of_another_kind_is_refused_in_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    with pytest.raises(StateFileError, match=r"file is not a database; choose another file or delete this one$"):
        open_store(text)
    with pytest.raises(StateFileError, match=r"folder .* does not exist; create it or choose another file"):
        open_store(tmp_path / "missing" / "state.sqlite3")


def test_a_key_sqlite_cannot_hold_is_refused_and_the_copy_follows_the_file(path: Path) -> None:
    store = open_store(path)
    with pytest.raises(TypeError, match="a key must be an integer or a string"):
        store["things"].insert({"pk": 2.5, "name": "x"})
    assert store["things"].dump() == FIXTURES["things"]
