"""contract_tests/checks/authorization.py and permissions.py: a second, ordinary user finds authorization holes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest

from contract_tests import Settings
from contract_tests.checks.permissions import ADMIN_ROLE, STAFF, SUPERUSER, Identity, requirement
from contract_tests.errors import UsageError
from tests.contract_tests.faults import AUTHORIZATION_FAULTS, Fault
from tests.contract_tests.servers import reset, serving, suite

READER = {"second_username": "reader", "second_password": "readonly"}
# Operations whose permissions the mock keeps as InvenTree does (its news, version-text and machine
# reads are open to any user: a difference of the mock, reported by these checks).
MOCK_KEEPS = (
    "project_code_create", "project_code_partial_update", "project_code_destroy", "units_create",
    "units_update", "units_destroy", "project_code_metadata_partial_update", "notifications_list",
    "error_report_list", "error_report_destroy", "version_retrieve", "admin_config_list", "currency_refresh_create",
    "machine_create", "machine_partial_update",
)  # fmt: skip


def test_each_view_asks_what_inventree_asks() -> None:
    assert requirement("project_code_create", "POST") is not None
    assert requirement("project_code_list", "GET") is None  # IsStaffOrReadOnly: any user reads
    assert requirement("news_list", "GET") is not None  # IsAdminUser: staff only, reads too
    assert requirement("admin_config_list", "GET")[0] == SUPERUSER  # type: ignore[index]
    assert requirement("notifications_list", "GET") is None  # per user: other_users_notifications_hidden
    assert requirement("machine_restart_create", "POST") is None  # a plain APIView: any authenticated user


def test_what_an_identity_holds() -> None:
    reader, staff = Identity(username="reader"), Identity(username="s", is_staff=True)
    assert not reader.holds(STAFF, "POST") and staff.holds(STAFF, "POST")
    assert not staff.holds(SUPERUSER, "GET") and Identity(is_superuser=True).holds(SUPERUSER, "GET")
    operator = Identity(roles={"admin": ["view", "change"]})
    assert operator.holds(ADMIN_ROLE, "GET") and operator.holds(ADMIN_ROLE, "PATCH")
    assert not operator.holds(ADMIN_ROLE, "DELETE")
    editor = Identity(permissions={"projectcode": ["view", "change"]})
    assert editor.holds("permission common.change_projectcode", "PATCH")
    assert not reader.holds("permission common.change_projectcode", "PATCH")


def test_the_mock_keeps_those_operations_from_its_reader(mock_app: Any) -> None:
    with serving(mock_app) as url:
        reset(url)
        report = suite(url, operations=MOCK_KEEPS, max_examples=2, **READER)
    totals = report.check_totals()
    assert totals["staff_only_operation_refused"].passed >= 10
    assert totals["other_users_notifications_hidden"].passed >= 1
    assert report.exit_code == 0, [(failure.operation, failure.check) for failure in report.failures]


@pytest.mark.parametrize("fault", AUTHORIZATION_FAULTS, ids=[fault.name for fault in AUTHORIZATION_FAULTS])
def test_each_authorization_hole_is_caught(mock_app: Any, fault: Fault) -> None:
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        before = stored(url)
        report = suite(url, operations=fault.operations, max_examples=2, **READER)
        after = stored(url)
    found = {failure.check for failure in report.failures}
    assert found & fault.caught_by, f"{fault.description}: expected one of {sorted(fault.caught_by)}, got {found}"
    assert after == before  # what the faulty server let the second user create or delete is not lost


def stored(url: str) -> dict[str, Any]:
    """The mock's project codes, units and notifications (its control API, outside the contract)."""
    state = httpx.get(f"{url}/_mock/state").json()
    return {table: state[table] for table in ("project_codes", "custom_units", "notifications")}


def test_without_a_second_user_the_checks_stay_quiet(mock_app: Any) -> None:
    fault = AUTHORIZATION_FAULTS[0]
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        report = suite(url, operations=fault.operations, max_examples=2)
    assert "staff_only_operation_refused" not in {failure.check for failure in report.failures}


def test_a_staff_second_user_is_a_usage_error(mock_app: Any) -> None:
    with serving(mock_app) as url:
        command = [sys.executable, "-m", "contract_tests", "--base-url", url, "--username", "admin"]
        command += ["--password", "inventree", "--second-username", "testuser", "--second-password", "testpassword"]
        run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("UsageError: the second user 'testuser' is staff")


def test_the_second_user_comes_from_options_or_the_environment() -> None:
    settings = Settings.load({"base_url": "http://x", "token": "t"}, environ={"INVENTREE_SECOND_TOKEN": "r"})
    assert settings.second_token is not None and settings.second_token.reveal() == "r"
    assert "r" in settings.secrets() and settings.has_second_user
    given = Settings.load(
        {"base_url": "http://x", "token": "t", "second_username": "u", "second_password": "p"},
        environ={"INVENTREE_SECOND_TOKEN": "r"},
    )
    assert given.second_token is None and given.second_username == "u"  # the options' group wins
    with pytest.raises(UsageError, match="--second-password"):
        Settings.load({"base_url": "http://x", "token": "t", "second_username": "u"}, environ={})
    assert not Settings.load({"base_url": "http://x", "token": "t"}, environ={}).has_second_user


def test_the_pytest_plugin_takes_the_second_user_too(mock_app: Any) -> None:
    from tests.contract_tests.test_against_mock import pytest_run

    fault = AUTHORIZATION_FAULTS[0]
    with serving(fault.wrap(mock_app)) as url:
        reset(url)
        failed = pytest_run(url, "--operations", "project_code_create", "--second-username", "reader",
                            "--second-password", "readonly")  # fmt: skip
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "staff_only_operation_refused" in failed.stdout
