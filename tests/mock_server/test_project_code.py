"""Project codes end to end over HTTP: CRUD, uniqueness, coercion, lists, metadata."""

from __future__ import annotations

import httpx
import pytest


def test_create_is_visible_to_the_next_request(admin: httpx.Client) -> None:
    created = admin.post("/api/project-code/", json={"code": "NEW-1", "description": "New"})
    assert created.status_code == 201
    body = created.json()
    assert body == {"pk": 7, "code": "NEW-1", "description": "New", "responsible": None, "responsible_detail": None}
    assert admin.get(f"/api/project-code/{body['pk']}/").json() == body
    assert body in admin.get("/api/project-code/").json()


def test_code_is_unique_case_sensitively(admin: httpx.Client) -> None:
    duplicate = admin.post("/api/project-code/", json={"code": "PRJ-001"})
    assert duplicate.status_code == 400
    assert duplicate.json() == {"code": ["Project Code with this Project Code already exists."]}
    assert admin.post("/api/project-code/", json={"code": "Prj-001"}).status_code == 201


def test_values_are_coerced_the_drf_way(admin: httpx.Client) -> None:
    created = admin.post("/api/project-code/", json={"code": 12345, "description": "  padded  "})
    assert created.status_code == 201
    assert created.json()["code"] == "12345"
    assert created.json()["description"] == "padded"


def test_read_only_and_unknown_fields_are_ignored(admin: httpx.Client) -> None:
    created = admin.post("/api/project-code/", json={"code": "RO-1", "pk": 999, "responsible_detail": None, "x": 1})
    assert created.status_code == 201
    assert created.json()["pk"] == 7


def test_field_errors_are_reported_together(admin: httpx.Client) -> None:
    response = admin.post("/api/project-code/", json={"code": "", "description": "x" * 201, "responsible": 999})
    assert response.status_code == 400
    assert response.json() == {
        "code": ["This field may not be blank."],
        "description": ["Ensure this field has no more than 200 characters."],
        "responsible": ['Invalid pk "999" - object does not exist.'],
    }


def test_missing_required_field(admin: httpx.Client) -> None:
    response = admin.post("/api/project-code/", json={"description": "no code"})
    assert response.json() == {"code": ["This field is required."]}


def test_form_and_multipart_bodies_are_accepted(admin: httpx.Client) -> None:
    form = admin.post("/api/project-code/", data={"code": "FORM-1", "responsible": "2"})
    assert form.status_code == 201
    assert form.json()["responsible_detail"] == {"pk": 2, "owner_id": 2, "name": "reader", "label": "user"}
    multipart = admin.post("/api/project-code/", files={"code": (None, "MULTI-1")})
    assert multipart.status_code == 201
    assert multipart.json()["code"] == "MULTI-1"


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("abc", "Incorrect type. Expected pk value, received str."),
        ("1.0", "Incorrect type. Expected pk value, received str."),
        (True, "Incorrect type. Expected pk value, received bool."),
        ([1], "Incorrect type. Expected pk value, received list."),
        (0.5, 'Invalid pk "0.5" - object does not exist.'),
        (1e3, 'Invalid pk "1000.0" - object does not exist.'),
        (-1, 'Invalid pk "-1" - object does not exist.'),
    ],
)
def test_a_relation_that_finds_no_object(admin: httpx.Client, sent: object, message: str) -> None:
    response = admin.post("/api/project-code/", json={"code": "R-1", "responsible": sent})
    assert (response.status_code, response.json()) == (400, {"responsible": [message]})


@pytest.mark.parametrize(("sent", "found"), [(2.9, 2), (" 1 ", 1), ("2", 2), ("", None)])
def test_a_relation_is_looked_up_as_django_prepares_an_integer(
    admin: httpx.Client, sent: object, found: int | None
) -> None:
    """int(value): a float is truncated, digits are read with their spaces, and "" is no object (DRF)."""
    response = admin.post("/api/project-code/", json={"code": "R-2", "responsible": sent})
    assert (response.status_code, response.json()["responsible"]) == (201, found)


def test_update_and_partial_update(admin: httpx.Client) -> None:
    put = admin.put("/api/project-code/4/", json={"code": "MNT-2025"})
    assert put.status_code == 200
    assert put.json()["description"] == "Yearly maintenance contract"
    patch = admin.patch("/api/project-code/4/", json={"description": "Changed"})
    assert patch.json()["code"] == "MNT-2025"
    assert admin.get("/api/project-code/4/").json()["description"] == "Changed"
    assert admin.put("/api/project-code/4/", json={"description": "no code"}).json() == {
        "code": ["This field is required."]
    }


def test_update_may_keep_its_own_code(admin: httpx.Client) -> None:
    assert admin.patch("/api/project-code/1/", json={"code": "PRJ-001"}).status_code == 200
    assert admin.patch("/api/project-code/1/", json={"code": "PRJ-002"}).status_code == 400


def test_delete_then_gone(admin: httpx.Client) -> None:
    deleted = admin.delete("/api/project-code/3/")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert admin.get("/api/project-code/3/").json() == {"detail": "Not found."}
    assert admin.delete("/api/project-code/3/").status_code == 404


def test_search_ordering_and_pagination(admin: httpx.Client) -> None:
    codes = [p["code"] for p in admin.get("/api/project-code/", params={"search": "prj"}).json()]
    assert codes == ["PRJ-001", "PRJ-002", "prj-001"]
    ordered = [p["code"] for p in admin.get("/api/project-code/", params={"ordering": "-code"}).json()]
    assert ordered == sorted(ordered, reverse=True)
    page = admin.get("/api/project-code/", params={"limit": 2, "offset": 2, "ordering": "code"}).json()
    assert page["count"] == 6
    assert [p["code"] for p in page["results"]] == sorted(ordered)[2:4]
    assert page["next"].endswith("/api/project-code/?limit=2&offset=4&ordering=code")
    assert page["previous"].endswith("/api/project-code/?limit=2&ordering=code")


def test_search_matches_every_term_in_any_field(admin: httpx.Client) -> None:
    found = admin.get("/api/project-code/", params={"search": "label rollout"}).json()
    assert [p["code"] for p in found] == ["PRJ-002"]


def test_metadata_merge_and_replace(admin: httpx.Client) -> None:
    assert admin.get("/api/project-code/1/metadata/").json() == {"metadata": {"budget": 12000}}
    merged = admin.patch("/api/project-code/1/metadata/", json={"metadata": {"owner": "ops"}})
    assert merged.json() == {"metadata": {"budget": 12000, "owner": "ops"}}
    replaced = admin.put("/api/project-code/1/metadata/", json={"metadata": {"only": True}})
    assert replaced.json() == {"metadata": {"only": True}}
    assert admin.get("/api/project-code/1/metadata/").json() == {"metadata": {"only": True}}
    bad = admin.put("/api/project-code/1/metadata/", json={"metadata": [1, 2]})
    assert bad.status_code == 400
    assert list(bad.json()) == ["metadata"]


def test_reader_may_read_but_not_write(reader: httpx.Client) -> None:
    assert reader.get("/api/project-code/").status_code == 200
    refused = reader.post("/api/project-code/", json={"code": "NOPE"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    assert reader.delete("/api/project-code/1/").status_code == 403
