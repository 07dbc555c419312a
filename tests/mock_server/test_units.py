"""Custom units, checked by pint the way InvenTree checks them."""

from __future__ import annotations

import httpx
import pytest


def test_create_a_unit_and_use_it_in_the_next(admin: httpx.Client) -> None:
    smoot = admin.post("/api/units/", json={"name": "smoot", "definition": "1.7018 m", "symbol": "sm"})
    assert smoot.status_code == 201
    assert smoot.json() == {"pk": 4, "name": "smoot", "symbol": "sm", "definition": "1.7018 m"}
    assert admin.post("/api/units/", json={"name": "double_smoot", "definition": "2 smoot"}).status_code == 201
    assert admin.post("/api/units/", json={"name": "six_feet", "definition": "6 ft"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "bad name", "definition": "1 m"}, {"name": ["Unit name must be a valid identifier"]}),
        ({"name": "zork", "definition": "not a unit!!"}, {"definition": ["'not' is not defined in the unit registry"]}),
        ({"name": "hand_span", "definition": "1 m"}, {"name": ["Custom Unit with this Name already exists."]}),
        ({"name": "widget", "definition": "1 m", "symbol": "hs"}, {"symbol": ["Unit symbol must be unique"]}),
        ({"name": "widget"}, {"definition": ["This field is required."]}),
    ],
)
def test_invalid_units_are_refused(admin: httpx.Client, body: dict[str, str], errors: dict[str, list[str]]) -> None:
    response = admin.post("/api/units/", json=body)
    assert response.status_code == 400
    assert response.json() == errors


def test_rename_and_delete_free_the_name(admin: httpx.Client) -> None:
    assert admin.patch("/api/units/2/", json={"name": "spool"}).json()["name"] == "spool"
    assert admin.post("/api/units/", json={"name": "reel", "definition": "50 m"}).status_code == 201
    assert admin.delete("/api/units/3/").status_code == 204
    assert (
        admin.post("/api/units/", json={"name": "pallet_load", "definition": "20 kg", "symbol": "pl"}).status_code
        == 201
    )


def test_a_partial_update_is_checked_against_the_whole_unit(admin: httpx.Client) -> None:
    response = admin.patch("/api/units/1/", json={"definition": "3 furlongz"})
    assert response.json() == {"definition": ["'furlongz' is not defined in the unit registry"]}


def test_search_and_ordering(admin: httpx.Client) -> None:
    # CustomUnitList has no search fields: a search finds every unit.
    assert admin.get("/api/units/", params={"search": "kg"}).json() == admin.get("/api/units/").json()
    names = [u["name"] for u in admin.get("/api/units/", params={"ordering": "name"}).json()]
    assert names == ["hand_span", "pallet_load", "reel"]
