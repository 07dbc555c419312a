"""pytest plugin: `pytest contract_tests --base-url URL` runs the suite as pytest tests.

The options are the CLI's (same names, same `INVENTREE_*` variables); without a base URL the tests
skip and say how to enable them. A server that is down or refuses the credentials ends the run
with one line and exit status 2, as the CLI does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis.schemas import BaseSchema

from contract_tests.auth import Login, connect, connect_second
from contract_tests.checks import authorization, rules
from contract_tests.cli import CLI_ONLY, OPTIONS
from contract_tests.config import Settings, env_name
from contract_tests.errors import ContractError, UsageError
from contract_tests.runner import build_schema, contract, existing_objects, guard_for
from contract_tests.staging.cleanup import CreatedObjects

try:  # pytest >= 9.2
    from _pytest.nodeid import coerce_node_id
except ImportError:  # pragma: no cover - older pytest keeps `_nodeid` itself
    coerce_node_id = None  # type: ignore[assignment]

EXIT_USAGE = 2


def pytest_configure(config: pytest.Config) -> None:
    _restore_function_nodeid()


def _restore_function_nodeid() -> None:
    """Let Schemathesis name each operation's subtest under pytest >= 9.2.

    Schemathesis 4.x (`pytest/lazy.py`) reads and rewrites `Function._nodeid`; pytest 9.2 keeps the
    node id in `_id` instead. This maps the old attribute onto the new one, and does nothing where
    the attribute still exists.
    """
    if hasattr(pytest.Function, "_nodeid") or coerce_node_id is None:
        return

    def get(node: Any) -> str:
        return str(node.nodeid)

    def set_(node: Any, value: str) -> None:
        node._id = coerce_node_id(value)

    pytest.Function._nodeid = property(get, set_)  # type: ignore[attr-defined]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("inventree-contract", "InvenTree contract suite")
    for _, flags, keywords in OPTIONS:
        if flags[0] not in CLI_ONLY:
            group.addoption(*flags, **keywords)


@pytest.fixture(scope="session")
def contract_settings(pytestconfig: pytest.Config) -> Settings:
    """The run's settings from the command line and the environment; skips without a base URL."""
    options: dict[str, Any] = {}
    for _, flags, keywords in OPTIONS:
        if flags[0] not in CLI_ONLY:
            name = keywords.get("dest", flags[0].lstrip("-").replace("-", "_"))
            options[name] = pytestconfig.getoption(name)
    try:
        return Settings.load(options)
    except UsageError as error:
        if options.get("base_url") is None and env_name("base_url") in str(error):
            pytest.skip(f"the contract suite needs a server: pass --base-url URL or set {env_name('base_url')}")
        pytest.exit(f"{type(error).__name__}: {error}", returncode=EXIT_USAGE)


@pytest.fixture(scope="session")
def contract_login(contract_settings: Settings) -> Login:
    """A token for the server, checked before any test runs."""
    try:
        return connect(contract_settings)
    except ContractError as error:
        pytest.exit(f"{type(error).__name__}: {error}", returncode=EXIT_USAGE)


@pytest.fixture(scope="session")
def contract_ledger() -> rules.Ledger:
    """Counts the failures the InvenTree rules explain; see contract_tests.checks.rules."""
    return rules.Ledger()


@pytest.fixture(scope="session")
def contract_schema(
    contract_settings: Settings, contract_login: Login, contract_ledger: rules.Ledger
) -> Iterator[BaseSchema]:
    """The Schemathesis schema the tests draw from; objects it creates are deleted at the end."""
    created = CreatedObjects()
    guard = guard_for(contract_settings, contract_login, created)
    second = None
    try:
        document = contract(contract_settings)
        second = connect_second(contract_settings)
        if second is not None:
            authorization.attach(document, second)
        if guard is not None:
            guard.attach(document)
        known = existing_objects(contract_settings, contract_login, document)
        schema = build_schema(
            contract_settings, contract_login, document=document, ledger=contract_ledger, created=created, known=known
        )
    except ContractError as error:
        pytest.exit(f"{type(error).__name__}: {error}", returncode=EXIT_USAGE)
    try:
        yield schema
    finally:
        if second is not None:
            authorization.detach(document)
        if guard is not None:
            problems = created.delete_all(
                contract_settings.root_url, contract_login.headers(), timeout=contract_settings.request_timeout
            )
            problems += guard.restore_all()
            guard.detach(document)
            for problem in problems:
                print(f"Clean-up: {problem}")
