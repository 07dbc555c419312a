"""contract_tests/auth.py: the server is checked and a token obtained before anything else, or one clear error."""

from __future__ import annotations

import base64

import httpx
import pytest

from contract_tests.auth import TOKEN_NAME, connect
from contract_tests.config import Secret, Settings
from contract_tests.errors import CredentialsRefused, ServerUnreachable

URL = "http://inventree.test"
INFO = {"server": "InvenTree", "version": "0.18.0", "apiVersion": 303}
TOKEN = "inv-0123456789abcdef0123456789abcdef01234567-20991231"


def server(
    *, password: str = "pw", token: str = TOKEN, info: object = INFO, info_status: int = 200
) -> httpx.MockTransport:
    """An InvenTree as far as the three requests of `connect` go."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/":
            return httpx.Response(info_status, json=info)
        if request.url.path == "/api/user/token/":
            expected = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()
            if request.headers.get("authorization") != expected:
                return httpx.Response(401, json={"detail": "Invalid username/password."})
            assert request.url.params["name"] == TOKEN_NAME
            return httpx.Response(200, json={"token": token, "name": TOKEN_NAME, "expiry": "2099-12-31"})
        if request.url.path == "/api/user/me/":
            if request.headers.get("authorization") != f"Token {token}":
                return httpx.Response(401, json={"detail": "Invalid token."})
            return httpx.Response(200, json={"pk": 1, "username": "admin", "is_staff": True})
        return httpx.Response(404, json={"detail": "API endpoint not found"})

    return httpx.MockTransport(handle)


def settings(**options: object) -> Settings:
    return Settings.load({"base_url": URL, **options}, environ={})


def test_username_and_password_are_exchanged_for_a_token() -> None:
    login = connect(settings(username="admin", password="pw"), transport=server())
    assert login.token == Secret(TOKEN)
    assert login.headers() == {"Authorization": f"Token {TOKEN}"}
    assert (login.username, login.is_staff, login.api_version) == ("admin", True, 303)


def test_a_given_token_is_checked_and_used() -> None:
    login = connect(settings(token=TOKEN), transport=server())
    assert login.token == Secret(TOKEN) and login.server == "InvenTree 0.18.0"


def test_a_refused_password_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(CredentialsRefused, match="refused the username and password of 'admin'") as caught:
        connect(settings(username="admin", password="wrong"), transport=server())
    assert "wrong" not in str(caught.value) and "Invalid username/password." in str(caught.value)


def test_a_refused_token_is_one_clear_error() -> None:
    with pytest.raises(CredentialsRefused, match=r"refused the token \(401 Invalid token.\)"):
        connect(settings(token="inv-nonsense"), transport=server())


def test_a_server_that_is_not_inventree_is_refused() -> None:
    with pytest.raises(ServerUnreachable, match="not like an InvenTree server"):
        connect(settings(token=TOKEN), transport=server(info={"hello": "world"}))
    with pytest.raises(ServerUnreachable, match="answered 404"):
        connect(settings(token=TOKEN), transport=server(info_status=404))


def test_a_server_that_is_down_is_one_clear_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(ServerUnreachable, match=r"cannot reach http://inventree.test: Connection refused"):
        connect(settings(token=TOKEN), transport=httpx.MockTransport(refuse))


def test_a_server_that_does_not_answer_in_time_is_one_clear_error() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ServerUnreachable, match=r"did not answer within 10\.0s"):
        connect(settings(token=TOKEN), transport=httpx.MockTransport(hang))
