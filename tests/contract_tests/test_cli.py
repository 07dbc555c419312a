"""contract_tests/cli.py: exit 2 with one clear line for usage and connection errors."""

from __future__ import annotations

import pytest

from contract_tests.cli import main, parser
from tests.contract_tests.servers import free_port


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("INVENTREE_"):
            monkeypatch.delenv(name)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == ""
    assert len(lines) == 1, lines
    return lines[0]


def test_without_a_server_it_says_how_to_name_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert one_line_error(capsys).startswith(
        "UsageError: no server to test: pass --base-url URL or set INVENTREE_BASE_URL"
    )


def test_a_server_that_is_down_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--base-url", url, "--token", "secret-token"]) == 2
    line = one_line_error(capsys)
    assert line.startswith(f"ServerUnreachable: cannot reach {url}") and "secret-token" not in line


def test_unknown_operations_are_named_before_any_request(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--base-url", url, "--token", "t", "--operations", "units_list,nope"]) == 2
    assert one_line_error(capsys) == (
        "UsageError: --operations names no operation of the contract: nope (use operationIds such as units_list, "
        "or labels such as 'GET /api/units/'; `python -m spec` lists them)"
    )


def test_a_malformed_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--max-examples", "many"])
    assert exited.value.code == 2
    assert "UsageError: argument --max-examples: invalid int value: 'many'" in capsys.readouterr().err


def test_every_option_is_documented() -> None:
    text = parser().format_help()
    for option in ("--base-url", "--token", "--username", "--password", "--read-only", "--published", "--operations"):
        assert option in text
    for option in ("--tag", "--max-examples", "--seed", "--workers", "--junit-xml", "--no-cleanup"):
        assert option in text


def test_unknown_exclusions_are_named_before_any_request(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--base-url", url, "--token", "t", "--exclude", "email,nope"]) == 2
    assert one_line_error(capsys).startswith("UsageError: --exclude names no operation or tag of the contract: nope ")


def test_exclusions_leave_out_operations_labels_and_tags() -> None:
    from contract_tests.config import Settings
    from contract_tests.runner import selection
    from spec import load_spec

    document = load_spec()
    everything = selection(Settings(base_url="http://x"), document)
    exclude = ("email_generate_create", "GET /api/units/", "machine")
    kept = selection(Settings(base_url="http://x", exclude=exclude), document)
    assert "email_generate_create" in everything and "email_generate_create" not in kept
    assert "units_list" not in kept and "units_create" in kept
    assert not any(tags == ("machine",) for _, tags in kept.values())
    assert len(everything) - len(kept) == 2 + sum(tags == ("machine",) for _, tags in everything.values())
