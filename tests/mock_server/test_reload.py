"""`--reload`: a changed fixture is served (like a reset, in a state file too); a broken one keeps the last good state."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_server.settings import DEFAULT_FIXTURES
from tests.plugins.mock_process import free_port, mock_process, wait_until

UNITS = "custom_units.yaml"


def unit_names(url: str) -> list[str]:
    return [unit["name"] for unit in httpx.get(f"{url}/api/units/", auth=("admin", "inventree")).json()]


def startup_error(fixtures: Path) -> str:
    """The one line `python -m mock_server` prints when it cannot start from these fixtures."""
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--fixtures", str(fixtures), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    return result.stderr.strip()


@pytest.mark.slow  # waits for the file watcher three times: several seconds
def test_a_changed_fixture_is_served_and_a_broken_one_keeps_the_last_good_state(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, fixtures)
    args = ["--fixtures", str(fixtures), "--reload", "--state", str(tmp_path / "state.sqlite3")]
    with mock_process(args, tmp_path / "mock.log") as mock:
        created = httpx.post(
            f"{mock.url}/api/units/", auth=("admin", "inventree"), json={"name": "via_api", "definition": "3 m"}
        )
        assert created.status_code == 201
        units = (fixtures / UNITS).read_text(encoding="utf-8")
        (fixtures / UNITS).write_text(
            units + "- {pk: 9, name: edited_in, symbol: ei, definition: 2 m}\n", encoding="utf-8"
        )
        mock.wait_for_log("reloaded fixtures: 1 file changed")
        assert mock.log().count("reloaded fixtures") == 1
        # A reload is a reset to the new fixtures, in the state file too.
        assert unit_names(mock.url) == ["hand_span", "reel", "pallet_load", "edited_in"]

        (fixtures / UNITS).write_text(units + "- {pk: 9, name: broken, definition: [not, text]}\n", encoding="utf-8")
        mock.wait_for_log("reload failed")
        failure = next(line for line in mock.log().splitlines() if "reload failed" in line)
        assert failure.endswith(startup_error(fixtures))
        assert mock.log().count("reload failed") == 1 and "Traceback" not in mock.log(), "one line, no traceback"
        assert unit_names(mock.url) == ["hand_span", "reel", "pallet_load", "edited_in"]

        (fixtures / UNITS).write_text(units, encoding="utf-8")
        mock.wait_for_log("reloaded fixtures: 1 file changed", count=2)
        wait_until(lambda: unit_names(mock.url) == ["hand_span", "reel", "pallet_load"], "the restored units served")
