"""The contract suite as pytest tests: one per operation (Schemathesis parametrization), one stateful."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.schemas import BaseSchema

from contract_tests.auth import Login
from contract_tests.config import Settings
from contract_tests.runner import STATEFUL_FACTOR

schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_operation(case: schemathesis.Case[Any], contract_login: Login) -> None:
    """Every generated request, valid and invalid, gets an answer the contract allows."""
    case.call_and_validate(headers=contract_login.headers())


def test_stateful_sequences(contract_schema: BaseSchema, contract_login: Login, contract_settings: Settings) -> None:
    """Sequences through the spec's links (create -> read -> update -> delete, machine -> settings -> restart)."""
    headers = contract_login.headers()

    class Sequences(contract_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers}

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_FACTOR * contract_settings.max_examples,
            stateful_step_count=contract_settings.max_steps,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
