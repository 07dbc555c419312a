"""Schemathesis' stateful run over the machine operations, against the mock in process.

The run follows the contract's links (create -> retrieve, update, settings -> setting -> restart ->
delete) with schema-valid requests, derandomized, and judges every answer with Schemathesis' default
checks, none switched off. The data it creates machines with obeys the rules InvenTree applies
beyond the schema, each tested on its own in test_machine.py:
- a machine's name is unique and not blank (a 400 otherwise);
- a machine of a type the registry does not know is stored but never loaded, so its settings and
  restart answer 404 right after the create; the run creates label printers, the registered type,
  with a registered driver or the generated (unknown, not blank) one.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from drf.text import HtmlTagsFound, clean_string
from spec import load_spec
from tests.plugins.live_server import ADMIN_TOKEN

DRIVERS = ("network-label-printer", "usb-label-printer")
NAMED = frozenset({"machine_create", "machine_update", "machine_partial_update"})
SETTING_WRITES = frozenset({"machine_settings_update", "machine_settings_partial_update"})


def _readable(text: str) -> str:
    """The text InvenTree keeps of a value: cleaned (non-printable characters and HTML tags go) and
    trimmed; a value with HTML tags is refused, so it keeps nothing."""
    try:
        return clean_string(text).strip()
    except HtmlTagsFound:
        return ""


def _machine_schema(app: ASGIApp) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Token {ADMIN_TOKEN}"},
            "generation": {
                # Schema-invalid requests are the contract suite's business: DRF reads many of them
                # as valid (a number as text, any form field as text), which its named rules explain.
                "mode": "positive",
                "deterministic": True,
                "database": "none",
                # Django refuses NUL in any text field; a schema-valid string must not carry one.
                "allow-x00": False,
                # The admin token is the run's credentials; auth itself is tested elsewhere.
                "with-security-parameters": False,
            },
        }
    )
    schema = schemathesis.openapi.from_dict(load_spec(), config=config).include(tag="machine")
    schema.app = app
    names = itertools.count(1)

    @schema.hook
    def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy[Any]:
        """Machines InvenTree accepts and loads; any other case is left as generated."""
        operation_id = case.operation.definition.raw.get("operationId")
        positive = case.meta is not None and case.meta.generation.mode.is_positive
        if positive and operation_id in SETTING_WRITES and isinstance(case.body, dict):
            value = case.body.get("value")
            if isinstance(value, str) and not _readable(value) and value.strip():
                # InvenTree refuses a text value that holds HTML tags (400), as every text it cleans.
                case.body = {**case.body, "value": "value"}
            return st.just(case)
        if not positive or operation_id not in NAMED or not isinstance(case.body, dict):
            return st.just(case)
        body = dict(case.body)
        if isinstance(body.get("name"), str):
            # Unique and never blank after DRF trims it, within the 255 characters of the field.
            body["name"] = f"{_readable(body['name'])[:240]} #{next(names)}"
        if operation_id != "machine_create":
            case.body = body
            return st.just(case)
        generated = body.get("driver")
        unknown = generated if isinstance(generated, str) and _readable(generated) else "no-such-driver"

        def made_with(driver: str) -> schemathesis.Case:
            case.body = {**body, "machine_type": "label-printer", "driver": driver}
            return case

        return st.sampled_from([*DRIVERS, unknown]).map(made_with)

    return schema


def test_stateful_machine_sequences(mock_app: ASGIApp) -> None:
    """Create, read, change, configure, restart and delete machines; every answer must conform."""
    schema = _machine_schema(mock_app)
    control = TestClient(mock_app, base_url="http://testserver")
    seen: list[tuple[str, int]] = []

    class MachineSequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            control.post("/_mock/reset").raise_for_status()

        def after_call(self, response: Any, case: Any) -> None:
            seen.append((case.operation.definition.raw["operationId"], response.status_code))

    MachineSequences.run(
        settings=settings(
            max_examples=80,
            stateful_step_count=10,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    reached = {operation for operation, status in seen if status < 400}
    # The links were followed to the end: settings read and written, machines restarted and deleted.
    assert {
        "machine_create",
        "machine_settings_list",
        "machine_settings_retrieve",
        "machine_settings_partial_update",
        "machine_restart_create",
        "machine_destroy",
    } <= reached
