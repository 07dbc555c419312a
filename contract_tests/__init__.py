"""The contract suite: Schemathesis property-based and stateful tests that hold any InvenTree server to the spec."""

from __future__ import annotations

from contract_tests.config import Secret, Settings
from contract_tests.errors import ContractError, CredentialsRefused, ServerUnreachable, UsageError
from contract_tests.reporting.report import Report, render
from contract_tests.runner import run

__all__ = [
    "ContractError",
    "CredentialsRefused",
    "Report",
    "Secret",
    "ServerUnreachable",
    "Settings",
    "UsageError",
    "render",
    "run",
]
