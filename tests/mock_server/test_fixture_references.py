"""Fixtures that point at records no fixture holds stop start-up with one line, as a wrong type does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server import Settings, create_app
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.state.fixtures import FixtureError


def _fixtures(tmp_path: Path, table: str, change: Any) -> Path:
    folder = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, folder)
    file = folder / f"{table}.yaml"
    records = yaml.safe_load(file.read_text())
    change(records)
    file.write_text(yaml.safe_dump(records))
    return folder


def _set(index: int, field: str, value: Any) -> Any:
    def change(records: list[dict[str, Any]]) -> None:
        records[index][field] = value

    return change


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        (
            "project_codes",
            _set(0, "responsible", 99),
            "project_codes.yaml: record 1 (pk 1): field 'responsible': no record with pk 99 in owners.yaml",
        ),
        (
            "notifications",
            _set(3, "user", 42),
            "notifications.yaml: record 4 (pk 4): field 'user': no record with pk 42 in users.yaml",
        ),
        ("tokens", _set(0, "user", 7), "tokens.yaml: record 1 (key 'inv-"),
        ("users", _set(0, "groups", [1, 9]), "users.yaml: record 1 (pk 1): field 'groups': no record with pk 9"),
        (
            "machine_settings",
            _set(0, "machine", "9b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"),
            "machine_settings.yaml: record pk 1: field 'machine': no machine '9b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01'",
        ),
    ],
)
def test_a_reference_to_a_missing_record_is_refused(tmp_path: Path, table: str, change: Any, message: str) -> None:
    folder = _fixtures(tmp_path, table, change)
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(fixtures=folder))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_null_reference_is_no_reference(tmp_path: Path) -> None:
    create_app(Settings(fixtures=_fixtures(tmp_path, "project_codes", _set(0, "responsible", None))))


def test_the_command_line_names_the_missing_record_in_one_line(tmp_path: Path) -> None:
    folder = _fixtures(tmp_path, "project_codes", _set(0, "responsible", 99))
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--fixtures", str(folder), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("FixtureError:") and "no record with pk 99 in owners.yaml" in result.stderr
