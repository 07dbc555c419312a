"""What browsers may call: credentialed CORS for the API and the login, the control API kept to its own origin."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest

from mock_server import Settings, create_app
from mock_server.control.security import origins_pattern
from mock_server.control.token import with_control_token
from tests.plugins.live_server import ADMIN, LiveServer, serve, serving

FRONTEND = "http://localhost:5173"


def test_the_api_answers_credentialed_cors_to_the_calling_origin(anonymous: httpx.Client) -> None:
    preflight = anonymous.options(
        "/api/project-code/1/",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type, x-csrftoken, prefer",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONTEND
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "prefer" in preflight.headers["access-control-allow-headers"]
    simple = anonymous.get("/api/flags/", headers={"Origin": FRONTEND})
    assert simple.headers["access-control-allow-origin"] == FRONTEND
    assert simple.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in simple.headers["vary"]
    assert "X-Mock-Fault" in simple.headers["access-control-expose-headers"]
    login = anonymous.post(
        "/_mock/login", json={"username": "admin", "password": "inventree"}, headers={"Origin": FRONTEND}
    )
    assert login.status_code == 200 and login.headers["access-control-allow-origin"] == FRONTEND
    # `null` (sandboxed frames, files) is no origin a frontend is served from.
    assert "access-control-allow-origin" not in anonymous.get("/api/flags/", headers={"Origin": "null"}).headers


@pytest.mark.parametrize(
    ("request_headers", "refused"),
    [
        ({"Origin": FRONTEND}, True),
        ({"Origin": "null"}, True),
        ({"Sec-Fetch-Site": "cross-site"}, True),
        ({"Sec-Fetch-Site": "same-site"}, True),
        ({"Sec-Fetch-Site": "none"}, False),
        ({}, False),
    ],
)
def test_the_control_api_refuses_other_origins(
    mock: LiveServer, admin: httpx.Client, request_headers: dict[str, str], refused: bool
) -> None:
    admin.post("/api/project-code/", json={"code": "KEEP-ME"})
    reset = httpx.post(f"{mock.url}/_mock/reset", headers=request_headers)
    state = httpx.get(f"{mock.url}/_mock/state", headers=request_headers)
    kept = [c["code"] for c in admin.get("/api/project-code/").json()]
    if refused:
        for response in (reset, state):
            assert response.status_code == 403
            assert response.headers["content-type"] == "application/json"
            assert "refuses requests from other origins" in response.json()["detail"]
            assert "access-control-allow-origin" not in response.headers
        assert "KEEP-ME" in kept
    else:
        assert reset.status_code == 200 and state.status_code == 200
        assert "KEEP-ME" not in kept


def test_the_control_api_answers_its_own_origin_and_no_preflight(live_server: LiveServer) -> None:
    own = httpx.get(
        f"{live_server.url}/_mock/faults", headers={"Origin": live_server.url, "Sec-Fetch-Site": "same-origin"}
    )
    assert own.status_code == 200
    preflight = httpx.options(
        f"{live_server.url}/_mock/reset", headers={"Origin": FRONTEND, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers


@pytest.fixture(scope="module")
def restricted() -> Iterator[LiveServer]:
    yield from serve(cors_origins=("http://localhost:*", "https://app.example.com"))


def test_cors_origins_restrict_the_api_and_the_login(restricted: LiveServer) -> None:
    with restricted.client(None) as browser:
        for allowed in (FRONTEND, "https://app.example.com"):
            response = browser.get("/api/flags/", headers={"Origin": allowed})
            assert response.headers["access-control-allow-origin"] == allowed
        other = browser.get("/api/flags/", headers={"Origin": "http://evil.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
        preflight = browser.options(
            "/api/flags/", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"}
        )
        assert preflight.status_code == 400
        credentials = {"username": "admin", "password": "inventree"}
        refused = browser.post("/_mock/login", json=credentials, headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403 and "--cors-origin" in refused.json()["detail"]
        assert "sessionid" not in refused.cookies
        accepted = browser.post("/_mock/login", json=credentials, headers={"Origin": FRONTEND})
        assert accepted.status_code == 200 and "sessionid" in accepted.cookies


@pytest.fixture(scope="module")
def exposed() -> Iterator[LiveServer]:
    """As if bound beyond loopback, with the token given by --control-token."""
    yield from serve(host="0.0.0.0", control_token="s3cret-token")


def test_beyond_loopback_the_control_api_needs_the_token(exposed: LiveServer) -> None:
    state = f"{exposed.url}/_mock/state"
    for headers in ({}, {"X-Mock-Token": "guess"}):
        refused = httpx.get(state, headers=headers)
        assert refused.status_code == 403 and "X-Mock-Token" in refused.json()["detail"]
    assert httpx.get(state, headers={"X-Mock-Token": "s3cret-token"}).status_code == 200
    # The token guards the control API only: the API and the session login ask for their own credentials.
    assert httpx.get(f"{exposed.url}/api/units/", auth=ADMIN).status_code == 200
    assert (
        httpx.post(f"{exposed.url}/_mock/login", json={"username": "admin", "password": "inventree"}).status_code == 200
    )


def test_a_token_is_made_up_beyond_loopback_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert with_control_token(Settings()).control_token is None
    assert with_control_token(Settings(host="::1")).control_token is None
    assert with_control_token(Settings(host="10.0.0.5", control_token="mine")).control_token == "mine"
    with caplog.at_level(logging.WARNING, logger="mock_server"):
        app = create_app(Settings(host="0.0.0.0"))
    (token,) = re.findall(r"X-Mock-Token: (\S+)", caplog.text)
    with serving(app) as url:
        assert httpx.get(f"{url}/_mock/faults").status_code == 403
        assert httpx.get(f"{url}/_mock/faults", headers={"X-Mock-Token": token}).status_code == 200


def test_the_swagger_ui_calls_the_mock_it_was_loaded_from(live_server: LiveServer) -> None:
    document = httpx.get(f"{live_server.url}/api/docs/openapi.json").json()
    assert document["servers"] == [{"url": live_server.url}]


@pytest.mark.parametrize(
    ("origins", "allowed", "refused"),
    [
        (("*",), ["http://localhost:3000", "https://x.example"], ["null"]),
        (("http://localhost:*",), ["http://localhost:3000", "http://localhost:8080"], ["http://localhost.evil:1"]),
        (("https://app.example.com",), ["https://app.example.com"], ["https://app.example.com.evil", "http://x"]),
        ((), [], ["http://localhost:3000"]),
    ],
)
def test_origins_pattern(origins: tuple[str, ...], allowed: list[str], refused: list[str]) -> None:
    pattern = re.compile(origins_pattern(origins))
    assert all(pattern.fullmatch(origin) for origin in allowed)
    assert not any(pattern.fullmatch(origin) for origin in refused)
