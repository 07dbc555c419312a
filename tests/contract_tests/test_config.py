"""contract_tests/config.py: options over environment over defaults, credentials as a group, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.config import MASK, Secret, Settings, default
from contract_tests.errors import UsageError

URL = "http://127.0.0.1:8000"


def test_defaults_come_from_the_dataclass() -> None:
    settings = Settings.load({"base_url": URL, "token": "t"}, environ={})
    assert (settings.max_examples, settings.seed, settings.workers) == (default("max_examples"), 0, 1)
    assert settings.cleanup and not settings.read_only and not settings.published


def test_environment_fills_what_options_leave_out() -> None:
    environ = {"INVENTREE_BASE_URL": URL + "/", "INVENTREE_TOKEN": "t", "INVENTREE_MAX_EXAMPLES": "7"}
    settings = Settings.load({"max_examples": None, "seed": 5}, environ=environ)
    assert settings.root_url == URL
    assert (settings.max_examples, settings.seed) == (7, 5)


def test_options_win_over_the_environment() -> None:
    environ = {"INVENTREE_BASE_URL": "http://elsewhere", "INVENTREE_TOKEN": "t", "INVENTREE_READ_ONLY": "yes"}
    settings = Settings.load({"base_url": URL, "read_only": False}, environ=environ)
    assert settings.base_url == URL and settings.read_only is False


def test_lists_and_paths_are_parsed() -> None:
    environ = {"INVENTREE_OPERATIONS": "units_list, GET /api/units/ ,", "INVENTREE_JUNIT_XML": "out/j.xml"}
    settings = Settings.load({"base_url": URL, "token": "t", "tags": "machine,units"}, environ=environ)
    assert settings.operations == ("units_list", "GET /api/units/")
    assert settings.tags == ("machine", "units")
    assert settings.junit_xml == Path("out/j.xml")


def test_credentials_on_the_command_line_hide_those_in_the_environment() -> None:
    environ = {"INVENTREE_TOKEN": "from-env"}
    settings = Settings.load({"base_url": URL, "username": "admin", "password": "pw"}, environ=environ)
    assert settings.token is None
    assert settings.username == "admin" and settings.password == Secret("pw")


def test_a_token_wins_over_a_username_in_the_same_place() -> None:
    settings = Settings.load({"base_url": URL, "token": "t", "username": "admin", "password": "pw"}, environ={})
    assert settings.token == Secret("t") and settings.username is None


@pytest.mark.parametrize(
    ("options", "environ", "message"),
    [
        ({}, {}, "no server to test: pass --base-url"),
        ({"base_url": "127.0.0.1:8000", "token": "t"}, {}, "must be an http(s) URL"),
        ({"base_url": URL}, {}, "no credentials"),
        ({"base_url": URL, "username": "admin"}, {}, "pass --password"),
        ({"base_url": URL, "token": "t"}, {"INVENTREE_MAX_EXAMPLES": "many"}, "must be a whole number, not 'many'"),
        ({"base_url": URL, "token": "t"}, {"INVENTREE_READ_ONLY": "perhaps"}, "must be true or false"),
        ({"base_url": URL, "token": "t", "workers": 0}, {}, "--workers must be at least 1"),
        ({"base_url": URL, "token": "t", "request_timeout": 0.0}, {}, "--request-timeout must be a positive"),
    ],
)
def test_unusable_settings_name_what_to_fix(options: dict[str, object], environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.load(options, environ=environ)


def test_secrets_never_print() -> None:
    settings = Settings.load({"base_url": URL, "username": "admin", "password": "hunter2"}, environ={})
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.password)
    assert "hunter2" not in settings.describe()
    assert str(settings.password) == MASK
    assert settings.secrets() == ["hunter2"]
