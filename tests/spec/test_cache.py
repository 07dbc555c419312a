"""The on-disk cache: a result is reused only while its inputs are unchanged and its file is whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spec import load_spec
from spec.cache import ENV_VAR, DiskCache, cache_dir, files_digest
from spec.loader import SPEC_DIR, _load


@pytest.fixture
def cache(tmp_path: Path) -> DiskCache:
    return DiskCache("test", tmp_path / "cache")


def test_a_stored_payload_comes_back(cache: DiskCache) -> None:
    cache.store("k1", {"a": [1, 2.5, None, "é"]})
    assert cache.load("k1") == {"a": [1, 2.5, None, "é"]}
    assert cache.load("k2") is None


def test_a_damaged_entry_is_ignored(cache: DiskCache) -> None:
    cache.store("k1", {"a": 1})
    (entry,) = cache.directory.iterdir()  # type: ignore[union-attr]
    whole = entry.read_bytes()
    entry.write_bytes(whole[:-3])  # cut short, as by a crash mid-write
    assert cache.load("k1") is None
    entry.write_bytes(whole.replace(b'{"a":1}', b'{"a":2}'))  # same length, other content
    assert cache.load("k1") is None
    entry.write_bytes(b"not a header\n{}")
    assert cache.load("k1") is None


def test_an_entry_under_another_key_is_not_taken(cache: DiskCache) -> None:
    cache.store("k1", [1])
    (entry,) = cache.directory.iterdir()  # type: ignore[union-attr]
    header, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(header.replace(b'"k1"', b'"k9"') + b"\n" + body)
    assert cache.load("k1") is None


def test_writes_leave_no_temporary_files(cache: DiskCache) -> None:
    for round_ in range(3):
        cache.store("k1", {"round": round_})
    assert [p.name for p in cache.directory.iterdir()] == ["test-k1.json"]  # type: ignore[union-attr]
    assert cache.load("k1") == {"round": 2}


def test_an_unwritable_folder_only_means_nothing_is_cached(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    cache = DiskCache("test", blocker / "cache")
    cache.store("k1", {"a": 1})
    assert cache.load("k1") is None


def test_what_json_cannot_hold_is_not_cached(cache: DiskCache) -> None:
    cache.store("k1", {"a": float("nan")})
    cache.store("k2", {"a": {1, 2}})
    assert cache.load("k1") is None and cache.load("k2") is None


def test_the_folder_follows_the_environment(tmp_path: Path) -> None:
    assert cache_dir({ENV_VAR: str(tmp_path)}) == tmp_path
    assert cache_dir({ENV_VAR: "off"}) is None
    assert cache_dir({}) is not None


def test_the_digest_changes_with_any_file(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text("a: 1\n")
    two.write_text("b: 2\n")
    before = files_digest([one, two], "lib==1")
    two.write_text("b: 3\n")
    assert files_digest([one, two], "lib==1") != before
    assert files_digest([one, two], "lib==2") != files_digest([one, two], "lib==1")


def test_the_contract_is_rebuilt_when_a_spec_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    copy = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    first = load_spec(root=copy)
    assert len(list((tmp_path / "cache").iterdir())) == 1
    _load.cache_clear()
    assert load_spec(root=copy) == first  # from the cache
    root = copy / "openapi.yaml"
    root.write_text(root.read_text().replace("title: InvenTree API", "title: Changed API", 1))
    _load.cache_clear()
    assert load_spec(root=copy)["info"]["title"] == "Changed API"
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_a_damaged_contract_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    _load.cache_clear()
    expected = load_spec(published=True)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_text(json.dumps({"format": 1}) + "\n{}")
    _load.cache_clear()
    assert load_spec(published=True) == expected
    header = json.loads(entry.read_text().partition("\n")[0])
    assert set(header) == {"format", "key", "sha256"}  # written whole again
    _load.cache_clear()


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = DiskCache("test", tmp_path / "cache", keep=2)
    for number in range(4):
        cache.store(f"k{number}", number)
    assert cache.load("k3") == 3 and cache.load("k2") == 2
    assert cache.load("k1") is None and cache.load("k0") is None
