"""Known failures: record a run's failures in a file, and let later runs fail only on new ones.

Each entry names the operation, the check, the failure's title and a fingerprint of what failed
that leaves out what a run draws at random (values, ids, lengths): for a schema violation the
schema keyword that failed, for anything else its message with quoted text and numbers taken out.
A human fills in each entry's `reason`; recording again keeps the reasons already written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from contract_tests.errors import UsageError

FORMAT = 1
ERROR_CHECK = "(error)"  # the check named for a request that got no answer to judge
_VARIABLE = [
    (re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""), "<text>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE), "<uuid>"),
    (re.compile(r"https?://\S+"), "<url>"),
    (re.compile(r"\d+(\.\d+)?"), "<n>"),
]


@dataclass(frozen=True)
class Entry:
    """One known failure; `reason` is for a human to say why it is accepted."""

    operation: str
    check: str
    title: str
    fingerprint: str
    reason: str = ""


def fingerprint(operation: str, check: str, title: str, detail: str) -> str:
    """A short digest of what failed, the same in every run that sees the same failure."""
    text = "\n".join((operation, check, title, stable(detail)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stable(detail: str) -> str:
    """The first line of a message, without the values that change from run to run."""
    line = detail.strip().splitlines()[0] if detail.strip() else ""
    for pattern, replacement in _VARIABLE:
        line = pattern.sub(replacement, line)
    return line


def failure_detail(failure: Any) -> str:
    """What identifies a Schemathesis failure apart from its values: the schema keyword, or the message."""
    schema_path = getattr(failure, "schema_path", None)
    if schema_path:
        return "schema " + "/".join(map(str, schema_path))
    return str(getattr(failure, "message", "") or "")


def load(path: Path) -> list[Entry]:
    """The entries of a baseline file; a UsageError names a missing or malformed file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--baseline {path}: no such file; record one first with --baseline-record") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--baseline {path}: not a baseline file ({exc})") from None
    entries = data.get("failures") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UsageError(f"--baseline {path}: not a baseline file (no 'failures' list)")
    try:
        return [Entry(**{key: str(item.get(key, "")) for key in Entry.__dataclass_fields__}) for item in entries]
    except AttributeError:
        raise UsageError(f"--baseline {path}: each failure must be an object") from None


def save(path: Path, entries: list[Entry], previous: list[Entry]) -> None:
    """Write `entries`, keeping the reason of any entry the previous file already had."""
    reasons = {entry.fingerprint: entry.reason for entry in previous if entry.reason}
    kept = [Entry(**{**asdict(entry), "reason": reasons.get(entry.fingerprint, entry.reason)}) for entry in entries]
    unique = {entry.fingerprint: entry for entry in kept}
    document = {
        "format": FORMAT,
        "about": "Known contract failures: a run with --baseline fails only on others. Fill in each reason.",
        "failures": [asdict(entry) for entry in sorted(unique.values(), key=lambda e: (e.operation, e.check))],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
