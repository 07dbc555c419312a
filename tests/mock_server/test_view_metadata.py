"""OPTIONS as InvenTree's metadata gives it: the view's name, docstring and model, fields in order."""

from __future__ import annotations

import httpx


def test_model_views_name_their_class_model_and_delete(admin: httpx.Client) -> None:
    units = admin.options("/api/units/1/").json()
    assert units["name"] == "Custom Unit Detail"
    assert units["description"] == "Detail view for a particular custom unit."
    assert units["model"] == "customunit"
    assert list(units) == ["name", "description", "renders", "parses", "actions", "model"]
    assert list(units["actions"]) == ["GET", "PUT", "DELETE"]
    assert units["actions"]["DELETE"] == {}
    assert list(units["actions"]["GET"]) == ["pk", "name", "symbol", "definition"]


def test_fields_carry_the_models_attributes(admin: httpx.Client) -> None:
    news = admin.options("/api/news/").json()["actions"]["GET"]
    assert news["read"]["default"] is False and news["read"]["help_text"] == "Was this news item read?"
    notification = admin.options("/api/notifications/1/").json()["actions"]["GET"]
    assert notification["age"] == {"type": "field", "required": False, "read_only": True, "label": "Age"}
    assert notification["message"]["max_length"] == 250 and "allow_null" not in notification["message"]
    code = admin.options("/api/project-code/").json()["actions"]["POST"]["responsible"]
    assert (code["pk_field"], code["filters"], code["model"]) == ("pk", {}, "owner")


def test_put_is_left_out_for_a_missing_or_foreign_object(admin: httpx.Client, reader: httpx.Client) -> None:
    assert list(admin.options("/api/project-code/999/").json()["actions"]) == ["GET", "DELETE"]
    assert list(admin.options("/api/notifications/4/").json()["actions"]) == ["GET", "DELETE"]
    # A reader may not PUT a project code but is not refused DELETE by any role (InvenTree's quirk).
    assert list(reader.options("/api/project-code/1/").json()["actions"]) == ["GET", "DELETE"]


def test_plain_views_have_no_actions_and_fieldless_serializers_an_empty_get(admin: httpx.Client) -> None:
    exchange = admin.options("/api/currency/exchange/").json()
    assert exchange["name"] == "Currency Exchange" and "actions" not in exchange
    assert admin.options("/api/flags/").json()["actions"] == {"GET": {}}
    search = admin.options("/api/search/").json()
    assert search["name"] == "Api Search"
    assert list(search["actions"]["POST"]) == ["search", "search_regex", "search_whole", "limit", "offset"]


def test_a_status_class_describes_the_fields_of_its_serializer(admin: httpx.Client, reader: httpx.Client) -> None:
    """GenericStateClassSerializer, which the contract does not describe ("No response body")."""
    assert admin.options("/api/generic/status/").json()["actions"] == {"GET": {}}
    for client, model in ((admin, "StockStatus"), (reader, "no-such-model")):
        described = client.options(f"/api/generic/status/{model}/").json()["actions"]["GET"]
        assert described["status_class"] == {"type": "string", "required": False, "read_only": True, "label": "Class"}
        values = described["values"]
        assert (values["type"], values["label"], values["required"]) == ("nested object", "Values", True)
        children = values["child"]["children"]
        assert list(children) == ["key", "logical_key", "name", "label", "color", "custom"]
        assert children["key"] == {"type": "integer", "required": True, "read_only": False, "label": "Key"}
