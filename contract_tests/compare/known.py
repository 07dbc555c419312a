"""Differences known and explained: a baseline that keeps them visible without failing the comparison.

A file (`--known FILE`) lists them, each with its reason:

```yaml
differences:
  - operation: version_retrieve        # operationId or label; `*` for any
    kind: body:value                   # as the report names it; `*` matches anything (body:*)
    path: $.dev                        # optional, the report's path ($.results[*].code), `*` allowed
    identity: admin                    # optional: only as this identity
    method: OPTIONS                    # optional: only when sent with this method (Schemathesis probes others)
    reference: "200"                   # optional: the value on each side as the report shows it, `*` allowed
    candidate: "404"
    reason: "version difference: the general section is API 196, the server API 303"
```

Every entry needs a reason: a difference is known because someone knows why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contract_tests.errors import UsageError

FIELDS = ("operation", "kind", "path", "identity", "method", "reference", "candidate", "reason")


@dataclass(frozen=True)
class KnownDifference:
    operation: str
    kind: str
    reason: str
    path: str | None = None
    identity: str | None = None
    method: str | None = None
    reference: str | None = None
    candidate: str | None = None

    def matches(
        self,
        *,
        operation_id: str,
        label: str,
        method: str,
        kind: str,
        path: str,
        identity: str,
        reference: str,
        candidate: str,
    ) -> bool:
        """Whether a reported difference is this one."""
        return (
            (glob(operation_id, self.operation) or glob(label, self.operation))
            and glob(kind, self.kind)
            and (self.path is None or glob(path, self.path))
            and (self.identity is None or self.identity == identity)
            and (self.method is None or self.method.upper() == method)
            and (self.reference is None or glob(reference, self.reference))
            and (self.candidate is None or glob(candidate, self.candidate))
        )


def glob(text: str, pattern: str) -> bool:
    """Whether `text` matches `pattern`, where `*` is any run of characters, `?` one, and all else is literal.

    Not fnmatch: its `[...]` classes would read the `[*]` of a JSONPath-like path as one character.
    """
    regex = ".*".join(".".join(re.escape(bit) for bit in part.split("?")) for part in pattern.split("*"))
    return re.fullmatch(regex, text, re.DOTALL) is not None


def load_known(path: Path | None, operations: Iterable[str] | None = None) -> list[KnownDifference]:
    """The entries of a known-differences file; a malformed entry is a UsageError naming it."""
    if path is None:
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read the known differences in {path}: {type(exc).__name__}: {exc}") from None
    entries = data.get("differences") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise UsageError(f"{path} must hold a `differences` list (see contract_tests/compare/known.py)")
    known = [_entry(entry, f"{path}, entry {number}") for number, entry in enumerate(entries, 1)]
    if operations is not None:
        names = set(operations)
        unknown = sorted({entry.operation for entry in known if not any(glob(name, entry.operation) for name in names)})
        if unknown:
            raise UsageError(f"{path} names no operation of the contract: {', '.join(unknown)}")
    return known


def _entry(entry: Any, where: str) -> KnownDifference:
    if not isinstance(entry, Mapping):
        raise UsageError(f"{where}: an entry is a mapping with operation, kind and reason")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; known: {', '.join(FIELDS)}")
    for required in ("operation", "kind", "reason"):
        if not str(entry.get(required) or "").strip():
            raise UsageError(f"{where}: `{required}` is required")
    optional = {name: (None if entry.get(name) is None else str(entry[name])) for name in FIELDS[2:7]}
    return KnownDifference(
        operation=str(entry["operation"]), kind=str(entry["kind"]), reason=str(entry["reason"]).strip(), **optional
    )
