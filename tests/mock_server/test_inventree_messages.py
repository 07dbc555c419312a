"""InvenTree's own words and shapes for refusals: unique fields, plugins, search and bulk deletes."""

from __future__ import annotations

import httpx


def test_unique_messages_use_the_models_verbose_names(admin: httpx.Client) -> None:
    assert admin.post("/api/project-code/", json={"code": "PRJ-001"}).json() == {
        "code": ["Project Code with this Project Code already exists."]
    }
    assert admin.post("/api/units/", json={"name": "hand_span", "definition": "1 m"}).json() == {
        "name": ["Custom Unit with this Name already exists."]
    }
    feed_id = admin.get("/api/news/3/").json()["feed_id"]
    assert admin.patch("/api/news/1/", json={"feed_id": feed_id}).json() == {
        "feed_id": ["news feed entry with this Id already exists."]
    }


def test_a_unit_symbol_must_be_unique_among_custom_units(admin: httpx.Client) -> None:
    symbol = admin.get("/api/units/1/").json()["symbol"]
    assert symbol
    response = admin.post("/api/units/", json={"name": "other", "symbol": symbol, "definition": "1 m"})
    assert response.json() == {"symbol": ["Unit symbol must be unique"]}


def test_a_taken_value_is_reported_with_the_other_fields_errors(admin: httpx.Client) -> None:
    """DRF's UniqueValidator is a field validator: it runs beside the other fields' checks, in field order."""
    assert admin.post("/api/project-code/", json={"code": "PRJ-001", "responsible": {}}).json() == {
        "code": ["Project Code with this Project Code already exists."],
        "responsible": ["Incorrect type. Expected pk value, received dict."],
    }
    assert admin.post("/api/units/", json={"name": "hand_span", "symbol": "q", "definition": ""}).json() == {
        "name": ["Custom Unit with this Name already exists."],
        "definition": ["This field may not be blank."],
    }
    machine = admin.get("/api/machine/").json()[0]["name"]
    assert admin.post("/api/machine/", json={"driver": "x", "name": machine}).json() == {
        "name": ["machine config with this Name already exists."],
        "machine_type": ["This field is required."],
    }
    # A field that fails its own checks is not looked up as well.
    assert admin.post("/api/project-code/", json={"code": "X" * 51, "description": 5}).json() == {
        "code": ["Ensure this field has no more than 50 characters."]
    }


def test_the_model_checks_report_the_first_clean_error_and_the_unique_symbol(admin: httpx.Client) -> None:
    """Django's full_clean: clean() stops at its first error, validate_unique adds the symbol's."""
    symbol = admin.get("/api/units/1/").json()["symbol"]
    assert admin.post("/api/units/", json={"name": 0, "symbol": symbol, "definition": "nope"}).json() == {
        "name": ["Unit name must be a valid identifier"],
        "symbol": ["Unit symbol must be unique"],
    }
    assert admin.post("/api/units/", json={"name": "other", "symbol": symbol, "definition": "xx yy"}).json() == {
        "definition": ["'xx' is not defined in the unit registry"],
        "symbol": ["Unit symbol must be unique"],
    }


def test_redefining_a_pint_unit_is_accepted_as_pint_only_warns(admin: httpx.Client) -> None:
    assert admin.post("/api/units/", json={"name": "meter", "definition": "2 m"}).status_code == 201
    assert admin.post("/api/units/", json={"name": "newunit", "symbol": "m", "definition": "2 m"}).status_code == 201


def test_validation_errors_follow_the_serializers_field_order(admin: httpx.Client) -> None:
    assert list(admin.post("/api/units/", json={}).json()) == ["name", "definition"]
    assert list(admin.post("/api/machine/", json={}).json()) == ["name", "machine_type", "driver"]


def test_locate_answers_in_its_own_words(admin: httpx.Client) -> None:
    supplied = {"detail": "'plugin' field must be supplied"}
    assert admin.post("/api/locate/", json={}).json() == supplied
    assert admin.post("/api/locate/", json={"plugin": ""}).json() == supplied
    unknown = admin.post("/api/locate/", json={"plugin": "nope", "item": 1})
    assert unknown.status_code == 400
    assert unknown.json() == {"detail": "Plugin 'nope' is not installed, or does not support the location mixin"}
    assert admin.post("/api/locate/", json={"plugin": "samplelocate", "item": "abc"}).json() == {
        "detail": "StockItem matching PK 'abc' not found"
    }


def test_action_never_validates_its_body(admin: httpx.Client, reader: httpx.Client) -> None:
    assert (admin.post("/api/action/", json={}).status_code, admin.post("/api/action/", json={}).json()) == (
        200,
        {"error": "No action specified"},
    )
    assert reader.post("/api/action/", json={"action": "nope"}).json() == {
        "error": "No matching action found",
        "action": "nope",
    }
    done = admin.post("/api/action/", json={"action": "simple", "data": "x"}).json()
    assert done["result"] is True and done["info"]["data"] == "x"


def test_search_needs_a_term_and_answers_each_model_as_its_list(admin: httpx.Client) -> None:
    for body in ({}, {"part": {}}, []):
        response = admin.post("/api/search/", json=body)
        assert (response.status_code, response.json()) == (400, {"search": "Search term must be provided"})
    everything = admin.post("/api/search/", json={"search": "", "part": {}}).json()["part"]
    assert everything["count"] == 3 and len(everything["results"]) == 1
    assert everything["next"] == f"{admin.base_url}/api/search/?limit=1&offset=1"
    assert everything["previous"] is None
    second = admin.post("/api/search/", json={"search": "M3", "part": {}, "limit": 1, "offset": 1}).json()["part"]
    assert second["previous"] == f"{admin.base_url}/api/search/?limit=1"
    assert admin.post("/api/search/", json={"search": "screw", "part": "x"}).json() == {}
    assert admin.post("/api/search/", json={"search": 5, "part": {}}).json() == {
        "part": {"error": "'int' object has no attribute 'replace'"}
    }


def test_search_by_a_user_without_the_view_role(reader: httpx.Client) -> None:
    answer = reader.post("/api/search/", json={"search": "screw", "part": {}, "company": {}}).json()
    denied = {"error": "User does not have permission to view this model"}
    assert answer == {"company": denied, "part": denied}


def test_bulk_delete_refusals_are_plain_messages(admin: httpx.Client) -> None:
    for body, message in (
        ({"items": [999]}, "No items found to delete"),
        ({"items": ["abc"]}, "Invalid items list provided"),
        ({"filters": {"nonsense": 1}}, "Invalid filters provided"),
        ({"filters": {"info__nolookup": 1}}, "Invalid filters provided"),
        ({"filters": {"info__icontains": "no such text"}}, "No items found to delete"),
    ):
        response = admin.request("DELETE", "/api/error-report/", json=body)
        assert (response.status_code, response.json()) == (400, {"non_field_errors": message}), body
    required = admin.request("DELETE", "/api/error-report/", json={})
    assert required.json() == {"non_field_errors": ["List of items or filters must be provided for bulk deletion"]}


def test_bulk_delete_filters_are_django_lookups(admin: httpx.Client) -> None:
    reports = admin.get("/api/error-report/").json()
    doomed = [r["pk"] for r in reports if "keyerror" in r["info"].lower()]
    assert doomed
    response = admin.request("DELETE", "/api/error-report/", json={"filters": {"info__icontains": "KeyError"}})
    assert response.status_code == 204
    assert {r["pk"] for r in admin.get("/api/error-report/").json()} == {r["pk"] for r in reports} - set(doomed)
    # Values are converted as the model field converts them: "False" for a boolean, "3" for a key.
    gone = admin.request("DELETE", "/api/news/", json={"filters": {"read": "False", "pk__in": [1, 2, "3"]}})
    assert gone.status_code == 204
    assert [n["pk"] for n in admin.get("/api/news/").json()] == [2]
    refused = admin.request("DELETE", "/api/news/", json={"filters": {"read": "maybe"}})
    assert refused.json() == {"non_field_errors": "Invalid filters provided"}


def test_webhooks_take_messages_whether_active_or_not(anonymous: httpx.Client) -> None:
    assert anonymous.post("/api/webhook/retired-hook/", json={"a": 1}).text == "Message was received."
