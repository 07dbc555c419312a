"""contract_tests/staging/guard.py: what the suite changes it writes back; what it did not create it never deletes."""

from __future__ import annotations

import json

import httpx

from contract_tests.staging.cleanup import CreatedObjects
from contract_tests.staging.guard import MISSING_INT, MISSING_UUID, Guard, concrete_path, missing_id
from tests.contract_tests.recorded import answer, case

CODE = {"pk": 3, "code": "RND-042", "description": "Sensor research", "responsible": 2, "responsible_detail": None}


def server(seen: list[tuple[str, str, object]]) -> httpx.MockTransport:
    """Project code 3 and an unread notification 8 exist; everything else is missing."""

    def answer_(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        query = f"?{request.url.query.decode()}" if request.url.query else ""
        seen.append((request.method, request.url.path + query, body))
        if request.method == "GET" and request.url.path == "/api/project-code/3/":
            return httpx.Response(200, json=CODE)
        if request.method == "GET" and request.url.path == "/api/notifications/":
            return httpx.Response(200, json=[{"pk": 8, "read": False}])
        if request.method in ("PUT", "PATCH"):
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"detail": "Not found."})

    return httpx.MockTransport(answer_)


def guard(seen: list[tuple[str, str, object]], created: CreatedObjects | None = None) -> Guard:
    return Guard("http://x", {"Authorization": "Token t"}, 5, created or CreatedObjects(), transport=server(seen))


def test_an_existing_object_is_read_once_before_its_first_change_and_written_back() -> None:
    seen: list[tuple[str, str, object]] = []
    keeper = guard(seen)
    for body in ({"code": "X"}, {"description": "Y"}):
        keeper.before_call(case("project_code_partial_update", path_parameters={"id": 3}, body=body))
    assert [request[:2] for request in seen] == [("GET", "/api/project-code/3/")]
    assert keeper.restore_all() == []
    # PUT replaces; only the writable fields the update takes, as they were.
    restore = {"code": "RND-042", "description": "Sensor research", "responsible": 2}
    assert seen[-1] == ("PUT", "/api/project-code/3/", restore)
    assert keeper.summary() == ["1 existing objects changed by the suite, written back as they were"]


def test_an_object_the_suite_created_is_neither_read_nor_restored() -> None:
    seen: list[tuple[str, str, object]] = []
    created = CreatedObjects()
    create = case("project_code_create", body={"code": "NEW"})
    created.record(create, answer(create, 201, {"pk": 3, "code": "NEW"}))
    keeper = guard(seen, created)
    keeper.before_call(case("project_code_metadata_update", path_parameters={"id": 3}, body={"metadata": {}}))
    delete = case("project_code_destroy", path_parameters={"id": 3})
    keeper.before_call(delete)
    assert seen == [] and delete.path_parameters == {"id": 3}
    assert keeper.restore_all() == []


def test_a_delete_of_an_existing_object_goes_to_a_missing_id() -> None:
    seen: list[tuple[str, str, object]] = []
    keeper = guard(seen)
    existing, missing = (case("project_code_destroy", path_parameters={"id": pk}) for pk in (3, 4))
    keeper.before_call(existing)
    keeper.before_call(missing)
    assert existing.path_parameters == {"id": MISSING_INT}
    assert missing.path_parameters == {"id": 4}  # nothing there: the delete goes as generated
    bulk = case("notifications_destroy", body={"filters": {"read": True}})
    keeper.before_call(bulk)
    # As JSON: Schemathesis serialises a body only when the case has a media type.
    assert bulk.body == {"items": [MISSING_INT]} and bulk.media_type == "application/json"
    assert bulk.as_transport_kwargs(base_url="http://x")["json"] == {"items": [MISSING_INT]}
    assert keeper.summary()[-1] == "1 deletes of objects the suite did not create sent to a missing id instead"


def test_readall_is_undone_for_the_notifications_it_marked() -> None:
    seen: list[tuple[str, str, object]] = []
    keeper = guard(seen)
    keeper.before_call(case("notifications_readall_retrieve"))
    assert seen == [("GET", "/api/notifications/?read=false", None)]
    assert keeper.restore_all() == []
    assert seen[-1] == ("PATCH", "/api/notifications/8/", {"read": False})


def test_a_restore_the_server_refuses_is_one_line_to_act_on() -> None:

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=CODE)
        return httpx.Response(400, json={"code": ["Project code with this Code already exists."]})

    keeper = Guard("http://x", {}, 5, CreatedObjects(), transport=httpx.MockTransport(refuse))
    keeper.before_call(case("project_code_update", path_parameters={"id": 3}, body={"code": "X"}))
    (problem,) = keeper.restore_all()
    assert problem.startswith("PUT /api/project-code/3/ answered 400; restore it by hand to code='RND-042'")


def test_ids_that_name_nothing_keep_their_kind() -> None:
    assert missing_id(12) == missing_id("12") == MISSING_INT
    assert missing_id("0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01") == MISSING_UUID


class UniqueCodes:
    """Project codes 3 and 4 whose `code` must stay unique, as InvenTree's ProjectCode.code is."""

    def __init__(self, codes: dict[int, str]) -> None:
        self.codes = dict(codes)
        self.writes: list[tuple[str, str, object]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        pk = int(request.url.path.rstrip("/").rsplit("/", 1)[-1])
        if request.method == "GET":
            return httpx.Response(200, json={"pk": pk, "code": self.codes[pk], "description": "", "responsible": None})
        body = json.loads(request.content)
        self.writes.append((request.method, request.url.path, body))
        if any(code == body.get("code") for other, code in self.codes.items() if other != pk):
            return httpx.Response(400, json={"code": ["Project Code with this Project Code already exists."]})
        self.codes[pk] = body.get("code", self.codes[pk])
        return httpx.Response(200, json={"pk": pk, "code": self.codes[pk]})


def test_a_restore_blocked_by_a_unique_value_is_tried_again_once_the_value_is_free() -> None:
    """Run 2 of the audit: code 4 was renamed to a value code 2 held until code 2 was put back."""
    server = UniqueCodes({3: "PRJ-001", 4: "MNT-2024"})
    keeper = Guard("http://x", {}, 5, CreatedObjects(), transport=httpx.MockTransport(server))
    keeper.before_call(case("project_code_partial_update", path_parameters={"id": 4}, body={"code": "X"}))
    keeper.before_call(case("project_code_partial_update", path_parameters={"id": 3}, body={"code": "X"}))
    server.codes.update({4: "TEMP", 3: "MNT-2024"})  # what the run left: 3 holds what 4 had
    assert keeper.restore_all() == []
    assert server.codes == {3: "PRJ-001", 4: "MNT-2024"}


def test_two_objects_that_swapped_a_unique_value_are_untied() -> None:
    server = UniqueCodes({3: "A", 4: "B"})
    keeper = Guard("http://x", {}, 5, CreatedObjects(), transport=httpx.MockTransport(server))
    for pk in (3, 4):
        keeper.before_call(case("project_code_partial_update", path_parameters={"id": pk}, body={"code": "Z"}))
    server.codes.update({3: "B", 4: "A"})
    assert keeper.restore_all() == []
    assert server.codes == {3: "A", 4: "B"}
    assert ("PATCH", "/api/project-code/4/", {"code": "ckr1"}) in server.writes  # parked, then put back


def test_a_restore_that_cannot_succeed_is_reported_not_parked_forever() -> None:
    server = UniqueCodes({3: "A", 5: "B"})
    keeper = Guard("http://x", {}, 5, CreatedObjects(), transport=httpx.MockTransport(server))
    keeper.before_call(case("project_code_partial_update", path_parameters={"id": 3}, body={"code": "Z"}))
    server.codes.update({3: "Z", 5: "A"})  # another client took the value meanwhile
    (problem,) = keeper.restore_all()
    assert problem.startswith("PUT /api/project-code/3/ answered 400; restore it by hand to code='A'")
    assert server.codes[5] == "A"  # an object the run did not change is never parked


NEWS = {"pk": 1, "feed_id": "f", "title": "t", "link": "https://x/", "published": "2025-01-10 12:00"}
NEWS |= {"author": "a", "summary": "s", "read": False}


def test_an_update_of_a_field_the_server_answers_to_the_minute_goes_to_a_missing_id() -> None:
    """A news item's `published` answers "2025-01-10 12:00" for 12:00:37.123456: a GET-PUT restore would cut it."""
    seen: list[tuple[str, str, object]] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, json.loads(request.content) if request.content else None))
        return httpx.Response(200, json=NEWS)

    keeper = Guard("http://x", {}, 5, CreatedObjects(), transport=httpx.MockTransport(server))
    put = case("news_update", path_parameters={"id": 1}, body={**NEWS, "published": "2025-02-02T10:00:00Z"})
    patch = case("news_partial_update", path_parameters={"id": 1}, body={"read": True})
    keeper.before_call(put)
    keeper.before_call(patch)
    assert put.path_parameters == {"id": MISSING_INT}  # tested on its 404 instead
    assert patch.path_parameters == {"id": 1}  # leaves `published` alone: goes as generated
    assert keeper.restore_all() == []
    restore = {key: value for key, value in NEWS.items() if key not in ("pk", "published")}
    assert seen[-1] == ("PATCH", "/api/news/1/", restore)
    assert any("sent to a missing id instead" in line and "`published`" in line for line in keeper.summary())


def test_the_path_of_a_request_is_the_one_schemathesis_sends() -> None:
    """Schemathesis percent-encodes path parameters when it generates them: encoding again would name another path."""
    encoded = case("project_code_retrieve", path_parameters={"id": "%0Ax%2F"})
    assert concrete_path(encoded) == "/api/project-code/%0Ax%2F/"
    seen: list[tuple[str, str, object]] = []
    keeper = guard(seen)
    keeper.before_call(case("project_code_partial_update", path_parameters={"id": "%0A"}, body={"code": "X"}))
    assert list(keeper.originals) == ["/api/project-code/%0A/"]  # not %250A: the object the request changes
