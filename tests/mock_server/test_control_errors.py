"""The control API answers its errors in InvenTree's shapes, never Starlette's plain text."""

from __future__ import annotations

import httpx


def test_a_wrong_method_is_drfs_405_with_allow(anonymous: httpx.Client) -> None:
    response = anonymous.get("/_mock/reset")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}
    assert response.headers["allow"] == "POST"
    schema = anonymous.post("/api/schema/")
    assert schema.status_code == 405 and schema.json() == {"detail": 'Method "POST" not allowed.'}
    assert schema.headers["allow"] == "GET, HEAD"


def test_an_unknown_control_path_is_a_json_404(anonymous: httpx.Client) -> None:
    response = anonymous.get("/_mock/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
