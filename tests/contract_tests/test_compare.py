"""`python -m contract_tests compare` end to end over HTTP: two mocks alike, and two mocks one planted difference apart."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import yaml

from contract_tests.cli import main
from mock_server import Settings, create_app
from tests.contract_tests.faults import Exchange, Intercept
from tests.contract_tests.servers import free_port, reset, serving

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CODES = (
    "project_code_list,project_code_create,project_code_retrieve,project_code_partial_update,project_code_destroy"
)
UNITS = "units_list,units_retrieve"
# The default runs are short: few examples, no coverage phase (its boundary requests run in the slow test).
QUICK = ("--phases", "fuzzing,stateful", "--max-examples", "2")
QUICK_UNITS = ("--operations", UNITS, "--phases", "examples,fuzzing", "--max-examples", "12")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
READER_BASIC = "Basic " + base64.b64encode(b"reader:readonly").decode()
ADMIN_BASIC = "Basic " + base64.b64encode(b"admin:inventree").decode()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTREE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def twin_app() -> Any:
    """A second mock with its own store, the same fixtures."""
    return create_app(Settings())


@pytest.fixture(scope="module")
def changed_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A mock whose fixtures differ from the default in one value: the custom unit `reel` is 150 m, not 100 m."""
    folder = tmp_path_factory.mktemp("fixtures")
    shutil.copytree(ROOT / "fixtures", folder, dirs_exist_ok=True)
    units = yaml.safe_load((folder / "custom_units.yaml").read_text(encoding="utf-8"))
    reel = next(unit for unit in units if unit["name"] == "reel")
    assert reel["definition"] == "100 m"
    reel["definition"] = "150 m"
    (folder / "custom_units.yaml").write_text(yaml.safe_dump(units), encoding="utf-8")
    return create_app(Settings(fixtures=folder))


def lets_reader_write(app: Any) -> Any:
    """The mock without its permission check on writes: the non-staff `reader` writes as if staff.

    It learns reader's tokens as they are handed out, and sends every unsafe request made with one
    (or with reader's password) on as admin's.
    """
    tokens: set[str] = set()

    def learn(exchange: Exchange) -> None:
        answer = exchange.answer()
        if exchange.headers.get("authorization") == READER_BASIC and isinstance(answer, dict):
            tokens.add(str(answer.get("token")))

    def as_admin(exchange: Exchange) -> None:
        given = exchange.headers.get("authorization", "")
        if given == READER_BASIC or given.removeprefix("Token ") in tokens:
            exchange.headers["authorization"] = ADMIN_BASIC

    wrapped = Intercept(app, method="GET", path="/api/user/token/", after=learn)
    for method in UNSAFE:
        wrapped = Intercept(wrapped, method=method, path="/api/.*", before=as_admin)
    return wrapped


@pytest.fixture
def servers(mock_app: Any, twin_app: Any) -> Iterator[tuple[str, str]]:
    with serving(mock_app) as reference, serving(twin_app) as candidate:
        reset(reference)
        reset(candidate)
        yield reference, candidate


def compare(reference: str, candidate: str, *extra: str) -> list[str]:
    """The command line of a comparison as the mocks' admin."""
    return [
        "compare",
        "--reference",
        reference,
        "--reference-username",
        "admin",
        "--reference-password",
        "inventree",
        "--candidate",
        candidate,
        "--candidate-username",
        "admin",
        "--candidate-password",
        "inventree",
        *extra,
    ]


def findings(out: str) -> list[str]:
    """The title lines of the differences section of a report."""
    section = out.split("\nDifferences (", 1)[1].split("\n\n", 1)[0] if "\nDifferences (" in out else ""
    return [line for line in section.splitlines()[1:] if line[:1].isdigit()]


def compared_operations(out: str) -> int:
    """How many operations the report's table lists as compared."""
    table = out.split("By operation (", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return len({tuple(line.split()[:2]) for line in table})


def state(url: str, table: str) -> Any:
    return httpx.get(f"{url}/_mock/state").json()[table]


def test_two_identical_mocks_answer_alike_as_every_identity(
    servers: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    reference, candidate = servers
    before = state(reference, "project_codes"), state(candidate, "project_codes")
    argv = ["--operations", PROJECT_CODES, "--also-as", "reader:readonly,anonymous", *QUICK]
    code = main(compare(reference, candidate, *argv))
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.rstrip().endswith("Result: EQUIVALENT (exit 0)")
    compared = next(line for line in out.splitlines() if line.startswith("Requests compared:"))
    for identity in ("admin", "reader", "anonymous"):
        assert f" {identity} 0," not in compared + ","
    # The stateful sequences created objects on both servers, paired them, and removed them again.
    created = [line for line in out.splitlines() if "as admin:" in line and "objects created by the suite" in line]
    assert len(created) == 2 and all(not line.strip().split(": ")[1].startswith("0 ") for line in created), created
    assert (state(reference, "project_codes"), state(candidate, "project_codes")) == before


def test_a_changed_fixture_value_is_the_only_difference(
    mock_app: Any, changed_app: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junit = tmp_path / "compare.xml"
    with serving(mock_app) as reference, serving(changed_app) as candidate:
        reset(reference)
        code = main(compare(reference, candidate, *QUICK_UNITS, "--junit-xml", str(junit)))
    out = capsys.readouterr().out
    assert code == 1, out
    found = findings(out)
    assert found, out
    for title in found:
        assert (
            "[admin] GET /api/units/" in title
            and " body:value $" in title
            and title.split("  (")[0].endswith(".definition")
        ), title
    details = [line.strip() for line in out.splitlines() if line.strip().startswith("body:value at ")]
    assert details and all(line.endswith('reference "100 m", candidate "150 m"') for line in details), details
    assert "Result: DIFFERENT:" in out
    failures = ElementTree.fromstring(junit.read_text(encoding="utf-8")).findall(".//failure")
    assert len(failures) == len(found) and all(failure.get("type") == "body:value" for failure in failures)


def test_a_known_or_ignored_difference_does_not_fail(
    mock_app: Any, changed_app: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    known = tmp_path / "known.yaml"
    known.write_text(
        "differences:\n"
        "  - {operation: '*', kind: body:value, path: '*.definition', reason: the candidate's reel is longer}\n",
        encoding="utf-8",
    )
    with serving(mock_app) as reference, serving(changed_app) as candidate:
        reset(reference)
        quick = list(QUICK_UNITS)
        assert main(compare(reference, candidate, *quick, "--known", str(known))) == 0
        out = capsys.readouterr().out
        assert "Known differences (" in out and "reason: the candidate's reel is longer" in out
        assert out.rstrip().endswith("known differences (exit 0)")
        assert main(compare(reference, candidate, *quick, "--ignore", "$..definition")) == 0
        assert main(compare(reference, candidate, *quick, "--ignore", "units_list:$..definition")) == 1
    out = capsys.readouterr().out
    assert all("GET /api/units/{id}/" in title for title in findings(out)), out


def test_a_missing_permission_check_shows_only_for_the_user_it_concerns(
    mock_app: Any, twin_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(mock_app) as reference, serving(lets_reader_write(twin_app)) as candidate:
        reset(reference)
        reset(candidate)
        before = state(candidate, "project_codes")
        code = main(
            compare(reference, candidate, "--operations", PROJECT_CODES, "--also-as", "reader:readonly", *QUICK)
        )
        after = state(candidate, "project_codes")
    out = capsys.readouterr().out
    assert code == 1, out
    found = findings(out)
    assert found, out
    for title in found:
        assert title.split(". ", 1)[1].startswith(tuple(f"[reader] {method} " for method in UNSAFE)), title
        assert "  status  (" in title, title
    statuses = [line.strip() for line in out.splitlines() if line.strip().startswith("status: reference")]
    assert statuses and all(line.startswith("status: reference 403, candidate ") for line in statuses), statuses
    assert any(line.split("candidate ")[1].startswith("2") for line in statuses), statuses
    # What the reader wrote on the candidate (as admin, by the fault) was deleted or written back.
    assert after == before


def test_a_server_that_is_down_is_one_line_and_exit_2(
    servers: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    reference, _ = servers
    down = f"http://127.0.0.1:{free_port()}"
    assert main(compare(reference, down)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1
    assert lines[0].startswith(f"ServerUnreachable: candidate server: cannot reach {down}")


def test_refused_credentials_name_the_options_of_their_server(
    servers: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    reference, candidate = servers
    argv = compare(reference, candidate)
    argv[argv.index("--candidate-password") + 1] = "not-the-password"
    assert main(argv) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("CredentialsRefused: candidate server: ") and "\n" not in line
    assert "--candidate-username and --candidate-password" in line and "not-the-password" not in line
    assert main([*compare(reference, candidate), "--also-as", "reader:wrong"]) == 2
    assert "given with --also-as" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--also-as", "reader"], "UsageError: --also-as takes USER:PASSWORD"),
        (["--ignore", "$.a[x"], "UsageError: --ignore '$.a[x': '$.a[x' is not a JSONPath-like path"),
        (["--ignore", "nope:$.a"], "UsageError: an ignored path names no operation of the contract: nope"),
        (["--phases", "coverage,smoke"], "UsageError: --phases takes some of examples,coverage,fuzzing,stateful"),
        (["--known", "/no/such/file"], "UsageError: --known names no readable file"),
    ],
)
def test_usage_errors_are_one_line_before_any_request(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(compare(url, url, *extra)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err, err


def test_without_a_candidate_it_says_how_to_name_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--reference", "http://127.0.0.1:1", "--reference-token", "t"]) == 2
    assert capsys.readouterr().err.strip() == (
        "UsageError: no server to test: pass --candidate URL or set INVENTREE_CANDIDATE_URL (e.g. http://127.0.0.1:8000)"
    )


@pytest.mark.slow
def test_two_identical_mocks_answer_alike_on_every_operation(
    servers: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    reference, candidate = servers
    code = main(compare(reference, candidate, "--also-as", "reader:readonly,anonymous", "--max-examples", "3"))
    out = capsys.readouterr().out
    assert code == 0, out
    assert compared_operations(out) == 71
