"""A real headless Chromium: a frontend served from another origin uses the session login, and cannot drive the mock.

The frontend page comes from a second loopback server on another port (another origin, the same
site, as a dev server on localhost:5173 beside the mock on localhost:8000). Needs Chromium from the
distribution's packages at /usr/bin/chromium and the `playwright` package (never its own browser
downloads): `scripts/install-browser` installs both. Slow: a browser's start takes seconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.plugins.live_server import ADMIN, LiveServer, serve, serving

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the skip below says what to install
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        sync_playwright is None or not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium) and the playwright package "
        "(pip install playwright); scripts/install-browser installs both",
    ),
]


async def frontend_page(request: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><html><head><title>frontend</title></head><body>frontend</body></html>")


@pytest.fixture(scope="module")
def mock_server() -> Iterator[LiveServer]:
    yield from serve()


@pytest.fixture(scope="module")
def frontend() -> Iterator[str]:
    """A second loopback server, on another port: the frontend's origin."""
    with serving(Starlette(routes=[Route("/", frontend_page)])) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, frontend: str, mock_server: LiveServer) -> Iterator[Page]:
    mock_server.reset()
    httpx.delete(f"{mock_server.url}/_mock/faults").raise_for_status()
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(frontend)
    try:
        yield page
    finally:
        context.close()


SESSION_FLOW = """async (mock) => {
  const json = {'Content-Type': 'application/json'};
  const anonymous = await fetch(mock + '/api/user/me/');
  const login = await fetch(mock + '/_mock/login', {method: 'POST', credentials: 'include', headers: json,
    body: JSON.stringify({username: 'admin', password: 'inventree'})});
  const {csrftoken} = await login.json();
  const me = await fetch(mock + '/api/user/me/', {credentials: 'include'});
  const created = await fetch(mock + '/api/project-code/', {method: 'POST', credentials: 'include',
    headers: {...json, 'X-CSRFToken': csrftoken}, body: JSON.stringify({code: 'FROM-BROWSER'})});
  const faulted = await fetch(mock + '/api/units/', {credentials: 'include', headers: {'Prefer': 'code=503'}});
  return {
    anonymous: anonymous.status, login: login.status, me: (await me.json()).username,
    created: created.status, faulted: faulted.status, faultBody: await faulted.json(),
    faultHeader: faulted.headers.get('X-Mock-Fault'), origin: location.origin,
  };
}"""

CONTROL_FROM_PAGE = """async (mock) => {
  const outcome = async (call) => { try { return 'read ' + (await call()).status; } catch (e) { return e.name; } };
  return {
    state: await outcome(() => fetch(mock + '/_mock/state', {credentials: 'include'})),
    reset: await outcome(() => fetch(mock + '/_mock/reset', {method: 'POST'})),
    resetNoCors: (await fetch(mock + '/_mock/reset', {method: 'POST', mode: 'no-cors'})).type,
  };
}"""


def test_a_frontend_on_another_origin_uses_the_session_login(page: Page, mock_server: LiveServer) -> None:
    result: dict[str, Any] = page.evaluate(SESSION_FLOW, mock_server.url)
    assert result["origin"] != mock_server.url
    assert result["anonymous"] == 401
    assert result["login"] == 200
    assert result["me"] == "admin"
    assert result["created"] == 201
    assert result["faulted"] == 503 and result["faultBody"] == {"detail": "Service Unavailable"}
    assert result["faultHeader"] == "status=503; rules=prefer"
    with httpx.Client(base_url=mock_server.url, auth=ADMIN) as admin:
        assert "FROM-BROWSER" in [code["code"] for code in admin.get("/api/project-code/").json()]
    (entry,) = httpx.get(f"{mock_server.url}/_mock/requests", params={"method": "POST", "path": "/api/"}).json()
    assert entry["user"] == "admin" and entry["request"]["headers"]["origin"] == result["origin"]


def test_a_page_on_another_origin_cannot_drive_the_control_api(page: Page, mock_server: LiveServer) -> None:
    with httpx.Client(base_url=mock_server.url, auth=ADMIN) as admin:
        admin.post("/api/project-code/", json={"code": "KEEP-ME"}).raise_for_status()
    with page.expect_response(f"{mock_server.url}/_mock/reset") as reset:
        result = page.evaluate(CONTROL_FROM_PAGE, mock_server.url)
    # The page can neither read the control API nor, with a simple or an opaque POST, reset the state.
    assert result == {"state": "TypeError", "reset": "TypeError", "resetNoCors": "opaque"}
    assert reset.value.status == 403
    with httpx.Client(base_url=mock_server.url, auth=ADMIN) as admin:
        assert "KEEP-ME" in [code["code"] for code in admin.get("/api/project-code/").json()]


def test_a_dropped_connection_is_a_network_error_in_the_page(page: Page, mock_server: LiveServer) -> None:
    httpx.post(f"{mock_server.url}/_mock/faults", json={"operation": "flags_list", "drop": True}).raise_for_status()
    outcome = page.evaluate(
        "async (mock) => { try { return 'answered ' + (await fetch(mock + '/api/flags/')).status; }"
        " catch (e) { return e.name; } }",
        mock_server.url,
    )
    assert outcome == "TypeError"


def test_the_swagger_ui_offers_the_mock_it_was_loaded_from(page: Page, mock_server: LiveServer) -> None:
    page.goto(f"{mock_server.url}/api/docs/")
    servers = page.locator(".servers select")
    servers.wait_for()
    assert servers.input_value() == mock_server.url
    assert servers.locator("option").all_inner_texts() == [mock_server.url]
