"""Loads the contract suite's pytest plugin when pytest runs this package (`pytest contract_tests`)."""

from contract_tests.plugin import (
    contract_ledger,
    contract_login,
    contract_schema,
    contract_settings,
    pytest_addoption,
    pytest_configure,
)

__all__ = [
    "contract_ledger",
    "contract_login",
    "contract_schema",
    "contract_settings",
    "pytest_addoption",
    "pytest_configure",
]
