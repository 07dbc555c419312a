"""Parsed fixtures are cached on disk: reused while the files are unchanged, rebuilt when one changes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mock_server.resources.handlers import build_registry
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.state import fixtures as fixtures_module
from mock_server.state.fixtures import FixtureError, load_fixtures
from spec import load_spec
from spec.cache import ENV_VAR


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, target)
    return target


def load(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return load_fixtures(folder, build_registry().tables, load_spec())


def test_a_second_start_reads_no_yaml(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load(folder)
    monkeypatch.setattr(fixtures_module, "_read", lambda file: pytest.fail(f"{file} was parsed again"))
    assert load(folder) == first


def test_a_changed_file_is_read_again(folder: Path) -> None:
    load(folder)
    codes = folder / "project_codes.yaml"
    codes.write_text(codes.read_text() + "- {pk: 99, code: NEW-99, description: added}\n")
    assert [r["code"] for r in load(folder)["project_codes"]][-1] == "NEW-99"


def test_a_bad_record_is_never_cached(folder: Path) -> None:
    (folder / "project_codes.yaml").write_text("- {pk: 1, description: no code}\n")
    for _ in range(2):
        with pytest.raises(FixtureError, match="'code' is a required property"):
            load(folder)


def test_without_a_cache_the_same_records_load(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = load(folder)
    monkeypatch.setenv(ENV_VAR, "off")
    assert load(folder) == cached
