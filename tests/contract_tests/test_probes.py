"""contract_tests/checks/probes.py: the checks that ask a question of their own, against a small in-process app."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contract_tests.checks import probes, state
from tests.contract_tests.recorded import answer, case, context

TOKEN = "Token good"
MACHINES = [
    {"pk": "m1", "name": "Shipping printer", "driver": "usb", "active": True, "restart_required": False},
    {"pk": "m2", "name": "Desk printer", "driver": "net", "active": False, "restart_required": True},
    {"pk": "m3", "name": "Spare", "driver": "net", "active": True, "restart_required": False},
]


def app(
    *, auth: bool = True, www_authenticate: bool = True, search: bool = True, filters: bool = True, restart: bool = True
) -> Starlette:
    """Machines the InvenTree way, each behaviour switchable off to make a faulty server."""

    def refused(request: Request) -> Response | None:
        if not auth or request.headers.get("authorization") == TOKEN:
            return None
        headers = {"WWW-Authenticate": "Token"} if www_authenticate else {}
        detail = (
            "Invalid token." if "authorization" in request.headers else "Authentication credentials were not provided."
        )
        return JSONResponse({"detail": detail}, status_code=401, headers=headers)

    async def listing(request: Request) -> Response:
        items = MACHINES
        term = request.query_params.get("search")
        if search and term:
            items = [item for item in items if term.lower() in item["name"].lower()]
        for name in ("driver", "active"):
            value = request.query_params.get(name)
            if filters and value is not None:
                wanted = value == "true" if name == "active" else value
                items = [item for item in items if item[name] == wanted]
        return refused(request) or JSONResponse(items)

    async def detail(request: Request) -> Response:
        found = [item for item in MACHINES if item["pk"] == request.path_params["pk"]]
        item = dict(found[0]) if found else {}
        if restart:
            item["restart_required"] = False
        return refused(request) or JSONResponse(item)

    async def do_restart(request: Request) -> Response:
        return refused(request) or JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/api/machine/", listing),
            Route("/api/machine/{pk}/", detail),
            Route("/api/machine/{pk}/restart/", do_restart, methods=["POST"]),
        ]
    )


def ctx(server: Starlette) -> Any:
    return context(app=server, headers={"Authorization": TOKEN})


# unauthenticated_request_refused


def test_requests_without_good_credentials_must_get_a_drf_401() -> None:
    request = case("machine_list")
    response = answer(request, 200, MACHINES)
    assert probes.unauthenticated_request_refused().after_response(ctx(app()), response, request) is None
    with pytest.raises(AssertionError, match=r"Received: 200 .* without credentials"):
        probes.unauthenticated_request_refused().after_response(ctx(app(auth=False)), response, request)
    with pytest.raises(AssertionError, match="without a WWW-Authenticate header"):
        probes.unauthenticated_request_refused().after_response(ctx(app(www_authenticate=False)), response, request)


def test_each_operation_is_asked_once_per_run() -> None:
    check = probes.unauthenticated_request_refused()
    request = case("machine_list")
    response = answer(request, 200, MACHINES)
    assert check.after_response(ctx(app()), response, request) is None
    assert check.after_response(ctx(app(auth=False)), response, request) is True  # asked already


def test_anonymous_operations_and_refusals_are_not_asked() -> None:
    flags = case("flags_list")
    assert probes.unauthenticated_request_refused().after_response(ctx(app()), answer(flags, 200, []), flags) is True
    listing = case("machine_list")
    refused = answer(listing, 403, {"detail": "You do not have permission to perform this action."})
    assert probes.unauthenticated_request_refused().after_response(ctx(app()), refused, listing) is True


# search_results_match, filter_results_match


def test_a_search_keeps_only_objects_that_hold_the_term() -> None:
    request = case("machine_list")
    response = answer(request, 200, MACHINES)
    assert probes.search_results_match().after_response(ctx(app()), response, request) is None
    with pytest.raises(AssertionError, match="results without 'shipping'"):
        probes.search_results_match().after_response(ctx(app(search=False)), response, request)


def test_a_search_needs_objects_that_differ() -> None:
    request = case("machine_list")
    same = [MACHINES[0], MACHINES[0]]
    assert probes.search_results_match().after_response(ctx(app(search=False)), answer(request, 200, same), request)


def test_a_view_whose_search_fields_are_unknown_is_not_probed() -> None:
    """DRF documents `search` for every view with a SearchFilter; one without search fields ignores it."""
    request = case("units_list")
    units = [{"pk": 1, "name": "fathom", "symbol": "ft6"}, {"pk": 2, "name": "smoot", "symbol": "smt"}]
    response = answer(request, 200, units)
    assert probes.search_results_match().after_response(ctx(app(search=False)), response, request) is True


def test_a_filter_keeps_only_matching_objects() -> None:
    request = case("machine_list")
    response = answer(request, 200, MACHINES)
    assert probes.filter_results_match().after_response(ctx(app()), response, request) is None
    with pytest.raises(AssertionError, match=r"with driver != 'usb'|with active != True"):
        probes.filter_results_match().after_response(ctx(app(filters=False)), response, request)


# restart_clears_restart_required (in checks, but it needs this app)


def test_a_restart_clears_restart_required() -> None:
    request = case("machine_restart_create", path_parameters={"id": "m2"})
    response = answer(request, 200, {"ok": True})
    assert state.restart_clears_restart_required(ctx(app()), response, request) is None
    with pytest.raises(AssertionError, match="restart_required=true"):
        state.restart_clears_restart_required(ctx(app(restart=False)), response, request)
