"""Proof that the suite catches faults: the mock with one contract violation each, and servers of their own."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.contract_tests.faults import FAULTS, Fault
from tests.contract_tests.servers import reset, serving, suite


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_each_injected_fault_is_caught(mock_app: Any, fault: Fault) -> None:
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        report = suite(url, operations=fault.operations, max_examples=2)
    found = {failure.check for failure in report.failures}
    assert found & fault.caught_by, f"{fault.description}: expected one of {sorted(fault.caught_by)}, got {found}"
    assert report.exit_code == 1


def test_every_kind_of_fault_has_an_example() -> None:
    """The kinds the issue names, each with at least one fault above."""
    kinds = {
        "missing-required-field", "wrong-type", "undocumented-status", "server-error", "auth-not-enforced",
        "create-not-persisted", "wrong-pagination-count",
    }  # fmt: skip
    assert kinds <= {fault.name for fault in FAULTS}


def inventree_front(routes: list[Route]) -> Starlette:
    """A server that answers `/api/` and the token and user endpoints like InvenTree, and `routes` besides."""
    token = "inv-own-server-token"

    async def info(request: Request) -> Response:
        return JSONResponse({"server": "InvenTree", "version": "0.18.0", "apiVersion": 303})

    async def issue_token(request: Request) -> Response:
        return JSONResponse({"token": token, "name": "", "expiry": "2099-01-01"})

    async def me(request: Request) -> Response:
        return JSONResponse({"pk": 1, "username": "admin", "is_staff": True})

    front = [Route("/api/", info), Route("/api/user/token/", issue_token), Route("/api/user/me/", me)]
    return Starlette(routes=front + routes)


def test_a_server_that_crashes_on_every_operation_fails_everywhere() -> None:
    async def crash(request: Request) -> Response:
        return HTMLResponse("<h1>Server Error (500)</h1>", status_code=500)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    with serving(inventree_front([Route("/api/{rest:path}", crash, methods=methods)])) as url:
        report = suite(url, tags=("units", "project-code"), max_examples=2)
    failing = {failure.operation for failure in report.failures if failure.check == "not_a_server_error"}
    assert len(failing) == len(report.operations) == 15
    assert report.exit_code == 1


def test_a_server_that_says_yes_to_everything_is_caught() -> None:
    """200 `{}` for any request, with or without credentials: auth, status, shape and state all fail."""

    async def yes(request: Request) -> Response:
        return JSONResponse({})

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    with serving(inventree_front([Route("/api/{rest:path}", yes, methods=methods)])) as url:
        report = suite(url, tags=("units",), max_examples=2)
    found = {failure.check for failure in report.failures}
    assert {"ignored_auth", "status_code_conformance", "response_schema_conformance"} <= found
    assert "negative_data_rejection" in found
