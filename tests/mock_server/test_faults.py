"""Latency and faults on demand, end to end over HTTP: options, the control API and the `Prefer` header."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mock_server import Settings, create_app
from mock_server.control.fault_rules import Delay, parse_fault_option
from tests.plugins.live_server import ADMIN, LiveServer, serve, serving

WAIT = 10.0
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def started() -> Iterator[LiveServer]:
    """Faults given as options at start; the tests leave them as they are."""
    yield from serve(
        seed=7,
        faults=(
            parse_fault_option("units_list:status=503"),
            parse_fault_option("GET /api/news/*:delay=100-200"),
            parse_fault_option("flags_list:status=503,detail=Down for maintenance, back at 10:00"),
        ),
    )


@pytest.fixture
def runtime(live_server: LiveServer) -> Iterator[LiveServer]:
    """The session's mock with an empty journal; faults added by the test are cleared after it."""
    httpx.delete(f"{live_server.url}/_mock/requests").raise_for_status()
    yield live_server
    httpx.delete(f"{live_server.url}/_mock/faults").raise_for_status()


def add_fault(server: LiveServer, **rule: Any) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/_mock/faults", json=rule)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def wait_for(condition: Callable[[], Any]) -> Any:
    """Poll the mock until `condition` holds; bounded, and failing with what was last seen."""
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, f"not seen within {WAIT} s"
        time.sleep(0.02)
    return found


def test_a_prefer_delay_holds_the_answer_that_long(runtime: LiveServer, pauses: list[float]) -> None:
    with runtime.client(ADMIN) as admin:
        response = admin.get("/api/units/", headers={"Prefer": "delay=30"})
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert pauses == [0.03]
    assert response.headers["x-mock-fault"] == "delay=30; rules=prefer"
    (entry,) = httpx.get(f"{runtime.url}/_mock/requests").json()
    assert entry["fault"] == "delay=30; rules=prefer" and entry["status"] == 200


def test_a_prefer_delay_really_waits_at_least_that_long(runtime: LiveServer) -> None:
    # The real pause, over HTTP: only a lower bound is asserted (a busy machine may add any amount).
    with runtime.client(ADMIN) as admin:
        started = time.monotonic()
        response = admin.get("/api/units/", headers={"Prefer": "delay=150"})
        waited = time.monotonic() - started
    assert response.status_code == 200
    assert waited >= 0.15


def test_without_a_fault_nothing_pauses_or_is_labelled(runtime: LiveServer, pauses: list[float]) -> None:
    with runtime.client(ADMIN) as admin:
        response = admin.get("/api/units/")
    assert response.status_code == 200 and "x-mock-fault" not in response.headers
    assert pauses == []


def test_a_delay_range_from_the_options_is_drawn_within_it(started: LiveServer, pauses: list[float]) -> None:
    with started.client(ADMIN) as admin:
        delays = [
            int(admin.get("/api/news/").headers["x-mock-fault"].split(";")[0].removeprefix("delay=")) for _ in range(3)
        ]
        assert all(100 <= delay <= 200 for delay in delays)
        assert pauses == [delay / 1000 for delay in delays]
        # The rule names GET: other methods on the same path are not held.
        assert "x-mock-fault" not in admin.options("/api/news/").headers
    assert len(pauses) == 3


def test_a_status_from_the_options_is_answered_in_inventrees_shape(started: LiveServer) -> None:
    with started.client(ADMIN) as admin:
        response = admin.get("/api/units/")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"detail": "Service Unavailable"}
        flags = admin.get("/api/flags/")
        assert flags.status_code == 503
        assert flags.json() == {"detail": "Down for maintenance, back at 10:00"}
        # Only the named operation: the object under the same prefix answers as usual.
        assert admin.get("/api/units/1/").status_code == 200


@pytest.fixture(scope="module")
def globally_faulted() -> Iterator[LiveServer]:
    """`--delay 120 --error-rate 0.5 --seed 3`."""
    yield from serve(delay=Delay(120, 120), error_rate=0.5, seed=3)


def test_global_delay_and_error_rate_from_the_options(globally_faulted: LiveServer, pauses: list[float]) -> None:
    with globally_faulted.client(ADMIN) as admin:
        answers = [admin.get("/api/project-code/") for _ in range(8)]
    assert pauses == [0.12] * 8
    statuses = [response.status_code for response in answers]
    assert set(statuses) == {200, 500}, statuses
    failed = next(response for response in answers if response.status_code == 500)
    assert failed.headers["x-mock-fault"] == "delay=120; status=500; rules=2,1"


@pytest.mark.parametrize(
    ("status", "body", "header"),
    [
        (
            500,
            {
                "error": "Exception",
                "error_class": "<class 'Exception'>",
                "detail": "Error details can be found in the admin panel",
                "path": "/api/project-code/",
                "status_code": 500,
            },
            None,
        ),
        (401, {"detail": "Authentication credentials were not provided."}, ("www-authenticate", "Token")),
        (403, {"detail": "You do not have permission to perform this action."}, None),
        (404, {"detail": "Not found."}, None),
        (429, {"detail": "Request was throttled."}, None),
        (502, {"detail": "Bad Gateway"}, None),
    ],
)
def test_prefer_code_forces_the_status_with_inventrees_body(
    runtime: LiveServer, status: int, body: dict[str, Any], header: tuple[str, str] | None
) -> None:
    with runtime.client(ADMIN) as admin:
        response = admin.get("/api/project-code/", headers={"Prefer": f"code={status}"})
    assert response.status_code == status
    assert response.json() == body
    assert response.headers["x-mock-fault"] == f"status={status}; rules=prefer"
    if header:
        assert response.headers[header[0]] == header[1]


def test_prefer_other_preferences_pass_and_bad_values_are_named(runtime: LiveServer) -> None:
    with runtime.client(ADMIN) as admin:
        assert admin.get("/api/units/", headers={"Prefer": "return=minimal"}).status_code == 200
        for value, field in [("code=abc", "code"), ("code=200", "code"), ("delay=soon", "delay")]:
            refused = admin.get("/api/units/", headers={"Prefer": value})
            assert refused.status_code == 400
            assert list(refused.json()) == [field]


def test_a_dropped_connection_is_a_connection_error(runtime: LiveServer) -> None:
    add_fault(runtime, operation="project_code_create", drop=True)
    with runtime.client(ADMIN) as admin:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            admin.post("/api/project-code/", json={"code": "DROPPED"})
        # The connection is gone, not the server.
        assert admin.get("/api/project-code/").status_code == 200


@pytest.mark.parametrize("protocol", ["h11", "httptools"])
def test_both_of_uvicorns_http_protocols_drop_without_an_answer(protocol: str) -> None:
    app = create_app(Settings(faults=(parse_fault_option("flags_list:drop"),)))
    with serving(app, http=protocol) as url, httpx.Client(base_url=url) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get("/api/flags/")
        assert client.get("/api/").status_code == 200


def test_a_faulted_write_changes_nothing(runtime: LiveServer) -> None:
    runtime.reset()
    state = f"{runtime.url}/_mock/state"
    before = httpx.get(state).json()
    add_fault(runtime, path="/api/project-code/*", method="POST", status=500)
    add_fault(runtime, operation="units_create", drop=True)
    with runtime.client(ADMIN) as admin:
        assert admin.post("/api/project-code/", json={"code": "FAULTED"}).status_code == 500
        forced = admin.post(
            "/api/units/", json={"name": "furlong", "definition": "220 yard"}, headers={"Prefer": "code=503"}
        )
        assert forced.status_code == 503
        assert admin.delete("/api/project-code/1/", headers={"Prefer": "code=503"}).status_code == 503
        with pytest.raises(httpx.TransportError):
            admin.post("/api/units/", json={"name": "furlong", "definition": "220 yard"})
        assert (
            admin.patch("/api/project-code/1/", json={"code": "X"}, headers={"Prefer": "code=503"}).status_code == 503
        )
        assert httpx.get(state).json() == before
        httpx.delete(f"{runtime.url}/_mock/faults").raise_for_status()
        # Without the faults the same write does change the state.
        assert admin.post("/api/project-code/", json={"code": "FAULTED"}).status_code == 201
    assert httpx.get(state).json() != before


def test_a_rule_with_times_ends_by_itself(runtime: LiveServer) -> None:
    rule = add_fault(runtime, operation="units_list", status=503, times=2)
    with runtime.client(ADMIN) as admin:
        assert [admin.get("/api/units/").status_code for _ in range(3)] == [503, 503, 200]
    assert rule["id"] not in [r["id"] for r in httpx.get(f"{runtime.url}/_mock/faults").json()]


def test_a_rate_is_repeatable_from_the_seed(runtime: LiveServer) -> None:
    def pattern() -> list[int]:
        httpx.delete(f"{runtime.url}/_mock/faults").raise_for_status()
        add_fault(runtime, path="/api/units/", status=503, rate=0.5)
        with runtime.client(ADMIN) as admin:
            return [admin.get("/api/units/").status_code for _ in range(12)]

    first = pattern()
    assert 0 < first.count(503) < 12
    assert pattern() == first


def test_a_specific_rule_wins_over_a_global_one(runtime: LiveServer) -> None:
    add_fault(runtime, status=500)
    add_fault(runtime, operation="units_list", status=503, detail="Maintenance")
    with runtime.client(ADMIN) as admin:
        assert admin.get("/api/units/").json() == {"detail": "Maintenance"}
        assert admin.get("/api/units/", headers={"Prefer": "code=404"}).status_code == 404
        assert admin.get("/api/flags/").status_code == 500


def test_a_whole_body_can_be_given(runtime: LiveServer) -> None:
    body = {"code": ["Project code must be unique"]}
    add_fault(runtime, operation="project_code_create", status=400, body=body)
    with runtime.client(ADMIN) as admin:
        response = admin.post("/api/project-code/", json={"code": "NEW"})
    assert response.status_code == 400 and response.json() == body


def test_faults_are_listed_removed_and_cleared(runtime: LiveServer) -> None:
    faults = f"{runtime.url}/_mock/faults"
    first = add_fault(runtime, operation="units_list", delay="100-400")
    second = add_fault(runtime, path="/api/news/*", method="get", status=503, rate=0.25)
    assert first["delay"] == [100, 400] and second["method"] == "GET"
    listed = httpx.get(faults).json()
    assert [rule["id"] for rule in listed] == [first["id"], second["id"]]
    # What the list shows can be posted back as the same rule.
    again = {k: v for k, v in listed[1].items() if k != "id"}
    assert {k: v for k, v in add_fault(runtime, **again).items() if k != "id"} == again
    # curl -d sends a form's Content-Type: the body is read as JSON all the same.
    curl_like = httpx.post(faults, content=b'{"delay": "200-800", "rate": 0.5}', headers={"Content-Type": FORM})
    assert curl_like.status_code == 201 and curl_like.json()["delay"] == [200, 800]
    assert httpx.delete(f"{faults}/{first['id']}").status_code == 204
    assert first["id"] not in [rule["id"] for rule in httpx.get(faults).json()]
    assert httpx.delete(faults).status_code == 204
    assert httpx.get(faults).json() == []


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        ({"operation": "unitz_list", "status": 503}, "operation", "did you mean units_list"),
        ({"path": "/api/units/", "status": 200}, "status", "400 to 599"),
        ({"path": "/api/units/"}, "non_field_errors", "needs an effect"),
        ({"status": 503, "drop": True}, "drop", "no status"),
        ({"delay": "400-100"}, "delay", "smaller bound first"),
        ({"status": 503, "rate": 2}, "rate", "at most 1"),
        ({"status": 503, "colour": "red"}, "colour", "Unknown field"),
        ({"method": "GET", "status": 503}, "method", "goes with a path"),
    ],
)
def test_a_bad_rule_is_a_drf_shaped_400(runtime: LiveServer, rule: dict[str, Any], field: str, words: str) -> None:
    response = httpx.post(f"{runtime.url}/_mock/faults", json=rule)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert httpx.get(f"{runtime.url}/_mock/faults").json() == []


def test_control_api_errors_are_json(runtime: LiveServer) -> None:
    faults = f"{runtime.url}/_mock/faults"
    malformed = httpx.post(faults, content=b"{not json")
    assert malformed.status_code == 400 and malformed.json()["detail"].startswith("JSON parse error")
    missing = httpx.delete(f"{faults}/99")
    assert missing.status_code == 404 and missing.json() == {
        "detail": "No fault rule 99; GET /_mock/faults lists them."
    }
    wrong = httpx.put(faults)
    assert wrong.status_code == 405 and wrong.json() == {"detail": 'Method "PUT" not allowed.'}
    assert wrong.headers["allow"] == "GET, POST, DELETE, HEAD"
    assert httpx.delete(f"{faults}/abc").json() == {"detail": "Not found."}
    too_large = httpx.post(faults, content=b" " * 2_621_441)
    assert too_large.status_code == 413 and "detail" in too_large.json()


def test_a_delay_holds_only_its_own_request_and_ends_when_the_client_leaves(runtime: LiveServer) -> None:
    journal = f"{runtime.url}/_mock/requests"
    host, port = runtime.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(b"GET /api/flags/ HTTP/1.1\r\nHost: " + host.encode() + b"\r\nPrefer: delay=60000\r\n\r\n")
        held = wait_for(lambda: httpx.get(journal, params={"path": "/api/flags/"}).json())
        assert held[0]["outcome"] == "pending"
        with runtime.client(ADMIN) as admin:
            assert admin.get("/api/project-code/").status_code == 200
        slow.setblocking(False)
        with pytest.raises(BlockingIOError):
            slow.recv(1)
    # The client left during the delay: the request was given up, not answered.
    gone = wait_for(
        lambda: [e for e in httpx.get(journal, params={"path": "/api/flags/"}).json() if e["outcome"] != "pending"]
    )
    assert gone[0]["outcome"] == "abandoned" and gone[0]["status"] is None
