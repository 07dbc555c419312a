"""InvenTree's CleanMixin: strings are cleaned (drf.text) before the serializer checks them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_server.pipeline.errors import ValidationError
from mock_server.resources.cleaning import CLEANED, NOTES
from mock_server.resources.serializers import clean

REFUSED = ["Remove HTML tags from this value"]
SHIPPING = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"


def test_html_is_refused_for_the_first_offending_field_only(admin: httpx.Client) -> None:
    before = admin.get("/api/project-code/").json()
    response = admin.post("/api/project-code/", json={"code": "<b>H</b>", "description": "<script>x</script>"})
    assert response.status_code == 400
    assert response.json() == {"code": REFUSED}
    assert admin.get("/api/project-code/").json() == before


def test_control_characters_and_newlines_are_removed_before_storing(admin: httpx.Client) -> None:
    created = admin.post("/api/project-code/", json={"code": "NL", "description": "a\nb\tc\u200e"})
    assert created.status_code == 201
    assert created.json()["description"] == "abc"
    assert admin.get(f"/api/project-code/{created.json()['pk']}/").json()["description"] == "abc"


def test_cleaning_comes_before_the_blank_and_length_checks(admin: httpx.Client) -> None:
    assert admin.post("/api/project-code/", json={"code": "\x01 \x02"}).json() == {
        "code": ["This field may not be blank."]
    }
    fits = admin.post("/api/project-code/", json={"code": "\x07" + "x" * 50})
    assert fits.status_code == 201 and fits.json()["code"] == "x" * 50


def test_nested_objects_are_cleaned_and_name_the_nested_key(admin: httpx.Client) -> None:
    refused = admin.patch("/api/project-code/1/metadata/", json={"metadata": {"k": "ok", "n": {"deep": "<i>x</i>"}}})
    assert refused.status_code == 400
    assert refused.json() == {"deep": REFUSED}
    saved = admin.patch("/api/project-code/1/metadata/", json={"metadata": {"k": "a\nb", "list": ["<b>kept</b>"]}})
    assert saved.json() == {"metadata": {"budget": 12000, "k": "ab", "list": ["<b>kept</b>"]}}


def test_every_cleaned_family_refuses_html(admin: httpx.Client) -> None:
    for method, path, body in (
        ("POST", "/api/units/", {"name": "x", "definition": "<b>1 m</b>"}),
        ("PATCH", f"/api/machine/{SHIPPING}/", {"name": "<p>printer</p>"}),
        ("PATCH", f"/api/machine/{SHIPPING}/settings/D/HOST/", {"value": "<a href=x>h</a>"}),
    ):
        response = admin.request(method, path, json=body)
        assert response.status_code == 400, (path, response.text)
        assert list(response.json().values()) == [REFUSED]


def test_views_without_cleanmixin_read_their_text_as_sent(admin: httpx.Client) -> None:
    # LocatePluginView reads request.data itself: the tag reaches its message untouched.
    response = admin.post("/api/locate/", json={"plugin": "<b>x</b>"})
    assert response.json() == {"detail": "Plugin '<b>x</b>' is not installed, or does not support the location mixin"}


NOTES_SCHEMA: dict[str, Any] = {
    "type": "object",
    CLEANED: True,
    "properties": {"notes": {"type": "string", NOTES: True}, "title": {"type": "string", "maxLength": 5}},
}


def test_notes_fields_keep_their_newlines() -> None:
    cleaned = clean({"notes": "line 1\nline 2\x07", "title": "a\nb"}, NOTES_SCHEMA, partial=False)
    assert cleaned == {"notes": "line 1\nline 2", "title": "ab"}


def test_a_schema_without_the_mark_is_not_cleaned() -> None:
    schema = {k: v for k, v in NOTES_SCHEMA.items() if k != CLEANED}
    assert clean({"title": "<b>"}, schema, partial=False) == {"title": "<b>"}
    with pytest.raises(ValidationError) as refused:
        clean({"title": "<b>x</b>"}, NOTES_SCHEMA, partial=False)
    assert refused.value.body == {"title": REFUSED}
