"""Machines in the mock: the registry's types and drivers, machine CRUD, computed fields, errors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from tests.plugins.live_server import READER

if TYPE_CHECKING:
    from tests.plugins.machine_clients import MakeMachine


BASE_URL = "http://testserver"
# The fixture machines (fixtures/machine_configs.yaml).
SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"  # network printer, active, HOST set: initialised
WAREHOUSE = "4e2d9b17-3c5a-4f80-8d6e-2a1b7c9e5f02"  # USB printer, inactive

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DRIVER_FIELDS = [
    "slug",
    "name",
    "description",
    "provider_file",
    "provider_plugin",
    "is_builtin",
    "machine_type",
    "driver_errors",
]
MACHINE_FIELDS = [
    "pk",
    "name",
    "machine_type",
    "driver",
    "initialized",
    "active",
    "status",
    "status_model",
    "status_text",
    "machine_errors",
    "is_driver_available",
    "restart_required",
]


def test_types_list_the_built_in_label_printer(api: TestClient) -> None:
    assert api.get("/api/machine/types/").json() == [
        {
            "slug": "label-printer",
            "name": "Label Printer",
            "description": "Directly print labels for various items.",
            "provider_file": "/home/inventree/src/backend/InvenTree/machine/machine_types/label_printer.py",
            "provider_plugin": None,
            "is_builtin": True,
        }
    ]


def test_drivers_come_from_plugins_with_every_documented_field(api: TestClient) -> None:
    drivers = api.get("/api/machine/drivers/").json()
    assert [d["slug"] for d in drivers] == ["network-label-printer", "usb-label-printer"]
    for found in drivers:
        assert list(found) == DRIVER_FIELDS
        assert found["machine_type"] == "label-printer"
        assert found["is_builtin"] is False
        assert set(found["provider_plugin"]) == {"slug", "name", "pk"}
        assert found["driver_errors"] == []


def test_drivers_filter_by_machine_type(api: TestClient) -> None:
    assert len(api.get("/api/machine/drivers/", params={"machine_type": "label-printer"}).json()) == 2
    assert api.get("/api/machine/drivers/", params={"machine_type": "scanner"}).json() == []
    assert len(api.get("/api/machine/drivers/", params={"machine_type": ""}).json()) == 2


def test_fixture_machines_as_the_registry_loaded_them(api: TestClient) -> None:
    machines = {m["pk"]: m for m in api.get("/api/machine/").json()}
    assert list(machines[SHIPPING]) == MACHINE_FIELDS
    # The network driver reports "Connected" once it has initialised the machine.
    assert machines[SHIPPING] | {"pk": None} == {
        "pk": None,
        "name": "Shipping desk printer",
        "machine_type": "label-printer",
        "driver": "network-label-printer",
        "initialized": True,
        "active": True,
        "status": 100,
        "status_model": "LabelPrinterStatus",
        "status_text": "",
        "machine_errors": [],
        "is_driver_available": True,
        "restart_required": False,
    }
    # An inactive machine is loaded but not initialised; it keeps the type's default status.
    warehouse = machines[WAREHOUSE]
    assert (warehouse["active"], warehouse["initialized"], warehouse["status"]) == (False, False, 101)
    assert api.get("/api/machine/status/").json() == {"registry_errors": []}


def test_create_a_machine_that_initialises(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(name="  Packing printer  ")
    assert UUID.match(created["pk"])
    assert created | {"pk": None} == {
        "pk": None,
        "name": "Packing printer",
        "machine_type": "label-printer",
        "driver": "usb-label-printer",
        "initialized": True,
        "active": True,
        "status": 101,
        "status_model": "LabelPrinterStatus",
        "status_text": "",
        "machine_errors": [],
        "is_driver_available": True,
        "restart_required": False,
    }
    assert api.get(f"/api/machine/{created['pk']}/").json() == created
    assert created in api.get("/api/machine/").json()


def test_a_required_setting_without_value_stops_initialisation(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(driver="network-label-printer")
    assert created["initialized"] is False
    assert created["is_driver_available"] is True
    assert created["machine_errors"] == ["Missing DRIVER settings: HOST"]
    assert created["status"] == 101


def test_an_unknown_driver_is_accepted_and_reported(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(driver="no-such-driver")
    assert created["is_driver_available"] is False
    assert created["initialized"] is False
    assert created["machine_errors"] == ["Driver 'no-such-driver' not found"]
    assert (created["status"], created["status_model"]) == (101, "LabelPrinterStatus")
    assert api.get("/api/machine/status/").json() == {"registry_errors": []}


def test_an_unknown_type_is_accepted_but_never_loaded(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(machine_type="scanner", driver="usb-label-printer")
    assert created | {"pk": None, "name": None} == {
        "pk": None,
        "name": None,
        "machine_type": "scanner",
        "driver": "usb-label-printer",
        "initialized": False,
        "active": True,
        "status": -1,
        "status_model": None,
        "status_text": "",
        "machine_errors": [],
        # No machine was built for the unknown type, so it has no driver (`is_driver_available`).
        "is_driver_available": False,
        "restart_required": False,
    }
    pk = created["pk"]
    assert api.get(f"/api/machine/{pk}/").status_code == 200
    # Settings and restart go through the registry, which does not know the machine.
    for response in (api.get(f"/api/machine/{pk}/settings/"), api.post(f"/api/machine/{pk}/restart/")):
        assert response.status_code == 404
        assert response.json() == {"detail": f"Machine '{pk}' not found"}
    errors = {"registry_errors": [{"message": "Machine type 'scanner' not found"}]}
    assert api.get("/api/machine/status/").json() == errors
    # The registry keeps its errors until it is rebuilt: deleting the machine does not clear them.
    assert api.delete(f"/api/machine/{pk}/").status_code == 204
    assert api.get("/api/machine/status/").json() == errors
    make_machine(name="Another", machine_type="scanner")
    assert len(api.get("/api/machine/status/").json()["registry_errors"]) == 2
    api.post("/_mock/reset")
    assert api.get("/api/machine/status/").json() == {"registry_errors": []}


def test_activation_initialises_and_deactivation_stops(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(active=False)
    assert (created["active"], created["initialized"]) == (False, False)
    url = f"/api/machine/{created['pk']}/"
    assert api.patch(url, json={"active": True}).json()["initialized"] is True
    assert api.patch(url, json={"active": False}).json()["initialized"] is False
    assert api.put(url, data={"name": "Test printer", "active": "false"}).json()["active"] is False
    # A form without the checkbox is the field's default: DRF reads a missing HTML field as the
    # serializer field's default, which InvenTree's serializers take from the model (active: True).
    assert api.put(url, data={"name": "Test printer"}).json()["initialized"] is True
    created = api.post("/api/machine/", data={"name": "Form printer", "machine_type": "label-printer", "driver": "x"})
    assert (created.status_code, created.json()["active"]) == (201, True)


def test_a_machine_started_without_its_settings_keeps_the_error(api: TestClient, make_machine: MakeMachine) -> None:
    created = make_machine(driver="network-label-printer", active=False)
    url = f"/api/machine/{created['pk']}/"
    assert api.patch(url, json={"active": True}).json()["machine_errors"] == ["Missing DRIVER settings: HOST"]
    assert api.patch(f"{url}settings/D/HOST/", json={"value": "10.0.0.9"}).status_code == 200
    # Settings are checked when a machine initialises, not when they are written.
    assert api.get(url).json()["initialized"] is False
    api.patch(url, json={"active": False})
    started = api.patch(url, json={"active": True}).json()
    assert (started["initialized"], started["status"]) == (True, 100)
    assert started["machine_errors"] == ["Missing DRIVER settings: HOST"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "X"}, {"machine_type": ["This field is required."], "driver": ["This field is required."]}),
        ({"machine_type": "label-printer", "driver": "x"}, {"name": ["This field is required."]}),
        (
            {"name": " ", "machine_type": "", "driver": "x"},
            {"name": ["This field may not be blank."], "machine_type": ["This field may not be blank."]},
        ),
        (
            {"name": "x" * 256, "machine_type": "label-printer", "driver": "x"},
            {"name": ["Ensure this field has no more than 255 characters."]},
        ),
        (
            {"name": "Shipping desk printer", "machine_type": "label-printer", "driver": "x"},
            {"name": ["machine config with this Name already exists."]},
        ),
        (
            {"name": "X", "machine_type": "label-printer", "driver": "x", "active": "maybe"},
            {"active": ["Must be a valid boolean."]},
        ),
    ],
)
def test_invalid_machines_are_refused(api: TestClient, body: dict[str, object], errors: dict[str, list[str]]) -> None:
    response = api.post("/api/machine/", json=body)
    assert response.status_code == 400
    assert response.json() == errors
    assert len(api.get("/api/machine/").json()) == 2


def test_type_and_driver_are_read_only_after_creation(api: TestClient) -> None:
    url = f"/api/machine/{SHIPPING}/"
    patched = api.patch(url, json={"machine_type": "scanner", "driver": "usb-label-printer", "name": "Renamed"})
    assert patched.status_code == 200
    assert (patched.json()["machine_type"], patched.json()["driver"], patched.json()["name"]) == (
        "label-printer",
        "network-label-printer",
        "Renamed",
    )
    assert api.put(url, json={"active": False}).json() == {"name": ["This field is required."]}
    assert api.put(url, json={"name": "Warehouse USB printer"}).json() == {
        "name": ["machine config with this Name already exists."]
    }
    assert api.put(url, json={"name": "Renamed"}).status_code == 200


def test_list_filters_search_and_ordering(api: TestClient, make_machine: MakeMachine) -> None:
    make_machine(name="Alpha", driver="network-label-printer")
    make_machine(name="Beta", machine_type="scanner", active=False)

    def names(**params: str) -> list[str]:
        return [m["name"] for m in api.get("/api/machine/", params=params).json()]

    # InvenTree orders by -active, then machine_type; ties stay in creation order.
    assert names() == ["Shipping desk printer", "Alpha", "Warehouse USB printer", "Beta"]
    assert names(active="false") == ["Warehouse USB printer", "Beta"]
    assert names(active="1") == ["Shipping desk printer", "Alpha"]
    assert names(active="perhaps") == names()
    assert names(driver="network-label-printer") == ["Shipping desk printer", "Alpha"]
    assert names(driver="") == names()
    assert names(machine_type="scanner") == ["Beta"]
    assert names(machine_type="Scanner") == []
    assert names(search="PRINTER") == ["Shipping desk printer", "Warehouse USB printer"]
    assert names(ordering="name") == ["Alpha", "Beta", "Shipping desk printer", "Warehouse USB printer"]
    assert names(ordering="-driver,name") == ["Beta", "Warehouse USB printer", "Alpha", "Shipping desk printer"]
    assert names(ordering="status") == names()


def test_pagination_envelope(api: TestClient) -> None:
    page = api.get("/api/machine/", params={"limit": 1, "offset": 1, "ordering": "name"}).json()
    assert page["count"] == 2
    assert page["next"] is None
    assert page["previous"] == f"{BASE_URL}/api/machine/?limit=1&ordering=name"
    assert [m["pk"] for m in page["results"]] == [WAREHOUSE]


def test_unknown_and_malformed_ids(api: TestClient) -> None:
    missing = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c99"
    assert api.get(f"/api/machine/{missing}/").json() == {"detail": "Not found."}
    assert api.patch(f"/api/machine/{missing}/", json={"name": "x"}).status_code == 404
    assert api.delete(f"/api/machine/{missing}/").status_code == 404
    # Django's <uuid:pk> takes only the lower-case hyphenated form; anything else is no route at all,
    # with or without credentials.
    for path in ("/api/machine/abc/", f"/api/machine/{SHIPPING.upper()}/", f"/api/machine/{SHIPPING}x/restart/"):
        for auth in (None, READER):
            response = api.get(path, auth=auth)
            assert response.status_code == 404, path
            assert response.json() == {"detail": "API endpoint not found", "url": f"{BASE_URL}{path}"}


def test_delete_takes_the_settings_along(api: TestClient) -> None:
    assert api.delete(f"/api/machine/{SHIPPING}/").status_code == 204
    assert api.get(f"/api/machine/{SHIPPING}/").status_code == 404
    assert api.get(f"/api/machine/{SHIPPING}/settings/").json() == {"detail": f"Machine '{SHIPPING}' not found"}
    state = api.get("/_mock/state").json()
    assert [row for row in state["machine_settings"] if row["machine"] == SHIPPING] == []


def test_readers_read_and_only_staff_change(api: TestClient) -> None:
    denied = {"detail": "You do not have permission to perform this action."}
    # Machines keep InvenTree's default permissions: their table belongs to the admin role.
    for path in ("/api/machine/", f"/api/machine/{SHIPPING}/"):
        assert (api.get(path, auth=READER).status_code, api.get(path, auth=READER).json()) == (403, denied)
        assert api.get(path, auth=None).status_code == 401
    for path in (
        "/api/machine/types/",
        "/api/machine/drivers/",
        "/api/machine/status/",
        f"/api/machine/{SHIPPING}/settings/",
        f"/api/machine/{SHIPPING}/settings/M/LOCATION/",
    ):
        assert api.get(path, auth=READER).status_code == 200, path
        anonymous = api.get(path, auth=None)
        assert anonymous.status_code == 401, path
        assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    writes = [
        api.post("/api/machine/", json={"name": "R", "machine_type": "label-printer", "driver": "x"}, auth=READER),
        api.patch(f"/api/machine/{SHIPPING}/", json={"name": "R"}, auth=READER),
        api.delete(f"/api/machine/{SHIPPING}/", auth=READER),
        api.patch(f"/api/machine/{SHIPPING}/settings/D/PORT/", json={"value": "1"}, auth=READER),
    ]
    for response in writes:
        assert (response.status_code, response.json()) == (403, denied)
    assert api.get(f"/api/machine/{SHIPPING}/").json()["name"] == "Shipping desk printer"
    # MachineRestart only asks for an authenticated user.
    assert api.post(f"/api/machine/{SHIPPING}/restart/", auth=READER).json() == {"ok": True}
