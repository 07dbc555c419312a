"""The machine registry built from fixtures: start-up state, and fixtures refused at start-up."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mock_server import Settings, create_app
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.state.fixtures import FixtureError
from tests.plugins.live_server import ADMIN

SCANNER_TYPE = {
    "slug": "barcode-scanner",
    "name": "Barcode Scanner",
    "description": "Scans barcodes.",
    "provider_file": "/plugins/scanner.py",
    "provider_plugin": {"slug": "scanners", "name": "Scanners", "pk": 3},
    "is_builtin": False,
}
SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"


def _fixtures(tmp_path: Path, **changes: Any) -> Path:
    """The bundled fixtures, with `<table>=records` replacing or `<table>__add=records` extending a table."""
    folder = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, folder)
    for name, records in changes.items():
        table, _, mode = name.partition("__")
        file = folder / f"{table}.yaml"
        current = yaml.safe_load(file.read_text()) if mode == "add" else []
        file.write_text(yaml.safe_dump([*current, *records]))
    return folder


def _client(folder: Path) -> TestClient:
    client = TestClient(create_app(Settings(fixtures=folder)), base_url="http://testserver")
    client.auth = ADMIN
    return client


def test_the_registry_is_rebuilt_from_the_fixtures_on_every_reset(tmp_path: Path) -> None:
    folder = _fixtures(
        tmp_path,
        machine_types__add=[SCANNER_TYPE],
        machine_configs__add=[
            {
                "pk": "11111111-2222-4333-8444-555555555555",
                "name": "Dock scanner",
                "machine_type": "barcode-scanner",
                "driver": "usb-label-printer",
            },
            {
                "pk": "66666666-7777-4888-8999-000000000000",
                "name": "Old RFID reader",
                "machine_type": "rfid",
                "driver": "rfid-driver",
                "active": False,
            },
        ],
        machine_registry_errors=[{"message": "Cannot re-register driver 'usb-label-printer'"}],
    )
    client = _client(folder)
    errors = {
        "registry_errors": [
            {"message": "Cannot re-register driver 'usb-label-printer'"},
            {"message": "Machine type 'rfid' not found"},
        ]
    }
    assert client.get("/api/machine/status/").json() == errors
    scanner = client.get("/api/machine/11111111-2222-4333-8444-555555555555/").json()
    # A driver of another machine type is reported, and InvenTree still initialises the machine with it.
    assert scanner["machine_errors"] == ["'USB Label Printer' is incompatible with machine type 'Barcode Scanner'"]
    assert (scanner["initialized"], scanner["status"], scanner["status_model"]) == (True, -1, None)
    # A type without settings contributes none; the driver's are there.
    keys = [s["key"] for s in client.get("/api/machine/11111111-2222-4333-8444-555555555555/settings/").json()]
    assert keys == ["DEVICE", "COPIES", "MEDIA", "HIGH_CONTRAST"]
    client.post("/api/machine/", json={"name": "x", "machine_type": "rfid", "driver": "y"})
    assert len(client.get("/api/machine/status/").json()["registry_errors"]) == 3
    client.post("/_mock/reset")
    assert client.get("/api/machine/status/").json() == errors


def test_fixture_settings_are_kept_and_the_rest_default(tmp_path: Path) -> None:
    folder = _fixtures(
        tmp_path, machine_settings__add=[{"machine": SHIPPING, "config_type": "D", "key": "AUTO_CUT", "value": "False"}]
    )
    settings = {s["key"]: s["value"] for s in _client(folder).get(f"/api/machine/{SHIPPING}/settings/").json()}
    assert settings == {"LOCATION": "1", "HOST": "192.168.1.50", "PORT": "9100", "DPI": "300", "AUTO_CUT": "False"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"machine_configs__add": [{"pk": "ABC", "name": "Bad", "machine_type": "label-printer", "driver": "x"}]},
            "machine_configs.yaml: machine 'Bad': field 'pk': 'ABC' is not a lower-case UUID",
        ),
        (
            {"machine_settings__add": [{"machine": SHIPPING, "config_type": "M", "key": "HOST", "value": "x"}]},
            "record pk 3: field 'key': machine 'Shipping desk printer' has no MACHINE setting 'HOST'",
        ),
        (
            {"machine_settings__add": [{"machine": "nobody", "config_type": "D", "key": "HOST"}]},
            "machine_settings.yaml: record pk 3: field 'machine': no machine 'nobody'",
        ),
        (
            {"machine_drivers__add": [{**SCANNER_TYPE, "slug": "scan-driver", "machine_type": "barcode-scanner"}]},
            "machine_drivers.yaml: driver 'scan-driver': field 'machine_type': no machine type 'barcode-scanner'",
        ),
        (
            {
                "machine_types": [
                    {**SCANNER_TYPE, "default_status": 7, "status_codes": [{"key": 1, "name": "OK", "label": "OK"}]}
                ]
            },
            "machine_types.yaml: type 'barcode-scanner': field 'default_status': 7 is not one of its status_codes",
        ),
        (
            {"machine_types": [{**SCANNER_TYPE, "settings": {"SPEED": {"name": "Speed", "validator": "float"}}}]},
            "field 'settings.SPEED.validator'",
        ),
        (
            {"machine_types": [{**SCANNER_TYPE, "settings": {"speed": {"name": "Speed"}}}]},
            "field 'settings'",
        ),
    ],
)
def test_fixtures_inventree_could_not_hold_stop_the_start(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(fixtures=_fixtures(tmp_path, **changes)))
    assert message in str(refused.value)
