"""Concurrent writers over HTTP lose nothing: every create is stored once, under its own pk."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.plugins.live_server import ADMIN_TOKEN, LiveServer

WRITERS = 8
CREATES_EACH = 15


def _write(url: str, writer: int) -> list[int]:
    headers = {"Authorization": f"Token {ADMIN_TOKEN}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
        pks = []
        for number in range(CREATES_EACH):
            response = client.post("/api/project-code/", json={"code": f"W{writer}-{number}", "description": "storm"})
            assert response.status_code == 201, response.text
            pks.append(response.json()["pk"])
        return pks


def test_a_create_storm_stores_every_record_exactly_once(mock: LiveServer) -> None:
    with mock.client() as admin:
        before = admin.get("/api/project-code/").json()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        answered = [pk for pks in pool.map(lambda writer: _write(mock.url, writer), range(WRITERS)) for pk in pks]
    with mock.client() as admin:
        after = admin.get("/api/project-code/").json()
    created = [code for code in after if code["description"] == "storm"]
    assert len(answered) == len(set(answered)) == WRITERS * CREATES_EACH
    assert len(after) == len(before) + WRITERS * CREATES_EACH
    assert sorted(code["pk"] for code in created) == sorted(answered)
    assert {code["code"] for code in created} == {f"W{w}-{n}" for w in range(WRITERS) for n in range(CREATES_EACH)}
    assert len({code["pk"] for code in after}) == len(after)
