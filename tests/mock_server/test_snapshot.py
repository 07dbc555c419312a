"""`python -m mock_server snapshot`: a live mock read into fixtures serves the same answers (round trip);
an invalid snapshot is refused before anything is written; references outside it are cleared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server import Settings, create_app
from mock_server.resources.handlers import build_registry
from mock_server.settings import DEFAULT_FIXTURES
from mock_server.snapshot.cli import main as snapshot_main
from mock_server.snapshot.reader import Reader, SnapshotError
from mock_server.snapshot.writer import take_snapshot
from mock_server.state.fixtures import load_fixtures
from spec import load_spec
from tests.plugins.live_server import ADMIN, LiveServer, serving

# What a frontend reads of every family the snapshot takes.
ANSWERS = (
    "/api/",
    "/api/project-code/",
    "/api/project-code/1/metadata/",
    "/api/units/",
    "/api/notifications/",
    "/api/news/",
    "/api/error-report/",
    "/api/machine/",
    "/api/machine/types/",
    "/api/machine/drivers/",
    "/api/machine/status/",
    "/api/machine/0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01/settings/",
    "/api/machine/4e2d9b17-3c5a-4f80-8d6e-2a1b7c9e5f02/settings/",
    "/api/flags/",
    "/api/version/",
    "/api/version-text",
    "/api/admin/config/",
    "/api/generic/status/",
    "/api/currency/exchange/",
    "/api/contenttype/",
    "/api/license/",
)
# Computed from the clock at each request.
CLOCK_FIELDS = {"age", "age_human"}


def answers(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, auth=ADMIN, timeout=30.0) as client:
        return {path: _without_clock(client.get(path).json()) for path in ANSWERS}


def _without_clock(answer: Any) -> Any:
    if isinstance(answer, list):
        return [_without_clock(item) for item in answer]
    if isinstance(answer, dict):
        return {k: _without_clock(v) for k, v in answer.items() if k not in CLOCK_FIELDS}
    return answer


@pytest.fixture
def source() -> Iterator[str]:
    """A mock of its own: the snapshot reads it while other tests may change the shared one."""
    with serving(create_app(Settings())) as url:
        yield url


def test_a_snapshot_of_a_mock_serves_the_same_answers(source: str, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    with httpx.Client(base_url=source, auth=ADMIN) as client:
        token = client.get("/api/user/token/", params={"name": "snapshot"}).json()["token"]
    assert snapshot_main(["--from", source, "--token", token, "--out", str(out)]) == 0
    # Every file holds to the contract, as the mock checks fixtures when it starts.
    assert load_fixtures(out, build_registry().tables, load_spec())["project_codes"]
    with serving(create_app(Settings(fixtures=out))) as served:
        assert answers(served) == answers(source)
    written = "".join(file.read_text(encoding="utf-8") for file in out.glob("*.yaml"))
    assert token not in written
    # The mock's known credentials stay: the users and tokens files are the base's, unchanged.
    for name in ("users.yaml", "tokens.yaml", "webhooks.yaml"):
        assert (out / name).read_bytes() == (DEFAULT_FIXTURES / name).read_bytes()


def _altered(url: str, path: str, change: Callable[[Any], Any]) -> httpx.MockTransport:
    """A transport to `url` whose answer to `path` is changed: a server that answers what the mock never would."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = httpx.request(request.method, f"{url}{request.url.raw_path.decode()}", headers=request.headers)
        if request.url.path == path and answer.status_code == 200:
            return httpx.Response(200, json=change(answer.json()))
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    return httpx.MockTransport(handle)


def test_an_invalid_snapshot_is_refused_in_one_line_and_nothing_is_written(source: str, tmp_path: Path) -> None:
    transport = _altered(source, "/api/units/", lambda units: [{**units[0], "definition": 42}, *units[1:]])
    reader = Reader(source, username="admin", password="inventree", transport=transport)
    out = tmp_path / "snap"
    with pytest.raises(SnapshotError) as refused:
        take_snapshot(reader, out, DEFAULT_FIXTURES)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"refused, nothing written: {out}/custom_units.yaml: record 1 (pk 1): field 'definition'")
    assert not out.exists()


def test_references_outside_the_snapshot_are_cleared(source: str, tmp_path: Path) -> None:
    def outside(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**code, "responsible": 99, "responsible_detail": None} if code["pk"] == 1 else code for code in codes]

    reader = Reader(
        source, username="admin", password="inventree", transport=_altered(source, "/api/project-code/", outside)
    )
    out = tmp_path / "snap"
    lines = take_snapshot(reader, out, DEFAULT_FIXTURES)
    assert "project_codes: cleared 1 'responsible' value(s) naming owners outside the snapshot" in lines
    with serving(create_app(Settings(fixtures=out))) as served:
        assert httpx.get(f"{served}/api/project-code/1/", auth=ADMIN).json()["responsible"] is None


def test_a_setting_read_by_one_name_only_is_kept(source: str, tmp_path: Path) -> None:
    # InvenTree/config.py records INVENTREE_DOCKER (read by environment variable alone) with config_key None.
    def one_name(config: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**config[0], "config_key": None}, *config[1:]]

    transport = _altered(source, "/api/admin/config/", one_name)
    reader = Reader(source, username="admin", password="inventree", transport=transport)
    out = tmp_path / "snap"
    take_snapshot(reader, out, DEFAULT_FIXTURES)
    with serving(create_app(Settings(fixtures=out))) as served:
        assert httpx.get(f"{served}/api/admin/config/", auth=ADMIN).json()[0]["config_key"] is None


def test_missing_credentials_and_a_server_that_is_not_there_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert snapshot_main(["--from", "http://127.0.0.1:9", "--out", str(tmp_path / "a")]) == 1
    assert capsys.readouterr().err == "SnapshotError: give --token T, or --username U --password P\n"
    assert snapshot_main(["--from", "http://127.0.0.1:9", "--token", "t", "--out", str(tmp_path / "a")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("SnapshotError: cannot read http://127.0.0.1:9/api/user/me/") and error.count("\n") == 1


def test_wrong_credentials_are_one_line(
    live_server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--from", live_server.url, "--username", "admin", "--password", "wrong", "--out", str(tmp_path / "a")]
    assert snapshot_main(args) == 1
    assert "refused the credentials (401)" in capsys.readouterr().err
