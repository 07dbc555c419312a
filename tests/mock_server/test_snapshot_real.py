"""A snapshot of a real InvenTree, served by the mock: the same records as the server answers.

Opt-in: set INVENTREE_REAL_URL (and INVENTREE_REAL_USERNAME / INVENTREE_REAL_PASSWORD, default
admin / inventree). The server is only read, but for `GET /api/user/token/`, which makes the user's
token if it has none: the token the snapshot must not write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mock_server import Settings, create_app
from mock_server.resources.handlers import build_registry
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.snapshot.cli import main as snapshot_main
from mock_server.state.fixtures import load_fixtures
from spec import load_spec
from tests.plugins.live_server import ADMIN, serving

REAL_URL = os.environ.get("INVENTREE_REAL_URL", "")
REAL_USER = (os.environ.get("INVENTREE_REAL_USERNAME", "admin"), os.environ.get("INVENTREE_REAL_PASSWORD", "inventree"))

pytestmark = [
    pytest.mark.real_inventree,
    pytest.mark.skipif(not REAL_URL, reason="needs a real InvenTree: set INVENTREE_REAL_URL"),
]

# For each family, the list and the fields a frontend shows, which the mock must answer as the server does.
COMPARED = {
    "/api/project-code/": ("pk", "code", "description", "responsible", "responsible_detail"),
    "/api/units/": ("pk", "name", "symbol", "definition"),
    "/api/news/": ("pk", "title", "link", "author", "summary", "read"),
    "/api/error-report/": ("pk", "info", "data", "path"),
    "/api/notifications/": ("pk", "category", "name", "message", "read", "target", "source"),
    "/api/machine/": ("pk", "name", "machine_type", "driver", "active", "is_driver_available"),
    "/api/machine/types/": ("slug", "name", "description", "is_builtin"),
    "/api/machine/drivers/": ("slug", "name", "machine_type"),
    "/api/flags/": ("key", "state", "conditions"),
    "/api/contenttype/": ("pk", "app_label", "model", "app_labeled_name", "is_plugin"),
}
# The base fixtures' files the snapshot keeps as they are: the mock's accounts and credentials.
KEPT = ("users.yaml", "groups.yaml", "tokens.yaml", "sessions.yaml", "webhooks.yaml")


def _scalars(node: Any) -> Iterator[tuple[str, str]]:
    """Every (key, text value) pair anywhere in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value if isinstance(value, str) else ""
            yield from _scalars(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scalars(item)


def _shown(answer: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{field: item.get(field) for field in fields} for item in answer]


@pytest.fixture
def seeded() -> Iterator[None]:
    """A project code with metadata, a unit and a machine on the server for the run, removed after it.

    A freshly reset server holds none of them; the snapshot of an empty family proves little.
    """
    with httpx.Client(base_url=REAL_URL, auth=REAL_USER, timeout=60.0) as real:
        made: list[str] = []
        try:
            code = real.post("/api/project-code/", json={"code": "SNAP-1", "description": "Snapshot"})
            assert code.status_code == 201, code.text
            made.append(f"/api/project-code/{code.json()['pk']}/")
            metadata = {"metadata": {"colour": "blue"}}
            assert real.patch(f"{made[-1]}metadata/", json=metadata).status_code == 200
            unit = real.post("/api/units/", json={"name": "snapshot_unit", "definition": "3 m", "symbol": "snu"})
            assert unit.status_code == 201, unit.text
            made.append(f"/api/units/{unit.json()['pk']}/")
            machine = {"name": "Snapshot printer", "machine_type": "label-printer", "driver": "no-such-driver"}
            created = real.post("/api/machine/", json=machine)
            assert created.status_code == 201, created.text
            made.append(f"/api/machine/{created.json()['pk']}/")
            yield
        finally:
            for path in reversed(made):
                real.delete(path)


@pytest.mark.usefixtures("seeded")
def test_a_snapshot_of_the_real_server_answers_as_the_server(tmp_path: Path) -> None:
    out = tmp_path / "real"
    username, password = REAL_USER
    assert snapshot_main(["--from", REAL_URL, "--username", username, "--password", password, "--out", str(out)]) == 0
    with httpx.Client(base_url=REAL_URL, auth=REAL_USER, timeout=60.0) as real:
        expected = {path: _shown(real.get(path).json(), fields) for path, fields in COMPARED.items()}
        api_version = real.get("/api/").json()["apiVersion"]
        codes = real.get("/api/project-code/").json()
        metadata = {code["pk"]: real.get(f"/api/project-code/{code['pk']}/metadata/").json() for code in codes}
        token = real.get("/api/user/token/").json()["token"]
    # Every file holds to the contract, as the mock checks fixtures when it starts.
    loaded = load_fixtures(out, build_registry().tables, load_spec())
    assert loaded["project_codes"] and loaded["machine_configs"]
    with serving(create_app(Settings(fixtures=out))) as served, httpx.Client(base_url=served, auth=ADMIN) as mock:
        for path, fields in COMPARED.items():
            assert _shown(mock.get(path).json(), fields) == expected[path], path
        assert mock.get("/api/").json()["apiVersion"] == api_version
        for pk, answer in metadata.items():
            assert mock.get(f"/api/project-code/{pk}/metadata/").json() == answer
    # No secret of the server is written: not its token, nor a password hash, nor a password (field
    # or value) in any file the server's answers made (the kept files hold the mock's own credentials).
    for file in sorted(out.iterdir()):
        text = file.read_text(encoding="utf-8")
        assert token not in text, file.name
        assert "pbkdf2_" not in text and "argon2" not in text, file.name
        if file.name not in KEPT:
            leaks = [(k, v) for k, v in _scalars(yaml.safe_load(text)) if "password" in k.lower() or v == password]
            assert not leaks, file.name
    # The server's users and credentials are not taken: the mock's known ones are.
    for name in KEPT:
        assert (out / name).read_bytes() == (DEFAULT_FIXTURES / name).read_bytes(), name
