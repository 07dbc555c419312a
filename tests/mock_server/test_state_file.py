"""`--state FILE` end to end: restarts, `kill -9` in the middle of writes, reset, media, worker processes."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server.settings import DEFAULT_FIXTURES
from tests.mock_server.test_uploads_and_system import png
from tests.plugins.live_server import ADMIN_TOKEN
from tests.plugins.mock_process import MockProcess, free_port, mock_process, wait_until

FIXTURE_CODES = 6  # project codes in fixtures/project_codes.yaml


def codes(client: httpx.Client) -> list[dict[str, object]]:
    response = client.get("/api/project-code/")
    assert response.status_code == 200, response.text
    answer: list[dict[str, object]] = response.json()
    return answer


def test_a_restart_keeps_writes_media_and_the_next_key(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with mock_process(["--state", str(state)], tmp_path / "first.log") as mock, mock.client() as admin:
        assert "(new: seeded from the fixtures" in mock.log()
        created = admin.post("/api/project-code/", json={"code": "KEEP-1", "description": "kept"}).json()
        admin.patch("/api/project-code/1/", json={"description": "changed"}).raise_for_status()
        admin.delete("/api/project-code/2/").raise_for_status()
        image = admin.post("/api/notes-image-upload/", files={"image": ("dot.png", png(), "image/png")}).json()
    with mock_process(["--state", str(state)], tmp_path / "second.log") as mock, mock.client() as admin:
        assert "existing file, used as is" in mock.log()
        after = {code["pk"]: code for code in codes(admin)}
        assert after[created["pk"]]["code"] == "KEEP-1"
        assert after[1]["description"] == "changed"
        assert 2 not in after
        assert admin.get(image["image"]).content == png()
        # Keys go on after the highest ever handed out, as before the restart.
        assert admin.post("/api/project-code/", json={"code": "KEEP-2"}).json()["pk"] == created["pk"] + 1


def test_reset_and_fresh_state_put_the_file_back_to_the_fixtures(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with mock_process(["--state", str(state)], tmp_path / "first.log") as mock, mock.client() as admin:
        admin.post("/api/project-code/", json={"code": "GONE-1"}).raise_for_status()
        admin.request("DELETE", "/api/error-report/", json={"items": [1, 2]}).raise_for_status()
        admin.delete("/api/project-code/3/").raise_for_status()
        httpx.post(f"{mock.url}/_mock/reset").raise_for_status()
        assert len(codes(admin)) == FIXTURE_CODES
    with mock_process(["--state", str(state)], tmp_path / "second.log") as mock, mock.client() as admin:
        assert sorted(code["code"] for code in codes(admin)) == sorted(
            ["PRJ-001", "PRJ-002", "RND-042", "MNT-2024", "prj-001", "OPS-7"]
        )
        assert [report["pk"] for report in admin.get("/api/error-report/").json()] == [3, 2, 1]
        admin.post("/api/project-code/", json={"code": "OLD-1"}).raise_for_status()
    with mock_process(["--state", str(state), "--fresh-state"], tmp_path / "third.log") as mock, mock.client() as admin:
        assert len(codes(admin)) == FIXTURE_CODES


def test_without_a_state_file_the_state_is_in_memory_and_gone_at_a_restart(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with mock_process([], tmp_path / "first.log", cwd=work) as mock, mock.client() as admin:
        assert "State: in memory" in mock.log()
        admin.post("/api/project-code/", json={"code": "MEM-1"}).raise_for_status()
        assert len(codes(admin)) == FIXTURE_CODES + 1
    assert list(work.iterdir()) == [], "no file is written without --state"
    with mock_process([], tmp_path / "second.log", cwd=work) as mock, mock.client() as admin:
        assert len(codes(admin)) == FIXTURE_CODES


WRITERS = 8
PAIRS_EACH = 4


@pytest.mark.slow  # two starts and a write storm: several seconds
def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """Creates and two-record bulk deletes race a `kill -9`; after the restart each answered write is
    there, and each bulk delete happened whole or not at all."""
    state = tmp_path / "state.sqlite3"
    fixtures = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, fixtures)
    # Error reports for the bulk deletes to remove, two at a time (the API cannot create them).
    pairs = [(number * 2 + 1, number * 2 + 2) for number in range(WRITERS * PAIRS_EACH)]
    reports = [
        {"pk": pk, "when": "2026-11-18T10:11:12Z", "info": f"Error {pk}", "data": None, "path": None}
        for pair in pairs
        for pk in pair
    ]
    (fixtures / "error_reports.yaml").write_text(yaml.safe_dump(reports), encoding="utf-8")
    acknowledged: list[str] = []
    deleted_pairs: list[tuple[int, int]] = []
    lock = threading.Lock()
    args = ["--state", str(state), "--fixtures", str(fixtures), "--quiet"]
    mock = MockProcess(args, tmp_path / "first.log").wait_ready()
    try:
        killed = threading.Event()

        def write(writer: int) -> None:
            headers = {"Authorization": f"Token {ADMIN_TOKEN}"}
            with httpx.Client(base_url=mock.url, headers=headers, timeout=10.0) as client:
                for number in range(200):  # bounded: the kill comes long before
                    if killed.is_set():
                        return
                    code = f"K{writer}-{number}"
                    # Every third request a bulk delete of one pair, while this writer has pairs left.
                    slot = number // 3
                    pair = pairs[writer * PAIRS_EACH + slot] if number % 3 == 2 and slot < PAIRS_EACH else None
                    try:
                        if pair is not None:
                            answer = client.request("DELETE", "/api/error-report/", json={"items": list(pair)})
                            if answer.status_code == 204:
                                with lock:
                                    deleted_pairs.append(pair)
                            continue
                        answer = client.post("/api/project-code/", json={"code": code, "description": "acked"})
                    except httpx.TransportError:
                        return
                    if answer.status_code == 201:
                        with lock:
                            acknowledged.append(code)

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            futures = [pool.submit(write, writer) for writer in range(WRITERS)]
            wait_until(lambda: len(acknowledged) >= 60, "60 acknowledged creates", timeout=60)
            mock.kill_hard()
            killed.set()
            for future in futures:
                future.result()
    finally:
        mock.stop()
    assert sqlite3.connect(state).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with mock_process(args, tmp_path / "second.log") as restarted, restarted.client() as admin:
        stored = {code["code"]: code for code in codes(admin)}
        present = {report["pk"] for report in admin.get("/api/error-report/").json()}
    assert not [code for code in acknowledged if code not in stored], "acknowledged creates lost"
    # Every record of the storm is whole, answered or not (a create the kill cut off is absent).
    storm = [code for name, code in stored.items() if name.startswith("K")]
    assert len(storm) >= len(acknowledged)
    assert all(code["description"] == "acked" and code["pk"] for code in storm)
    for pair in pairs:
        assert (pair[0] in present) == (pair[1] in present), f"bulk delete of {pair} half done"
    assert deleted_pairs, "no bulk delete was answered before the kill"
    for pair in deleted_pairs:
        assert pair[0] not in present and pair[1] not in present


CREATES_EACH = 10


@pytest.mark.slow  # three worker processes and a create storm: several seconds
def test_a_create_storm_across_worker_processes_stores_each_record_once(tmp_path: Path) -> None:
    workers = 3
    args = ["--state", str(tmp_path / "state.sqlite3"), "--workers", str(workers), "--log-level", "info", "--quiet"]
    with mock_process(args, tmp_path / "workers.log") as mock:
        mock.wait_for_log("Started server process", count=workers)
        # Each worker answers lists before the storm, so that each keeps a list cached for the old state.
        for _ in range(workers * 3):
            with mock.client() as admin:
                assert len(codes(admin)) == FIXTURE_CODES

        def write(writer: int) -> list[int]:
            pks = []
            for number in range(CREATES_EACH):
                # A new connection each time, so that every worker takes its share.
                answer = httpx.post(
                    f"{mock.url}/api/project-code/",
                    json={"code": f"W{writer}-{number}", "description": "storm"},
                    headers={"Authorization": f"Token {ADMIN_TOKEN}"},
                    timeout=30.0,
                )
                assert answer.status_code == 201, answer.text
                pks.append(answer.json()["pk"])
            return pks

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            answered = [pk for pks in pool.map(write, range(WRITERS)) for pk in pks]
        assert len(answered) == len(set(answered)) == WRITERS * CREATES_EACH
        # Every worker's cached list sees the others' writes: ask on fresh connections, several times.
        for _ in range(workers * 3):
            with mock.client() as admin:
                after = codes(admin)
            assert len(after) == FIXTURE_CODES + WRITERS * CREATES_EACH
            assert len({code["pk"] for code in after}) == len(after)
            assert sorted(code["pk"] for code in after if code["description"] == "storm") == sorted(answered)


def test_workers_without_a_state_file_is_one_line(tmp_path: Path) -> None:
    process = MockProcess(["--workers", "2"], tmp_path / "out.log", port=free_port())
    assert process.process.wait(60) == 1
    assert process.log().strip() == (
        "ValueError: --workers needs --state FILE: worker processes share their state through that file"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"not a database at all, just text" * 200, "file is not a database"), (None, "not a mock state file")],
)
def test_a_file_that_is_no_state_file_is_one_line(tmp_path: Path, content: bytes | None, words: str) -> None:
    state = tmp_path / "other.sqlite3"
    if content is None:
        sqlite3.connect(state).execute("CREATE TABLE things (x)").connection.commit()
    else:
        state.write_bytes(content)
    process = MockProcess(["--state", str(state)], tmp_path / "out.log")
    assert process.process.wait(60) == 1
    line = process.log().strip().splitlines()[-1]
    assert line.startswith(f"StateFileError: --state {state}: ") and words in line and "choose another file" in line
