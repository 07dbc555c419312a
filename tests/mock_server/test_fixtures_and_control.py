"""Fixtures are validated at start-up; the control API resets and dumps the state."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from mock_server import Settings, create_app
from mock_server.state.fixtures import FixtureError
from tests.plugins.live_server import LiveServer

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, target)
    return target


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("project_codes.yaml", "- {pk: 1, code: " + "X" * 51 + "}\n", "record 1 (pk 1): field 'code': 'XXX"),
        (
            "project_codes.yaml",
            "- {pk: 1, description: no code}\n",
            "record 1 (pk 1): field 'code': 'code' is a required",
        ),
        (
            "custom_units.yaml",
            "- {pk: 1, name: a, definition: 1}\n",
            "record 1 (pk 1): field 'definition': 1 is not of type",
        ),
        (
            "users.yaml",
            "- {pk: 1, username: a, password: b}\n- {pk: 1, username: c, password: d}\n",
            "record 2 (pk 1): field 'pk': duplicate",
        ),
        ("news.yaml", "pk: 1\n", "expected a list of records"),
        ("flags.yaml", "- [unclosed\n", "invalid YAML at line"),
        ("tokens.yaml", "- just a string\n", "record 1: a record must be a mapping"),
    ],
)
def test_a_bad_record_stops_start_up_naming_file_record_and_field(
    fixtures: Path, file: str, text: str, expected: str
) -> None:
    (fixtures / file).write_text(text)
    with pytest.raises(FixtureError) as caught:
        create_app(Settings(fixtures=fixtures))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(fixtures / file))
    assert expected in message


def test_a_missing_fixtures_folder(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="does not exist; pass --fixtures DIR"):
        create_app(Settings(fixtures=tmp_path / "nowhere"))


def test_missing_files_are_empty_tables(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text("- {pk: 1, username: solo, password: pw, is_staff: true}\n")
    create_app(Settings(fixtures=tmp_path))


def test_reset_restores_the_fixtures(mock: LiveServer, admin: httpx.Client) -> None:
    admin.post("/api/project-code/", json={"code": "TEMP"})
    admin.delete("/api/project-code/1/")
    assert httpx.post(f"{mock.url}/_mock/reset").json() == {"status": "reset"}
    codes = [p["code"] for p in admin.get("/api/project-code/").json()]
    assert "TEMP" not in codes and "PRJ-001" in codes
    assert admin.post("/api/project-code/", json={"code": "AFTER"}).json()["pk"] == 7


def test_state_dump_masks_secrets(mock: LiveServer) -> None:
    state = httpx.get(f"{mock.url}/_mock/state").json()
    assert state["users"][0]["username"] == "admin" and state["users"][0]["password"] == "**********"
    assert all(t["key"] == "**********" for t in state["tokens"])
    assert len(state["project_codes"]) == 6


def test_schema_is_served_like_inventree_does(anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/schema/").text.startswith("openapi: 3.0.3")
    assert anonymous.get("/api/schema/", params={"format": "json"}).json()["info"]["title"] == "InvenTree API"


def test_swagger_ui(anonymous: httpx.Client) -> None:
    page = anonymous.get("/api/docs/")
    assert page.status_code == 200 and "swagger" in page.text.lower()


def test_cors_for_browser_frontends(anonymous: httpx.Client) -> None:
    preflight = anonymous.options(
        "/api/project-code/",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    # The origin echoed, with credentials, so that a frontend can use the session cookie.
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    simple = anonymous.get("/api/flags/", headers={"Origin": "http://localhost:5173"})
    assert simple.headers["access-control-allow-origin"] == "http://localhost:5173"
