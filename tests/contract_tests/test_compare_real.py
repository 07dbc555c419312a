"""Opt-in: the mock beside a real InvenTree, every operation as admin, reader and anonymous; every difference known.

Needs a freshly reset real InvenTree 0.18 (API 303) with the users `admin`/`inventree` and
`reader`/`readonly` at INVENTREE_REAL_URL (../shared/real-inventree: `real-inventree reset`). The mock
serves its fixtures with the data a fresh server holds (none: no project codes, units, news,
notifications, error reports, machines or drivers; the two users' owners), so that what differs is
behaviour, not data. Every difference must be in contract_tests/compare/known_differences.yaml, with
its reason: a new one is either a mock defect to fix or a server behaviour to document there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contract_tests.cli import main
from mock_server import Settings, create_app
from tests.contract_tests.servers import serving
from tests.contract_tests.test_compare import compared_operations

ROOT = Path(__file__).resolve().parents[2]
KNOWN = ROOT / "contract_tests" / "compare" / "known_differences.yaml"
REAL_URL = os.environ.get("INVENTREE_REAL_URL", "")
# What a fresh InvenTree holds none of: the mock's tables of these are emptied.
EMPTY_ON_A_FRESH_SERVER = (
    "project_codes",
    "custom_units",
    "news",
    "notifications",
    "error_reports",
    "notes_images",
    "machine_configs",
    "machine_settings",
    "machine_drivers",
    "webhooks",
    "stock_items",
    "stock_locations",
    "search_index",
)
FRESH_USERS = ("admin", "reader")
CREDENTIALS = {"admin": "inventree", "reader": "readonly"}
# What other tests (and this one's server errors) leave on a shared server, emptied before comparing:
# list endpoints with InvenTree's bulk delete (BulkDeleteMixin), and detail endpoints deleted one by one.
BULK_DELETED = ("/api/news/", "/api/notifications/", "/api/error-report/")
DELETED_ONE_BY_ONE = ("/api/project-code/", "/api/units/", "/api/machine/")
# The fields of a machine driver that come from where the server found it.
DRIVER_ORIGIN = (
    "name",
    "description",
    "provider_file",
    "provider_plugin",
    "is_builtin",
    "machine_type",
    "driver_errors",
)

pytestmark = [
    pytest.mark.real_inventree,
    pytest.mark.skipif(
        not REAL_URL,
        reason="set INVENTREE_REAL_URL to a freshly reset real InvenTree 0.18 (API 303) to compare the mock with it",
    ),
]


def empty_the_reference(url: str) -> None:
    """Remove what earlier runs left on the server, so that it holds what a fresh one does (its users)."""
    for username, password in CREDENTIALS.items():
        with httpx.Client(base_url=url, auth=(username, password), timeout=60) as client:
            for path in BULK_DELETED:
                listed = client.get(path)
                if listed.status_code != 200:
                    continue  # the reader may not see every list
                items = listed.json()
                pks = [item["pk"] for item in (items["results"] if isinstance(items, dict) else items)]
                if pks:
                    # The server answers a bulk delete 204 with a body, which would be read as the start
                    # of the next answer on a kept-alive connection: this one is closed after it.
                    headers = {"Connection": "close"}
                    client.request("DELETE", path, json={"items": pks}, headers=headers).raise_for_status()
            if username != "admin":
                continue
            for path in DELETED_ONE_BY_ONE:
                listed = client.get(path).json()
                for item in listed["results"] if isinstance(listed, dict) else listed:
                    client.delete(f"{path}{item['pk']}/").raise_for_status()


def reference_drivers(url: str) -> list[dict[str, Any]]:
    """The machine drivers the server has registered (none on a stock server; plugins add them)."""
    answer = httpx.get(url + "/api/machine/drivers/", auth=("admin", "inventree"), timeout=60)
    answer.raise_for_status()
    drivers: list[dict[str, Any]] = answer.json()
    return drivers


def fresh_fixtures(folder: Path, drivers: list[dict[str, Any]] | None = None) -> Path:
    """The mock's fixtures with the data of a freshly reset InvenTree: its two users and their owners, nothing else.

    `drivers` are the server's machine drivers: those the fixtures also hold are kept, with the
    server's account of where they come from, so that a server with driver plugins compares too.
    """
    shutil.copytree(ROOT / "fixtures", folder, dirs_exist_ok=True)
    known_drivers = {driver["slug"]: driver for driver in _load(folder, "machine_drivers")}
    for table in EMPTY_ON_A_FRESH_SERVER:
        (folder / f"{table}.yaml").write_text("[]\n", encoding="utf-8")
    served = [
        {**known_drivers[driver["slug"]], **{name: driver[name] for name in DRIVER_ORIGIN if name in driver}}
        for driver in drivers or []
        if driver["slug"] in known_drivers
    ]
    _dump(folder, "machine_drivers", served)
    users = [user for user in _load(folder, "users") if user["username"] in FRESH_USERS]
    pks = {user["pk"] for user in users}
    for user in users:
        user["groups"] = []
    _dump(folder, "users", users)
    _dump(folder, "groups", [])
    _dump(folder, "owners", [o for o in _load(folder, "owners") if o["owner_type"] == "user" and o["owner_id"] in pks])
    for table in ("tokens", "sessions"):
        _dump(folder, table, [item for item in _load(folder, table) if item["user"] in pks])
    return folder


def _load(folder: Path, table: str) -> Any:
    return yaml.safe_load((folder / f"{table}.yaml").read_text(encoding="utf-8")) or []


def _dump(folder: Path, table: str, value: Any) -> None:
    (folder / f"{table}.yaml").write_text(yaml.safe_dump(value, sort_keys=False), encoding="utf-8")


def test_every_difference_between_the_mock_and_a_real_inventree_is_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTREE_") and name != "INVENTREE_REAL_URL":
            monkeypatch.delenv(name)
    empty_the_reference(REAL_URL)
    app = create_app(Settings(fixtures=fresh_fixtures(tmp_path / "fixtures", reference_drivers(REAL_URL))))
    with serving(app) as mock:
        code = main(
            [
                "compare",
                *("--reference", REAL_URL, "--reference-username", "admin", "--reference-password", "inventree"),
                *("--candidate", mock, "--candidate-username", "admin", "--candidate-password", "inventree"),
                *("--also-as", "reader:readonly,anonymous", "--max-examples", "5", "--known", str(KNOWN)),
                *("--junit-xml", str(tmp_path / "compare.xml")),
            ]
        )
    out = capsys.readouterr().out
    assert code == 0, out
    assert compared_operations(out) == 71, out
