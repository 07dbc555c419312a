"""Machine settings in the mock: the M and D lists, reading and writing by key, restart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from mock_server.pipeline.errors import ValidationError
from mock_server.resources.handlers.machine.values import clean_value

if TYPE_CHECKING:
    from tests.plugins.machine_clients import MakeMachine


SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"  # network printer, active, HOST set: initialised
SETTINGS = f"/api/machine/{SHIPPING}/settings/"
SETTING_FIELDS = [
    "pk",
    "key",
    "value",
    "name",
    "description",
    "type",
    "choices",
    "model_name",
    "api_url",
    "typ",
    "required",
    "config_type",
]


def test_the_list_holds_the_type_settings_then_the_driver_settings(api: TestClient) -> None:
    listed = api.get(SETTINGS).json()
    assert [(s["config_type"], s["key"]) for s in listed] == [
        ("M", "LOCATION"),
        ("D", "HOST"),
        ("D", "PORT"),
        ("D", "DPI"),
        ("D", "AUTO_CUT"),
    ]
    assert all(list(s) == SETTING_FIELDS for s in listed)
    # The fixtures wrote LOCATION and HOST; the others have no row on a server yet, so no pk.
    assert [isinstance(s["pk"], int) for s in listed] == [True, True, False, False, False]
    assert [s["pk"] for s in listed[2:]] == [None, None, None] and listed[0]["pk"] != listed[1]["pk"]
    location, _host, port, dpi, auto_cut = listed
    assert location | {"pk": None} == {
        "pk": None,
        "key": "LOCATION",
        "value": "1",
        "name": "Printer Location",
        "description": "Scope the printer to a specific location",
        "type": "related field",
        "choices": [],
        "model_name": "stock.stocklocation",
        "api_url": "/api/stock/location/",
        "typ": "machine_config",
        "required": False,
        "config_type": "M",
    }
    assert (port["type"], port["value"], port["model_name"], port["api_url"]) == ("integer", "9100", None, None)
    assert (dpi["type"], dpi["value"]) == ("string", "300")
    assert dpi["choices"] == [
        {"value": "203", "display_name": "203 dpi"},
        {"value": "300", "display_name": "300 dpi"},
        {"value": "600", "display_name": "600 dpi"},
    ]
    assert (auto_cut["type"], auto_cut["value"]) == ("boolean", "True")
    read = api.get(f"{SETTINGS}D/PORT/").json()  # reading one by key saves its row
    assert isinstance(read["pk"], int) and read == port | {"pk": read["pk"]}
    assert [(s["key"], s["pk"]) for s in api.get(SETTINGS).json()][1:] == [
        ("HOST", listed[1]["pk"]),
        ("PORT", read["pk"]),
        ("DPI", None),
        ("AUTO_CUT", None),
    ]


def test_a_machine_without_its_driver_has_only_type_settings(api: TestClient, make_machine: MakeMachine) -> None:
    pk = make_machine(driver="gone")["pk"]
    assert [s["key"] for s in api.get(f"/api/machine/{pk}/settings/").json()] == ["LOCATION"]
    missing = api.get(f"/api/machine/{pk}/settings/D/HOST/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Machine 'Test printer' has no DRIVER setting matching 'HOST'"}


def test_new_machines_start_from_the_defaults(api: TestClient, make_machine: MakeMachine) -> None:
    pk = make_machine()["pk"]
    values = {s["key"]: s["value"] for s in api.get(f"/api/machine/{pk}/settings/").json()}
    assert values == {"LOCATION": "", "DEVICE": "/dev/usb/lp0", "COPIES": "1", "MEDIA": "62", "HIGH_CONTRAST": "False"}


def test_keys_are_matched_in_any_case(api: TestClient) -> None:
    assert api.get(f"{SETTINGS}M/location/").json()["key"] == "LOCATION"
    assert api.patch(f"{SETTINGS}D/Host/", json={"value": "printer.local"}).json()["key"] == "HOST"
    assert api.get(f"{SETTINGS}D/HOST/").json()["value"] == "printer.local"


@pytest.mark.parametrize(
    ("config_type", "key", "detail"),
    [
        ("M", "HOST", "Machine 'Shipping desk printer' has no MACHINE setting matching 'HOST'"),
        ("D", "location", "Machine 'Shipping desk printer' has no DRIVER setting matching 'LOCATION'"),
        ("D", "nope", "Machine 'Shipping desk printer' has no DRIVER setting matching 'NOPE'"),
    ],
)
def test_unknown_keys_answer_inventrees_404(api: TestClient, config_type: str, key: str, detail: str) -> None:
    for response in (
        api.get(f"{SETTINGS}{config_type}/{key}/"),
        api.put(f"{SETTINGS}{config_type}/{key}/", json={"value": "x"}),
        api.patch(f"{SETTINGS}{config_type}/{key}/", json={"value": "x"}),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize("path", ["X/HOST/", "m/LOCATION/", "MD/HOST/", "D/HO-ST/", "D/HOST.X/"])
def test_config_types_and_keys_outside_the_url_pattern_are_unknown_paths(api: TestClient, path: str) -> None:
    response = api.get(SETTINGS + path)
    assert response.status_code == 404
    assert response.json() == {"detail": "API endpoint not found", "url": f"http://testserver{SETTINGS}{path}"}


def test_settings_of_a_machine_that_does_not_exist(api: TestClient) -> None:
    missing = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c99"
    for path in (f"/api/machine/{missing}/settings/", f"/api/machine/{missing}/settings/M/LOCATION/"):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": f"Machine '{missing}' not found"})


@pytest.mark.parametrize(
    ("key", "sent", "stored"),
    [
        # SettingsValueField keeps `str(value)`, but CleanMixin has stripped the text before it.
        ("HOST", "  10.0.0.7  ", "10.0.0.7"),
        ("HOST", 42, "42"),
        ("HOST", None, ""),
        ("PORT", "515", "515"),
        ("PORT", 631, "631"),
        # InvenTree's `as_int`: a value that is not an integer falls back to the default.
        ("PORT", "not a port", "9100"),
        ("PORT", None, "9100"),
        ("DPI", "600", "600"),
        ("AUTO_CUT", "false", "False"),
        ("AUTO_CUT", True, "True"),
        ("AUTO_CUT", "ok", "True"),
        # str2bool: anything that is not a true word is False.
        ("AUTO_CUT", "perhaps", "False"),
    ],
)
def test_values_are_stored_by_the_setting_type(api: TestClient, key: str, sent: Any, stored: str) -> None:
    written = api.put(f"{SETTINGS}D/{key}/", json={"value": sent})
    assert written.status_code == 200, written.text
    assert written.json()["value"] == stored
    assert api.get(f"{SETTINGS}D/{key}/").json()["value"] == stored


@pytest.mark.parametrize(
    ("key", "sent", "errors"),
    [
        ("DPI", "450", {"non_field_errors": ["Chosen value is not a valid option"]}),
        ("DPI", None, {"non_field_errors": ["Chosen value is not a valid option"]}),
        ("PORT", "0", {"non_field_errors": ["Ensure this value is greater than or equal to 1."]}),
        ("PORT", "70000", {"non_field_errors": ["Ensure this value is less than or equal to 65535."]}),
        ("HOST", "h" * 2001, {"value": ["Ensure this value has at most 2000 characters (it has 2001)."]}),
    ],
)
def test_invalid_values_are_refused(api: TestClient, key: str, sent: Any, errors: dict[str, list[str]]) -> None:
    before = api.get(f"{SETTINGS}D/{key}/").json()
    response = api.patch(f"{SETTINGS}D/{key}/", json={"value": sent})
    assert response.status_code == 400
    assert response.json() == errors
    assert api.get(f"{SETTINGS}D/{key}/").json() == before


def test_an_integer_setting_without_a_default_needs_an_integer() -> None:
    definition = {"name": "Timeout", "validator": "int"}
    assert clean_value(" 12 ", definition) == "12"
    with pytest.raises(ValidationError) as refused:
        clean_value("soon", definition)
    assert refused.value.body == {"value": ["Value must be an integer value"]}


def test_put_needs_a_value_and_patch_may_omit_it(api: TestClient) -> None:
    assert api.put(f"{SETTINGS}D/HOST/", json={}).json() == {"value": ["This field is required."]}
    unchanged = api.patch(f"{SETTINGS}D/HOST/", json={})
    assert (unchanged.status_code, unchanged.json()["value"]) == (200, "192.168.1.50")
    form = api.put(f"{SETTINGS}D/HOST/", data={"value": "form.local"})
    assert form.json()["value"] == "form.local"


def test_read_only_fields_are_ignored(api: TestClient) -> None:
    written = api.patch(f"{SETTINGS}D/HOST/", json={"value": "a.local", "key": "PORT", "config_type": "M", "pk": 99})
    assert (written.json()["key"], written.json()["config_type"], written.json()["value"]) == ("HOST", "D", "a.local")


def test_a_start_up_setting_asks_a_running_machine_for_a_restart(api: TestClient) -> None:
    machine = f"/api/machine/{SHIPPING}/"
    api.patch(f"{SETTINGS}D/PORT/", json={"value": "9101"})
    api.patch(f"{SETTINGS}M/LOCATION/", json={"value": "2"})
    api.patch(f"{SETTINGS}D/DPI/", json={"value": "300"})  # the value it already has
    assert api.get(machine).json()["restart_required"] is False
    api.patch(f"{SETTINGS}D/DPI/", json={"value": "600"})
    assert api.get(machine).json()["restart_required"] is True
    restarted = api.post(f"{machine}restart/")
    assert (restarted.status_code, restarted.json()) == (200, {"ok": True})
    after = api.get(machine).json()
    # The network driver's restart hook reports that it reconnected.
    assert (after["restart_required"], after["status_text"], after["initialized"]) == (False, "Reconnected", True)


def test_a_stopped_machine_needs_no_restart(api: TestClient) -> None:
    warehouse = "/api/machine/4e2d9b17-3c5a-4f80-8d6e-2a1b7c9e5f02/"
    assert api.patch(f"{warehouse}settings/D/MEDIA/", json={"value": "29"}).status_code == 200
    assert api.get(warehouse).json()["restart_required"] is False
    assert api.post(f"{warehouse}restart/").json() == {"ok": True}


def test_restart_of_a_machine_without_driver_changes_nothing(api: TestClient, make_machine: MakeMachine) -> None:
    pk = make_machine(driver="gone")["pk"]
    before = api.get(f"/api/machine/{pk}/").json()
    assert api.post(f"/api/machine/{pk}/restart/", json={"ignored": True}).json() == {"ok": True}
    assert api.get(f"/api/machine/{pk}/").json() == before


def test_restart_of_unknown_and_malformed_ids(api: TestClient) -> None:
    missing = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c99"
    response = api.post(f"/api/machine/{missing}/restart/")
    assert (response.status_code, response.json()) == (404, {"detail": f"Machine '{missing}' not found"})
    assert api.post("/api/machine/42/restart/").json()["detail"] == "API endpoint not found"
    assert api.post("/api/machine/42/restart/", auth=None).status_code == 404
