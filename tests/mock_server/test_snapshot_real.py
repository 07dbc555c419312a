"""A snapshot of a real InvenTree, served by the mock: the same records as the server answers.

Opt-in: set INVENTREE_REAL_URL (and INVENTREE_REAL_USERNAME / INVENTREE_REAL_PASSWORD, default
admin / inventree). The server is only read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server import Settings, create_app
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.snapshot.cli import main as snapshot_main
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


def _shown(answer: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{field: item.get(field) for field in fields} for item in answer]


def test_a_snapshot_of_the_real_server_answers_as_the_server(tmp_path: Path) -> None:
    out = tmp_path / "real"
    username, password = REAL_USER
    assert snapshot_main(["--from", REAL_URL, "--username", username, "--password", password, "--out", str(out)]) == 0
    with httpx.Client(base_url=REAL_URL, auth=REAL_USER, timeout=60.0) as real:
        expected = {path: _shown(real.get(path).json(), fields) for path, fields in COMPARED.items()}
        api_version = real.get("/api/").json()["apiVersion"]
        codes = real.get("/api/project-code/").json()
        metadata = {code["pk"]: real.get(f"/api/project-code/{code['pk']}/metadata/").json() for code in codes}
    with serving(create_app(Settings(fixtures=out))) as served, httpx.Client(base_url=served, auth=ADMIN) as mock:
        for path, fields in COMPARED.items():
            assert _shown(mock.get(path).json(), fields) == expected[path], path
        assert mock.get("/api/").json()["apiVersion"] == api_version
        for pk, answer in metadata.items():
            assert mock.get(f"/api/project-code/{pk}/metadata/").json() == answer
    # The server's users and credentials are not taken: the mock's known ones are.
    assert (out / "users.yaml").read_bytes() == (DEFAULT_FIXTURES / "users.yaml").read_bytes()
    assert (out / "tokens.yaml").read_bytes() == (DEFAULT_FIXTURES / "tokens.yaml").read_bytes()
