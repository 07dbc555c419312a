"""OPTIONS answers DRF metadata built from the contract's schemas."""

from __future__ import annotations

import httpx


def test_list_metadata_describes_the_create_fields(admin: httpx.Client) -> None:
    metadata = admin.options("/api/project-code/").json()
    assert metadata["name"] == "Project Code List"
    assert metadata["description"] == "List view for all project codes."
    assert metadata["parses"] == ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
    post = metadata["actions"]["POST"]
    assert post["code"] == {
        "type": "string",
        "required": True,
        "read_only": False,
        "label": "Project Code",
        "help_text": "Unique project code",
        "max_length": 50,
    }
    assert post["pk"]["read_only"] is True and post["pk"]["required"] is False
    assert post["responsible"]["type"] == "related field" and post["responsible"]["model"] == "owner"
    assert post["responsible_detail"]["type"] == "nested object"
    assert set(post["responsible_detail"]["children"]) == {"label", "name", "owner_id", "pk"}
    assert set(metadata["actions"]["GET"]) == set(post)


def test_detail_metadata_offers_put(admin: httpx.Client) -> None:
    actions = admin.options("/api/units/1/").json()["actions"]
    assert set(actions) == {"PUT", "GET", "DELETE"}
    assert actions["PUT"]["definition"]["max_length"] == 50


def test_actions_a_user_may_not_perform_are_left_out(reader: httpx.Client) -> None:
    assert set(reader.options("/api/project-code/").json()["actions"]) == {"GET"}


def test_choice_fields_list_their_choices(admin: httpx.Client) -> None:
    field = admin.options("/api/web/ui_preference/").json()["actions"]["PUT"]["preferred_method"]
    assert field["type"] == "choice"
    assert field["choices"] == [{"value": "cui", "display_name": "cui"}, {"value": "pui", "display_name": "pui"}]


def test_options_needs_the_same_authentication(anonymous: httpx.Client) -> None:
    assert anonymous.options("/api/units/").status_code == 401
    assert anonymous.options("/api/flags/").status_code == 200
