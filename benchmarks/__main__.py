"""`python -m benchmarks`: run the whole benchmark and write the table, the JSON and the chart."""

from __future__ import annotations

import sys

from benchmarks.cli import main

if __name__ == "__main__":
    sys.exit(main())
