"""Which failures drift explains, and the drift section of a report.

A failure falls on a drifted part when its operation is gone from the server, or when its message
names a field, parameter or status code that changed on that operation. Such a failure is the
server's version speaking, not a defect: the report lists it apart and it does not fail the gate.
"""

from __future__ import annotations

import re
from collections import Counter

from contract_tests.drift.classify import Change
from contract_tests.drift.compare import Drift


def explain(drift: Drift | None, operation: str, text: str) -> list[Change]:
    """The changes of `operation` that `text` (a failure's title and message) falls on; empty if none."""
    if drift is None:
        return []
    changes = drift.of(operation)
    removed = [change for change in changes if change.kind == "operation removed"]
    if removed:
        return removed
    return [change for change in changes if any(_names(text, name) for name in change.names)]


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def render_drift(drift: Drift) -> list[str]:
    """The lines of the drift section: the versions, then each change, breaking ones first."""
    if drift.unavailable is not None:
        return [f"Drift: not compared: {drift.unavailable}"]
    versions = Counter(drift.contract_versions.values())
    contract = ", ".join(f"API {version} ({count} operations)" for version, count in sorted(versions.items()))
    breaking = drift.breaking
    lines = [
        f"Drift of the server's own schema (API {drift.server_version}) from the contract ({contract}): "
        f"{len(drift.changes)} changes, {len(breaking)} breaking for a client"
        + (f", {len(drift.removed_operations)} operations removed" if drift.removed_operations else "")
    ]
    for change in sorted(drift.changes, key=lambda change: not change.breaking):
        lines.append(f"  {change.describe()}")
    return lines
