"""spec/overlays/15 and 30: answers a real InvenTree 0.18 (API 303) gave, which InvenTree means to give.

Each body below was answered by the real server in a run against it. The contract with overlays must
take it; the published contract must not (which is why an overlay states it, citing InvenTree's source).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from contract_tests.checks.serializer import validator
from spec import load_spec


@functools.cache
def document(published: bool) -> dict[str, Any]:
    return load_spec(published=published)


def valid(schema: dict[str, Any], body: Any, *, published: bool = False) -> bool:
    return bool(validator(schema, document(published), formats=True).is_valid(body))


def response(path: str, method: str) -> dict[str, Any]:
    schema: dict[str, Any] = document(False)["paths"][path][method]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    return schema


NOTIFICATION = {
    "pk": 1,
    "target": {"name": "PRJ-001", "model_name": "Project Code", "model_type": "projectcode", "model_id": 1},
    "source": {"name": "admin", "model_name": "user", "model_type": "user", "model_id": 1},
    "user": 1,
    "category": "project_code.updated",
    "name": "Project code PRJ-001 changed",
    "message": "The responsible owner of PRJ-001 changed.",
    "creation": "2026-11-29 17:23",
    "age": 1994,
    "age_human": "33 minutes ago",
    "read": False,
}
NEWS = {
    "pk": 1,
    "feed_id": "https://example.org/news/2025/01/release-0-18",
    "title": "InvenTree 0.18 released",
    "link": "https://example.org/news/2025/01/release-0-18",
    "published": "2025-01-10 12:00",
    "author": "InvenTree",
    "summary": "The 0.18 release brings machine management improvements.",
    "read": False,
}
NEVER_WRITTEN_SETTING = {
    "pk": None,
    "key": "LOCATION",
    "value": "",
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
NOTES_IMAGE = {"pk": 1, "image": "/media/notes/seed-plan.png", "user": 1, "date": "2026-11-29 17:24"}
NOTES_IMAGE |= {"model_type": "projectcode", "model_id": 1}


def test_a_never_written_setting_passes_the_contract_but_not_the_published_schema() -> None:
    setting = {"$ref": "#/components/schemas/MachineSetting"}
    assert valid(setting, NEVER_WRITTEN_SETTING)
    assert not valid(setting, NEVER_WRITTEN_SETTING, published=True)


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ({"$ref": "#/components/schemas/NotificationMessage"}, NOTIFICATION),
        ({"$ref": "#/components/schemas/NotesImage"}, NOTES_IMAGE),
        ({"$ref": "#/components/schemas/NewsFeedEntry"}, NEWS),
    ],
    ids=["notification-creation", "notes-image-date", "news-published"],
)
def test_inventrees_datetime_rendering_stays_a_contradiction_of_its_schema(schema: dict[str, Any], body: Any) -> None:
    """REST_FRAMEWORK['DATETIME_FORMAT'] = '%Y-%m-%d %H:%M' against the published `format: date-time`.

    The contract keeps the published format (the mock answers ISO 8601); a real InvenTree's answers are
    listed among its known defects (contract_tests/known/), never made contract by an overlay.
    """
    assert not valid(schema, body)
    iso = {
        key: value.replace(" ", "T") + ":00Z" if key in ("creation", "date", "published") else value
        for key, value in body.items()
    }
    assert valid(schema, iso)


@pytest.mark.parametrize(
    "body",
    [
        {"part": {"count": 1, "next": None, "previous": None, "results": [{"pk": 1, "name": "M3x8 screw"}]}},
        {"part": [{"pk": 1, "name": "M3x8 screw"}]},  # `limit: 0`
        {"part": {"error": "User does not have permission to view this model"}},
    ],
    ids=["paginated", "plain-list", "no-permission"],
)
def test_search_answers_each_model_as_inventree_does(body: Any) -> None:
    assert valid(response("/api/search/", "post"), body)


def test_the_action_view_reads_no_body_and_answers_an_error_of_its_own() -> None:
    action = document(False)["paths"]["/api/action/"]["post"]
    assert action["requestBody"]["required"] is False
    assert valid(response("/api/action/", "post"), {"error": "No action specified"})
    assert valid(response("/api/action/", "post"), {"error": "No matching action found", "action": "x"})
    assert document(True)["paths"]["/api/action/"]["post"]["requestBody"]["required"] is True


def test_the_login_email_is_open_to_anonymous_callers() -> None:
    assert {} in document(False)["paths"]["/api/email/generate/"]["post"]["security"]
    assert {} not in document(True)["paths"]["/api/email/generate/"]["post"]["security"]


def test_a_field_error_may_be_one_string() -> None:
    bad_request = {"$ref": "#/components/schemas/BadRequest"}
    assert valid(bad_request, {"search": "Search term must be provided"})
    assert not valid(bad_request, {"search": 5})


def test_machine_path_parameters_carry_the_published_constraints() -> None:
    """InvenTree's own API 303 schema (/api/schema/) states them; the machine section is API 303."""
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in document(True)["paths"]["/api/machine/{id}/settings/{config_type}/{key}/"]["get"]["parameters"]
    }
    assert parameters == {
        "id": {"type": "string", "format": "uuid"},
        "config_type": {"type": "string", "pattern": "^M|D$"},
        "key": {"type": "string", "pattern": r"^\w+$"},
    }
    restart = document(True)["paths"]["/api/machine/{id}/restart/"]["post"]["parameters"]
    assert restart[0]["schema"] == {"type": "string", "format": "uuid"}


def test_no_overlay_action_goes_without_its_reason() -> None:
    """Each action of the server-answers overlay names InvenTree's source for the behaviour it states."""
    import yaml

    from spec.loader import OVERLAY_DIR

    overlay = yaml.safe_load((OVERLAY_DIR / "15-server-answers.yaml").read_text(encoding="utf-8"))
    described = [action for action in overlay["actions"] if "description" in action]
    assert all(".py" in action["description"] for action in described)
    # an action without a description continues the one before it (a remove, then its replacement)
    assert all("description" in action or "update" in action for action in overlay["actions"])
