"""`inventree-contract`: the contract suite's command line, or one line naming the extra to install.

`contract_tests` imports Schemathesis as it loads, so without the `contract` extra its own
command line cannot even start to say what is missing; this launcher, outside the package,
can. (`inventree-mock` says the same of the `mock` extra itself: see mock_server/cli.py.)
"""

from __future__ import annotations

import sys

# The top-level modules the `contract` extra installs.
CONTRACT_EXTRA_MODULES = frozenset({"schemathesis", "hypothesis", "pytest", "_pytest", "jsonschema", "httpx"})
INSTALL_CONTRACT = "pip install 'inventree-contract-kit[contract]'"


def contract() -> int:
    """Run the contract suite's command line."""
    try:
        from contract_tests.cli import main  # noqa: PLC0415 - the import is what may fail
    except ImportError as error:
        if (error.name or "").split(".")[0] not in CONTRACT_EXTRA_MODULES:
            raise
        message = f"the contract suite needs the 'contract' extra ({error.name} is missing): {INSTALL_CONTRACT}"
        print(f"ModuleNotFoundError: {message}", file=sys.stderr)
        return 2
    return main()


if __name__ == "__main__":
    sys.exit(contract())
