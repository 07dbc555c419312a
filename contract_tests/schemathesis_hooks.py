"""Schemathesis hooks for its own CLI: `schemathesis run` in this project judges InvenTree as the suite does.

The project's `schemathesis.toml` names this module as its `hooks`, so a plain `schemathesis run`
(with every default check, negative data included) gets, besides Schemathesis' own checks:
- the InvenTree checks (importing the contract_tests.checks package registers all of them), and
- the named rules of contract_tests.checks.rules, which drop only the failures InvenTree's own rules explain
  (a unique `code`, a blank value, DRF's lenient reading of values). Anything else still fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import schemathesis

import contract_tests.checks  # noqa: F401  (importing the package registers every InvenTree check)
from contract_tests import deadline  # noqa: F401  (importing it bounds every request by one deadline)
from contract_tests.checks.rules import Ledger, failure_filter

if TYPE_CHECKING:
    from schemathesis import Case, HookContext, Response
    from schemathesis.core.failures import Failure

LEDGER = Ledger()
_explained = failure_filter(LEDGER)


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
    """Drop a failure a named InvenTree rule explains, unless the schema brings its own rules."""
    if case.operation.schema.hooks.get_all_by_name("filter_failure"):
        return True  # built by contract_tests.runner: its own filter counts the rules for the report
    return _explained(context, failure, case, response)
