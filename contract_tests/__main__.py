"""`python -m contract_tests --base-url URL [--token T | --username U --password P] ...`."""

from __future__ import annotations

import sys

from contract_tests.cli import main

if __name__ == "__main__":
    sys.exit(main())
