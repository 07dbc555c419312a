"""contract_tests/staging/discovery.py: known values and existing objects become Schemathesis fuzz dictionaries."""

from __future__ import annotations

import httpx

from contract_tests.staging.discovery import KNOWN_VALUES, PROBABILITY, SETTING_KEYS, Known, discover
from spec import load_spec

MACHINE = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"


def server(request: httpx.Request) -> httpx.Response:
    """A server with two project codes, one machine (with a driver setting) and nothing else."""
    path = request.url.path
    if path == "/api/project-code/":
        assert request.url.params["limit"] == "25"
        return httpx.Response(200, json={"count": 2, "next": None, "previous": None, "results": [{"pk": 4}, {"pk": 9}]})
    if path == "/api/machine/":
        return httpx.Response(200, json=[{"pk": MACHINE, "name": "printer"}])
    if path == f"/api/machine/{MACHINE}/settings/":
        return httpx.Response(200, json=[{"key": "LOCATION", "config_type": "M"}, {"key": "DPI", "config_type": "D"}])
    if path == "/api/units/":
        return httpx.Response(500, text="<h1>Server Error</h1>")
    return httpx.Response(200, json=[])


def test_existing_objects_are_bound_to_the_operations_on_them_but_not_to_deletes() -> None:
    with httpx.Client(base_url="http://x", transport=httpx.MockTransport(server)) as client:
        known = discover(client, load_spec())
    dictionaries, per_operation = known.config()
    assert dictionaries["existing:/api/project-code/"] == {"values": [4, 9]}  # integers stay integers
    assert dictionaries["existing:/api/machine/"] == {"values": [MACHINE]}
    assert dictionaries[SETTING_KEYS] == {"values": ["LOCATION", "DPI"]}
    assert "existing:/api/units/" not in dictionaries  # a list that fails gives nothing
    binding = {"dictionary": "existing:/api/project-code/", "probability": PROBABILITY}
    assert per_operation["project_code_retrieve"]["path.id"] == binding
    assert per_operation["project_code_metadata_update"]["path.id"] == binding
    assert "project_code_destroy" not in per_operation
    settings = per_operation["machine_settings_update"]
    assert set(settings) == {"path.id", "path.key", "path.config_type"}


def test_builtin_values_are_there_without_a_server() -> None:
    dictionaries, per_operation = Known.builtin().config()
    assert dictionaries["machine-types"] == {"values": list(KNOWN_VALUES["machine-types"])}
    assert per_operation["flags_retrieve"] == {"path.key": {"dictionary": "flags", "probability": PROBABILITY}}
