"""Authentication and permissions, with InvenTree's exact 401 and 403 answers."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server import Settings, create_app
from tests.plugins.live_server import ADMIN_TOKEN, LiveServer, serving

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

SESSION = "5e551014ad3141c0a1b2c3d4e5f60718"
CSRF = "c5rfc5rfc5rfc5rfc5rfc5rfc5rfc5rf"


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer abc", "Authentication credentials were not provided."),
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
        ("Token wrong", "Invalid token."),
        ("Basic " + base64.b64encode(b"admin:wrong").decode(), "Invalid username/password."),
        # DRF's base64 decoding drops what is not base64: "!!!" is empty credentials, "ab!" bad padding.
        ("Basic !!!", "Invalid username/password."),
        ("Basic ab!", "Invalid basic header. Credentials not correctly base64 encoded."),
        # Django's backends refuse an inactive user, so DRF never reaches its own "User inactive" check.
        ("Basic " + base64.b64encode(b"former:departed").decode(), "Invalid username/password."),
        ("Basic YWRtaW4", "Invalid basic header. Credentials not correctly base64 encoded."),  # bad padding
        ("Basic " + base64.b64encode("ädmin:pässword".encode()).decode(), "Invalid username/password."),
        ("Basic " + base64.b64encode("admin:pässword".encode()).decode(), "Invalid username/password."),
        ("Basic " + base64.b64encode("ädmin:pässword".encode("latin-1")).decode(), "Invalid username/password."),
        ("Token \xe9t\xe9", "Invalid token header. Token string should not contain invalid characters."),
        ("Token\xa0abc", "Authentication credentials were not provided."),  # DRF splits on ASCII space only
    ],
)
def test_401_bodies(anonymous: httpx.Client, authorization: str | None, detail: str) -> None:
    headers = {"Authorization": authorization.encode("latin-1")} if authorization else {}
    response = anonymous.get("/api/units/", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response.headers["www-authenticate"] == "Token"


def test_basic_credentials_as_djangos_backends_take_them(anonymous: httpx.Client) -> None:
    # allauth's backend finds the username case-insensitively; DRF decodes base64 leniently.
    assert anonymous.get("/api/user/me/", auth=("ADMIN", "inventree")).json()["username"] == "admin"
    lenient = "Basic " + base64.b64encode(b"admin:inventree").decode() + "!!"
    assert anonymous.get("/api/user/me/", headers={"Authorization": lenient}).status_code == 200
    assert anonymous.get("/api/user/me/", auth=("admin", "INVENTREE")).status_code == 401


def test_revoked_and_expired_tokens_in_inventrees_words(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURES, tmp_path / "fixtures")
    tokens = yaml.safe_load((folder / "tokens.yaml").read_text(encoding="utf-8"))
    tokens += [
        {"key": "inv-revoked", "user": 1, "name": "old", "expiry": "2099-12-31", "revoked": True},
        {"key": "inv-expired", "user": 1, "name": "older", "expiry": "2000-01-01", "revoked": False},
    ]
    (folder / "tokens.yaml").write_text(yaml.safe_dump(tokens), encoding="utf-8")
    with serving(create_app(Settings(fixtures=folder))) as url, httpx.Client(base_url=url) as client:
        for key, detail in (("inv-revoked", "Token has been revoked"), ("inv-expired", "Token has expired")):
            response = client.get("/api/units/", headers={"Authorization": f"Token {key}"})
            assert (response.status_code, response.json()) == (401, {"detail": detail})


def test_token_and_basic_both_work(anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/units/", headers={"Authorization": f"Token {ADMIN_TOKEN}"}).status_code == 200
    assert anonymous.get("/api/units/", auth=("reader", "readonly")).status_code == 200


def test_token_endpoint_returns_the_same_token_per_name(anonymous: httpx.Client) -> None:
    first = anonymous.get("/api/user/token/", auth=("admin", "inventree")).json()
    assert first["token"].startswith("inv-") and len(first["token"].split("-")[1]) == 40
    assert first["name"] == ""
    again = anonymous.get("/api/user/token/", auth=("admin", "inventree")).json()
    assert again["token"] == first["token"]
    other = anonymous.get("/api/user/token/", params={"name": "ci"}, auth=("admin", "inventree")).json()
    assert other["token"] != first["token"] and other["name"] == "ci"
    me = anonymous.get("/api/user/me/", headers={"Authorization": f"Token {first['token']}"})
    assert me.json()["username"] == "admin"


def test_session_cookie_reads_and_needs_csrf_to_write(mock: LiveServer) -> None:
    with httpx.Client(base_url=mock.url, cookies={"sessionid": SESSION}) as browser:
        assert browser.get("/api/user/me/").json()["username"] == "admin"
        refused = browser.post("/api/project-code/", json={"code": "SESSION-1"})
        assert refused.status_code == 403
        assert refused.json()["detail"].startswith("CSRF Failed:")
        browser.cookies.set("csrftoken", CSRF)
        missing = browser.post("/api/project-code/", json={"code": "SESSION-1"})
        assert missing.json() == {"detail": "CSRF Failed: CSRF token missing."}
        accepted = browser.post("/api/project-code/", json={"code": "SESSION-1"}, headers={"X-CSRFToken": CSRF})
        assert accepted.status_code == 201


def test_login_through_the_control_api_starts_a_session(mock: LiveServer) -> None:
    with httpx.Client(base_url=mock.url) as browser:
        login = browser.post("/_mock/login", json={"username": "reader", "password": "readonly"})
        assert login.status_code == 200
        assert browser.get("/api/user/me/").json()["username"] == "reader"
        assert browser.post("/_mock/login", json={"username": "reader", "password": "x"}).status_code == 400


@pytest.mark.parametrize("path", ["/api/version/", "/api/admin/config/", "/api/error-report/"])
def test_staff_only_endpoints_refuse_others(reader: httpx.Client, admin: httpx.Client, path: str) -> None:
    refused = reader.get(path)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    assert admin.get(path).status_code == 200


def test_anonymous_endpoints(anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/flags/").status_code == 200
    assert anonymous.get("/api/web/ui_preference/").status_code == 200
    assert anonymous.get("/api/units/").status_code == 401
    info = anonymous.get("/api/").json()
    assert info["server"] == "InvenTree" and info["apiVersion"] == 303
    assert info["database"] is None


def test_invalid_credentials_are_refused_even_where_anonymous_is_allowed(anonymous: httpx.Client) -> None:
    response = anonymous.get("/api/flags/", headers={"Authorization": "Token wrong"})
    assert response.status_code == 401


def test_server_info_for_authenticated_callers(admin: httpx.Client) -> None:
    assert admin.get("/api/").json()["database"] == "sqlite3"
