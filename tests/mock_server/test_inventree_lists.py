"""Lists, status classes and machine settings as the real InvenTree gives them."""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from tests.plugins.machine_clients import MakeMachine

SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"
STATUS_CLASSES = {
    "BuildStatus",
    "DataImportStatusCode",
    "LabelPrinterStatus",
    "MachineStatus",
    "PurchaseOrderStatus",
    "ReturnOrderLineStatus",
    "ReturnOrderStatus",
    "SalesOrderStatus",
    "StockHistoryCode",
    "StockStatus",
}


def test_units_ignore_search_and_order_by_any_field(admin: httpx.Client) -> None:
    every = admin.get("/api/units/").json()
    assert admin.get("/api/units/", params={"search": "hand"}).json() == every
    assert [u["pk"] for u in admin.get("/api/units/", params={"ordering": "-pk"}).json()] == sorted(
        (u["pk"] for u in every), reverse=True
    )


def test_content_types_search_and_order(admin: httpx.Client) -> None:
    found = admin.get("/api/contenttype/", params={"search": "stock"}).json()
    assert found and all("stock" in (t["app_label"] + t["model"]).lower() for t in found)
    ordered = admin.get("/api/contenttype/", params={"ordering": "-model"}).json()
    assert [t["model"] for t in ordered] == sorted((t["model"] for t in ordered), reverse=True)


def test_every_status_class_with_its_values(admin: httpx.Client) -> None:
    everything = admin.get("/api/generic/status/").json()
    assert set(everything) == STATUS_CLASSES
    stock = everything["StockStatus"]
    assert stock["status_class"] == "StockStatus"
    assert list(stock["values"]) == [
        "OK",
        "ATTENTION",
        "DAMAGED",
        "DESTROYED",
        "REJECTED",
        "LOST",
        "QUARANTINED",
        "RETURNED",
    ]
    assert stock["values"]["DAMAGED"] == {"key": 55, "name": "DAMAGED", "label": "Damaged", "color": "warning"}
    assert everything["MachineStatus"] == {"status_class": "MachineStatus", "values": {}}
    assert admin.get("/api/generic/status/BuildStatus/").json()["values"]["ON_HOLD"]["key"] == 25


def test_settings_read_or_written_are_listed_first_by_key(api: TestClient) -> None:
    url = f"/api/machine/{SHIPPING}/settings/"
    assert [s["key"] for s in api.get(url).json()] == ["LOCATION", "HOST", "PORT", "DPI", "AUTO_CUT"]
    api.get(f"{url}D/DPI/")
    api.patch(f"{url}D/AUTO_CUT/", json={"value": True})
    # Saved rows first, by key (AUTO_CUT, DPI, HOST), then the rest as the driver defines them.
    assert [s["key"] for s in api.get(url).json()] == ["LOCATION", "AUTO_CUT", "DPI", "HOST", "PORT"]


def test_a_json_boolean_setting_value_is_stored_as_python_spells_it(api: TestClient) -> None:
    url = f"/api/machine/{SHIPPING}/settings/"
    assert api.patch(f"{url}D/AUTO_CUT/", json={"value": True}).json()["value"] == "True"
    assert api.patch(f"{url}D/AUTO_CUT/", json={"value": False}).json()["value"] == "False"
    assert api.patch(f"{url}M/LOCATION/", json={"value": True}).json()["value"] == "True"
    assert api.patch(f"{url}D/PORT/", json={"value": True}).json()["value"] == "9100"  # not an int: the default
    assert api.patch(f"{url}D/DPI/", json={"value": True}).json() == {
        "non_field_errors": ["Chosen value is not a valid option"]
    }


def test_a_machine_of_an_unknown_type_has_no_driver_available(make_machine: MakeMachine) -> None:
    made = make_machine(name="Wrong pair", machine_type="nope-type", driver="usb-label-printer")
    assert made["is_driver_available"] is False
    assert make_machine(name="Right pair")["is_driver_available"] is True
