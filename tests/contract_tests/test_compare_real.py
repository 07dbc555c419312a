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

pytestmark = [
    pytest.mark.real_inventree,
    pytest.mark.skipif(
        not REAL_URL,
        reason="set INVENTREE_REAL_URL to a freshly reset real InvenTree 0.18 (API 303) to compare the mock with it",
    ),
]


def fresh_fixtures(folder: Path) -> Path:
    """The mock's fixtures with the data of a freshly reset InvenTree: its two users and their owners, nothing else."""
    shutil.copytree(ROOT / "fixtures", folder, dirs_exist_ok=True)
    for table in EMPTY_ON_A_FRESH_SERVER:
        (folder / f"{table}.yaml").write_text("[]\n", encoding="utf-8")
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
    app = create_app(Settings(fixtures=fresh_fixtures(tmp_path / "fixtures")))
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
