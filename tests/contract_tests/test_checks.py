"""contract_tests/checks/responses.py: each InvenTree check on recorded answers; follow-ups go to a small in-process app."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contract_tests.checks import responses as checks
from contract_tests.checks import state
from tests.contract_tests.recorded import answer, case, context

CODES = [
    {"pk": pk, "code": f"C-{pk}", "description": "", "responsible": None, "responsible_detail": None}
    for pk in (1, 2, 3)
]


def app(objects: list[dict[str, Any]], *, present: bool = True, paginate: bool = True) -> Starlette:
    """Answers the follow-up requests: the list (paginated with a limit, the DRF way, if `paginate`),
    one object (404 unless `present`), and a PATCH that answers the change but stores nothing."""

    async def collection(request: Request) -> Response:
        limit = request.query_params.get("limit")
        if not paginate or limit is None:
            return JSONResponse(objects)
        size, offset = int(limit), int(request.query_params.get("offset", 0))
        base = "http://testserver/api/project-code/"
        after = f"{base}?limit={size}&offset={offset + size}" if offset + size < len(objects) else None
        before = None if offset <= 0 else f"{base}?limit={size}" + (f"&offset={offset - size}" if offset > size else "")
        page = objects[offset : offset + size]
        return JSONResponse({"count": len(objects), "next": after, "previous": before, "results": page})

    async def detail(request: Request) -> Response:
        found = [item for item in objects if str(item["pk"]) == request.path_params["pk"]]
        if not present or not found:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        if request.method == "PATCH":  # answers the change, but stores nothing
            return JSONResponse({**found[0], **(await request.json())})
        return JSONResponse(found[0])

    return Starlette(
        routes=[
            Route("/api/project-code/", collection),
            Route("/api/project-code/{pk}/", detail, methods=["GET", "PATCH"]),
        ]
    )


def fails(check: Any, ctx: Any, response: Any, request: Any, match: str = "") -> None:
    with pytest.raises(AssertionError, match=match):
        check(ctx, response, request)


def passes(check: Any, ctx: Any, response: Any, request: Any) -> None:
    assert check(ctx, response, request) in (None, True)


# drf_error_shape


@pytest.mark.parametrize(
    ("status", "body", "good"),
    [
        (404, {"detail": "Not found."}, True),
        (401, {"detail": "Invalid token."}, True),
        (400, {"code": ["This field may not be blank."]}, True),
        (400, {"detail": "JSON parse error - Expecting value"}, True),
        # InvenTree's bulk deletes and search put one message under its key, not in a list.
        (400, {"non_field_errors": "No items found to delete"}, True),
        (400, {"search": "Search term must be provided"}, True),
        (404, {"error": "not found"}, False),
        (400, {"code": "This field may not be blank."}, False),
        (403, ["forbidden"], False),
    ],
)
def test_drf_error_shape(status: int, body: Any, good: bool) -> None:
    request = case("project_code_create", body={"code": ""})
    response = answer(request, status, body)
    if good:
        passes(checks.drf_error_shape, context(), response, request)
    else:
        fails(checks.drf_error_shape, context(), response, request, match="Documented: ")


def test_drf_error_shape_wants_json_and_ignores_other_statuses_and_method_probes() -> None:
    request = case("project_code_create", body={"code": ""})
    html = answer(request, 400, content=b"<h1>Bad Request</h1>", content_type="text/html")
    fails(checks.drf_error_shape, context(), html, request, match="not JSON")
    assert checks.drf_error_shape(context(), answer(request, 500, content=b"<h1>boom</h1>"), request) is True
    probe = answer(request, 405, content=b"<html>405</html>", content_type="text/html")
    probe.request.method = "TRACE"
    assert checks.drf_error_shape(context(), probe, request) is True


# list_shape_matches_limit


@pytest.mark.parametrize(
    ("query", "body", "published", "good"),
    [
        ({"limit": 2}, {"count": 3, "next": None, "previous": None, "results": []}, False, True),
        ({"limit": 2}, [], False, False),
        ({}, [], False, True),
        ({}, {"count": 0, "next": None, "previous": None, "results": []}, False, False),
        ({"limit": 0}, [], False, True),
        ({"limit": "two"}, [], False, True),
        ({}, [], True, False),
        ({}, {"count": 0, "next": None, "previous": None, "results": []}, True, True),
    ],
)
def test_list_shape_follows_limit_and_the_chosen_contract(
    query: dict[str, Any], body: Any, published: bool, good: bool
) -> None:
    request = case("project_code_list", query=query, published=published)
    response = answer(request, 200, body)
    if good:
        passes(checks.list_shape_matches_limit, context(), response, request)
    else:
        fails(checks.list_shape_matches_limit, context(), response, request, match="Received: ")


# pagination_envelope_consistent


def envelope(count: int, results: list[Any], next_: str | None = None, previous: str | None = None) -> dict[str, Any]:
    return {"count": count, "next": next_, "previous": previous, "results": results}


NEXT = "http://testserver/api/project-code/?limit=1&offset=2"
PREVIOUS = "http://testserver/api/project-code/?limit=1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (envelope(3, [CODES[1]], NEXT, PREVIOUS), None),
        (envelope(4, [CODES[1]], NEXT, PREVIOUS), "count=4"),
        (envelope(3, [CODES[1], CODES[2]], NEXT, PREVIOUS), "Received: 2 results"),
        (envelope(3, [CODES[1]], None, PREVIOUS), "next=None"),
        (envelope(3, [CODES[1]], NEXT.replace("offset=2", "offset=3"), PREVIOUS), "Received: next="),
        (envelope(3, [CODES[1]], NEXT, None), "previous=None"),
        (envelope(3, [CODES[2]], NEXT, PREVIOUS), "items 1..1"),
    ],
)
def test_pagination_envelope_agrees_with_limit_offset_and_the_whole_list(
    body: dict[str, Any], message: str | None
) -> None:
    request = case("project_code_list", query={"limit": 1, "offset": 1})
    response = answer(request, 200, body)
    ctx = context(app=app(CODES, paginate=False))  # the retry then cannot hide the recorded mismatch
    if message is None:
        passes(checks.pagination_envelope_consistent, ctx, response, request)
    else:
        fails(checks.pagination_envelope_consistent, ctx, response, request, match=message)


def test_a_list_without_limit_gets_a_page_asked_for_beside_it() -> None:
    request = case("project_code_list")
    response = answer(request, 200, CODES)
    passes(checks.pagination_envelope_consistent, context(app=app(CODES)), response, request)
    unpaginated = context(app=app(CODES, paginate=False))
    fails(checks.pagination_envelope_consistent, unpaginated, response, request, match="a plain array of 3 items")


# created_object_retrievable, deleted_object_gone, write_persisted


def test_a_created_object_must_be_retrievable_and_equal() -> None:
    request = case("project_code_create", body={"code": "C-2"})
    response = answer(request, 201, CODES[1])
    passes(state.created_object_retrievable, context(app=app(CODES)), response, request)
    fails(
        state.created_object_retrievable,
        context(app=app(CODES, present=False)),
        response,
        request,
        match="Received: 404",
    )
    changed = [CODES[0], {**CODES[1], "code": "other"}]
    fails(state.created_object_retrievable, context(app=app(changed)), response, request, match="code: ")
    assert state.created_object_retrievable(context(), answer(request, 400, {"code": ["x"]}), request) is True


def test_a_deleted_object_must_be_gone() -> None:
    request = case("project_code_destroy", path_parameters={"id": 2})
    response = answer(request, 204)
    passes(state.deleted_object_gone, context(app=app(CODES, present=False)), response, request)
    fails(state.deleted_object_gone, context(app=app(CODES)), response, request, match="Received: 200")
    bulk = case("news_destroy")
    assert state.deleted_object_gone(context(), answer(bulk, 204), bulk) is True


def test_an_update_must_be_what_a_later_read_gives() -> None:
    request = case("project_code_partial_update", path_parameters={"id": 2}, body={"description": "new"})
    stored = {**CODES[1], "description": "new"}
    passes(state.write_persisted, context(app=app([stored])), answer(request, 200, stored), request)
    fails(state.write_persisted, context(app=app(CODES)), answer(request, 200, stored), request, match="description")


# answer_reflects_request


@pytest.mark.parametrize(
    ("sent", "answered", "good"),
    [
        ({"code": "  C-9  ", "description": "d"}, {"pk": 9, "code": "C-9", "description": "d"}, True),
        ({"code": 12345}, {"pk": 9, "code": "12345"}, True),
        ({"code": "C-9", "description": "d"}, {"pk": 9, "code": "C-9", "description": ""}, False),
        ({"code": "C-9", "responsible": None}, {"pk": 9, "code": "C-9", "responsible": 4}, False),
        ({"code": "C-9", "pk": 5}, {"pk": 9, "code": "C-9"}, True),  # read-only, ignored
    ],
)
def test_an_answer_holds_the_values_sent(sent: dict[str, Any], answered: dict[str, Any], good: bool) -> None:
    request = case("project_code_create", body=sent)
    response = answer(request, 201, answered)
    if good:
        passes(state.answer_reflects_request, context(), response, request)
    else:
        fails(state.answer_reflects_request, context(), response, request, match="sent")


# list_filters_applied


def test_a_filtered_list_holds_only_matching_items() -> None:
    machines = [{"pk": "a", "active": True, "driver": "d1"}, {"pk": "b", "active": False, "driver": "d2"}]
    request = case("machine_list", query={"active": "true"})
    fails(checks.list_filters_applied, context(), answer(request, 200, machines), request, match="active != True")
    passes(checks.list_filters_applied, context(), answer(request, 200, machines[:1]), request)
    by_driver = case("machine_list", query={"driver": "d2", "limit": 5})
    fails(
        checks.list_filters_applied, context(), answer(by_driver, 200, envelope(2, machines)), by_driver, match="driver"
    )
    unreadable = case("machine_list", query={"active": "perhaps"})
    passes(checks.list_filters_applied, context(), answer(unreadable, 200, machines), unreadable)


# readall_marks_all_read


def notifications(unread_left: bool) -> Starlette:
    items = [{"pk": 1, "read": True}, {"pk": 2, "read": not unread_left}]

    async def listing(request: Request) -> Response:
        wanted = request.query_params.get("read")
        found = [item for item in items if wanted is None or item["read"] == (wanted == "true")]
        return JSONResponse(found)

    return Starlette(routes=[Route("/api/notifications/", listing)])


def test_readall_leaves_nothing_unread() -> None:
    request = case("notifications_readall_retrieve")
    response = answer(request, 200, {"status": "ok"})
    passes(state.readall_marks_all_read, context(app=notifications(unread_left=False)), response, request)
    fails(
        state.readall_marks_all_read, context(app=notifications(unread_left=True)), response, request, match="1 unread"
    )


# object_matches_its_path


@pytest.mark.parametrize(
    ("operation", "path", "body", "good"),
    [
        ("project_code_retrieve", {"id": 2}, CODES[1], True),
        ("project_code_retrieve", {"id": "02"}, CODES[1], True),
        ("project_code_retrieve", {"id": 3}, CODES[1], False),
        ("flags_retrieve", {"key": "experimental"}, {"key": "EXPERIMENTAL", "state": False}, True),
        ("flags_retrieve", {"key": "NEXT_GEN"}, {"key": "EXPERIMENTAL", "state": False}, False),
        (
            "machine_settings_retrieve",
            {"id": "m1", "config_type": "M", "key": "LOCATION"},
            {"pk": 7, "key": "LOCATION"},
            True,
        ),
        ("project_code_metadata_retrieve", {"id": 2}, {"metadata": {}}, True),
    ],
)
def test_an_object_is_the_one_its_path_names(operation: str, path: dict[str, Any], body: Any, good: bool) -> None:
    request = case(operation, path_parameters=path)
    response = answer(request, 200, body)
    if good:
        passes(checks.object_matches_its_path, context(), response, request)
    else:
        fails(checks.object_matches_its_path, context(), response, request, match="Documented: the object whose")


# documented_path_routed

CATCH_ALL = {"detail": "API endpoint not found", "url": "http://testserver/api/contenttype/part/"}
MACHINE = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"


@pytest.mark.parametrize(
    ("operation", "path", "body", "good"),
    [
        # API 303 moved it to /api/contenttype/model/{model}/: the old route is the catch-all
        ("contenttype_retrieve_2", {"model": "part"}, CATCH_ALL, False),
        ("web_ui_preference_retrieve", None, CATCH_ALL, False),
        ("units_retrieve", {"id": 2147483647}, CATCH_ALL, False),
        ("units_retrieve", {"id": 2147483647}, {"detail": "Not found."}, True),
        # no Django converter matches these, so no route is the right answer
        ("units_retrieve", {"id": -1}, CATCH_ALL, True),
        ("contenttype_retrieve_2", {"model": "a%2Fb"}, CATCH_ALL, True),
        ("contenttype_retrieve_2", {"model": "a%0Ab"}, CATCH_ALL, True),
        ("machine_retrieve", {"id": "0B6C3A52-8F1E-4D6A-9C2B-5E7F1A3D9C01"}, CATCH_ALL, True),
        ("machine_retrieve", {"id": "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"}, CATCH_ALL, False),
        # the settings route is re_path `(?P<config_type>M|D)/(?P<key>\w+)/`, published as `^M|D$`, `^\w+$`
        ("machine_settings_retrieve", {"id": MACHINE, "config_type": "M", "key": "LOCATION"}, CATCH_ALL, False),
        ("machine_settings_retrieve", {"id": MACHINE, "config_type": "MX", "key": "LOCATION"}, CATCH_ALL, True),
        ("machine_settings_retrieve", {"id": MACHINE, "config_type": "M", "key": "%C2%84"}, CATCH_ALL, True),
        # webhooks are routed by <slug:endpoint>
        ("webhook_create", {"endpoint": "hook-1"}, CATCH_ALL, False),
        ("webhook_create", {"endpoint": "%C3%BEz"}, CATCH_ALL, True),
    ],
)
def test_the_catch_all_404_is_never_an_object_not_found(
    operation: str, path: dict[str, Any] | None, body: Any, good: bool
) -> None:
    request = case(operation, path_parameters=path)
    response = answer(request, 404, body)
    if good:
        passes(checks.documented_path_routed, context(), response, request)
    else:
        fails(checks.documented_path_routed, context(), response, request, match="no route for it")
