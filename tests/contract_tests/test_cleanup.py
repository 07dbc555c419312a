"""contract_tests/staging/cleanup.py: what the suite creates, it deletes again."""

from __future__ import annotations

import httpx

from contract_tests.staging.cleanup import CreatedObjects
from tests.contract_tests.recorded import answer, case


def test_created_objects_are_recorded_by_their_detail_path() -> None:
    created = CreatedObjects()
    hook = created.hook()
    code = case("project_code_create", body={"code": "A"})
    hook(None, code, answer(code, 201, {"pk": 7, "code": "A"}))  # type: ignore[arg-type]
    machine = case("machine_create", body={"name": "m", "machine_type": "t", "driver": "d"})
    hook(None, machine, answer(machine, 201, {"pk": "0d5e-uuid", "name": "m"}))  # type: ignore[arg-type]
    hook(None, code, answer(code, 400, {"code": ["x"]}))  # type: ignore[arg-type]
    listing = case("project_code_list")
    hook(None, listing, answer(listing, 200, []))  # type: ignore[arg-type]
    image = case("notes_image_upload_create", body={"image": "x"})
    hook(None, image, answer(image, 201, {"pk": 3}))  # type: ignore[arg-type]  # no delete operation
    assert created.paths == ["/api/project-code/7/", "/api/machine/0d5e-uuid/"]
    assert created.kept == ["POST /api/notes-image-upload/ created pk 3, which no operation deletes"]


def test_delete_all_removes_what_is_left_and_names_what_it_could_not() -> None:
    created = CreatedObjects()
    hook = created.hook()
    for pk in (1, 2, 3):
        code = case("project_code_create", body={"code": f"C{pk}"})
        hook(None, code, answer(code, 201, {"pk": pk}))  # type: ignore[arg-type]
    deleted: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        assert request.method == "DELETE" and request.headers["authorization"] == "Token t"
        deleted.append(request.url.path)
        return httpx.Response({"/api/project-code/1/": 204, "/api/project-code/2/": 404}.get(request.url.path, 500))

    problems = created.delete_all(
        "http://x", {"Authorization": "Token t"}, timeout=5, transport=httpx.MockTransport(server)
    )
    assert deleted == ["/api/project-code/3/", "/api/project-code/2/", "/api/project-code/1/"]
    assert problems == ["DELETE /api/project-code/3/ answered 500; delete it by hand"]
