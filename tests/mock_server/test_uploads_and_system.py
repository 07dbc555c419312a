"""Notes images, and the server-facts and plugin endpoints."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re

import httpx
import pytest
from PIL import Image

from tests.plugins.live_server import LiveServer


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_uploaded_image_is_served_back(mock: LiveServer, admin: httpx.Client) -> None:
    response = admin.post("/api/notes-image-upload/", files={"image": ("plan.png", png(), "image/png")})
    assert response.status_code == 201
    body = response.json()
    assert body["image"] == "/media/notes/plan.png" and body["user"] == 1
    served = httpx.get(mock.url + body["image"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == png()
    again = admin.post("/api/notes-image-upload/", files={"image": ("plan.png", png("blue"), "image/png")}).json()
    # Django's storage: `_` and seven random letters or digits before the suffix.
    assert re.fullmatch(r"/media/notes/plan_[A-Za-z0-9]{7}\.png", again["image"])
    assert [i["pk"] for i in admin.get("/api/notes-image-upload/").json()] == [1, 2]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"image": ("notes.txt", b"not an image", "text/plain")}, "Upload a valid image."),
        ({"other": ("x.png", png(), "image/png")}, "No file was submitted."),
        ({"image": ("empty.png", b"", "image/png")}, "The submitted file is empty."),
    ],
)
def test_uploads_that_are_not_images(
    admin: httpx.Client, files: dict[str, tuple[str, bytes, str]], message: str
) -> None:
    response = admin.post("/api/notes-image-upload/", files=files)
    assert response.status_code == 400
    assert response.json()["image"][0].startswith(message)


def test_an_image_field_in_json_is_not_a_file(admin: httpx.Client) -> None:
    response = admin.post("/api/notes-image-upload/", json={"image": "http://example.com/a.png"})
    assert response.json() == {"image": ["The submitted data was not a file. Check the encoding type on the form."]}
    assert admin.post("/api/notes-image-upload/", json={"image": None}).json() == {
        "image": ["This field may not be null."]
    }


@pytest.mark.parametrize("sent", ["x", True, [1], 5], ids=["text", "boolean", "list", "number"])
def test_metadata_that_is_not_an_object_is_refused_in_inventrees_words(admin: httpx.Client, sent: object) -> None:
    refused = {"metadata": ["Metadata must be a python dict object"]}
    assert admin.put("/api/project-code/1/metadata/", json={"metadata": sent}).json() == refused
    assert admin.patch("/api/project-code/1/metadata/", json={"metadata": sent}).json() == refused
    assert admin.put("/api/project-code/1/metadata/", json={"metadata": None}).json() == {
        "metadata": ["This field may not be null."]
    }


def test_currency_exchange_and_refresh(admin: httpx.Client, reader: httpx.Client) -> None:
    before = reader.get("/api/currency/exchange/").json()
    assert before["base_currency"] == "USD" and before["exchange_rates"]["EUR"] == 0.92
    assert reader.post("/api/currency/refresh/").status_code == 403
    assert admin.post("/api/currency/refresh/").json() == {"success": "Exchange rates updated"}
    assert reader.get("/api/currency/exchange/").json()["updated"] > before["updated"]


def test_flags(anonymous: httpx.Client, admin: httpx.Client) -> None:
    assert anonymous.get("/api/flags/").json() == [
        {"key": "EXPERIMENTAL", "state": False},
        {"key": "NEXT_GEN", "state": False},
    ]
    assert admin.get("/api/flags/NEXT_GEN/").json() == {
        "key": "NEXT_GEN",
        "state": False,
        "conditions": [{"condition": "parameter", "value": "ngen="}],
    }
    assert anonymous.get("/api/flags/NOPE/").json() == {"detail": "Not found."}
    assert anonymous.get("/api/flags/", params={"limit": 1}).json()["count"] == 2


def test_ui_preference_is_kept_per_user(admin: httpx.Client, reader: httpx.Client) -> None:
    assert admin.put("/api/web/ui_preference/", json={"preferred_method": "cui"}).json() == {
        "preferred_method": "cui",
        "pui": False,
        "cui": True,
    }
    assert admin.get("/api/web/ui_preference/").json()["preferred_method"] == "cui"
    assert reader.get("/api/web/ui_preference/").json()["preferred_method"] == "pui"


def test_version_license_and_history(admin: httpx.Client) -> None:
    version = admin.get("/api/version/").json()
    assert version["version"]["api"] == 303 and set(version["links"]) == {"doc", "code", "credit", "app", "bug"}
    licenses = admin.get("/api/license/").json()
    assert {"backend", "frontend"} == set(licenses) and licenses["backend"][0]["name"] == "Django"
    history = admin.get("/api/version-text", params={"limit": 2}).json()
    assert history["count"] == 4 and history["results"][0]["latest"] is True


def test_status_codes(admin: httpx.Client) -> None:
    everything = admin.get("/api/generic/status/").json()
    assert {"StockStatus", "BuildStatus", "LabelPrinterStatus"} <= set(everything)
    one = admin.get("/api/generic/status/StockStatus/").json()
    assert one["status_class"] == "StockStatus" and one["values"]["OK"]["key"] == 10
    assert admin.get("/api/generic/status/Nope/").status_code == 400


def test_admin_configuration(admin: httpx.Client) -> None:
    keys = [c["key"] for c in admin.get("/api/admin/config/").json()]
    assert "INVENTREE_DEBUG" in keys
    debug = admin.get("/api/admin/config/INVENTREE_DEBUG/").json()
    assert debug["source"] == "env" and debug["accessed"].startswith("2026-11-22T08:00:01.")
    assert admin.get("/api/admin/config/NOPE/").status_code == 404


def test_content_types_by_id_and_model(admin: httpx.Client) -> None:
    # The fixtures hold a real InvenTree 0.18's content types, numbered as its migrations numbered them.
    project_code = {
        "pk": 14,
        "app_label": "common",
        "model": "projectcode",
        "app_labeled_name": "common | Project Code",
        "is_plugin": False,
    }
    assert admin.get("/api/contenttype/14/").json() == project_code
    assert admin.get("/api/contenttype/projectcode/").json() == project_code
    assert admin.get("/api/contenttype/nothing/").json() == {"detail": "Not found."}
    assert admin.get("/api/contenttype/", params={"limit": 3}).json()["count"] == 99


def test_search_answers_the_models_asked_for(admin: httpx.Client) -> None:
    found = admin.post("/api/search/", json={"search": "screw", "part": {}, "stockitem": {}, "limit": 5}).json()
    assert set(found) == {"part", "stockitem"}
    assert found["part"]["count"] == 1 and found["part"]["results"][0]["name"] == "M3x8 screw"
    whole = admin.post("/api/search/", json={"search": "M3", "search_whole": True, "part": {}, "limit": 5}).json()
    assert whole["part"]["count"] == 1
    regex = admin.post("/api/search/", json={"search": "^M3", "search_regex": True, "part": {}, "limit": 5}).json()
    assert regex["part"]["count"] == 2
    assert admin.post("/api/search/", json={"part": {}}).json() == {"search": "Search term must be provided"}


def test_action_and_locate_plugins(admin: httpx.Client) -> None:
    done = admin.post("/api/action/", json={"action": "simple", "data": {"x": 1}}).json()
    assert done == {"action": "simple", "result": True, "info": {"user": "admin", "data": {"x": 1}}}
    assert admin.post("/api/action/", json={"action": "nope", "data": {}}).json() == {
        "error": "No matching action found",
        "action": "nope",
    }
    located = admin.post("/api/locate/", json={"plugin": "samplelocate", "location": 2}).json()
    assert located == {"success": "Identification plugin activated", "plugin": "samplelocate", "location": 2}
    assert admin.post("/api/locate/", json={"plugin": "samplelocate", "item": 404}).status_code == 404
    assert admin.post("/api/locate/", json={"plugin": "inventreebarcode", "item": 1}).status_code == 400


def test_webhooks(mock: LiveServer, anonymous: httpx.Client) -> None:
    ok = anonymous.post("/api/webhook/deploy-hook/", json={"event": "x"}, headers={"Token": "s3cr3t-webhook-token"})
    assert ok.status_code == 200 and ok.text == "Message was received."
    assert anonymous.post("/api/webhook/deploy-hook/", json={}).json() == {"detail": "Incorrect token in header."}
    assert anonymous.post("/api/webhook/unknown/", json={}).status_code == 404
    assert (
        anonymous.post(
            "/api/webhook/open-hook/", content=b"{", headers={"Content-Type": "application/json"}
        ).status_code
        == 406
    )
    messages = httpx.get(f"{mock.url}/_mock/state").json()["webhook_messages"]
    assert [m["body"] for m in messages] == [{"event": "x"}]


def test_webhook_with_an_hmac_signature(mock: LiveServer, anonymous: httpx.Client) -> None:
    body = b'{"signed": true}'
    secret = b"hmac-secret"
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    headers = {"Content-Type": "application/json"}
    signed = anonymous.post("/api/webhook/signed-hook/", content=body, headers={**headers, "Token": signature})
    assert signed.status_code == 200
    forged = anonymous.post("/api/webhook/signed-hook/", content=body, headers={**headers, "Token": "forged"})
    assert forged.status_code == 403
    messages = httpx.get(f"{mock.url}/_mock/state").json()["webhook_messages"]
    assert [m["endpoint"] for m in messages] == ["signed-hook"]


def test_login_email_is_sent_only_to_known_addresses(mock: LiveServer, admin: httpx.Client) -> None:
    assert admin.post("/api/email/generate/", json={"email": "reader@example.com"}).json() == {"status": "ok"}
    assert admin.post("/api/email/generate/", json={"email": "stranger@example.com"}).json() == {"status": "ok"}
    outbox = httpx.get(f"{mock.url}/_mock/state").json()["emails"]
    assert [m["to"] for m in outbox] == ["reader@example.com"]
