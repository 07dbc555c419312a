"""Compare the contract with the schema a server publishes of itself, operation by operation.

Both documents have their `$ref`s inlined by prance first; DeepDiff then finds what differs
between the two views of each contract operation. This module only chooses what to compare (the
contract's operations, without their prose) and says what each difference means to a client:
`classify.py` tells breaking from harmless.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff
from prance.util.resolver import RESOLVE_INTERNAL, RefResolver

from contract_tests.drift.classify import Change, changes_of
from spec import operations

# Prose and tooling keys: a reworded description is no drift a client can notice.
IGNORED_KEYS = r"(description|summary|title|example|examples|externalDocs|deprecated|operationId|tags|x-[\w-]+)"
# ... as keywords only: a field may well be called `description` (the lookbehind keeps property names).
IGNORED_PATHS = [rf"(?<!\['properties'\])\['{IGNORED_KEYS}'\](\[|$)"]


@dataclass
class Drift:
    """What differs between the contract and the server's own schema, for the contract's operations."""

    server_version: str
    contract_versions: dict[str, str]  # operation label -> the contract's `x-inventree-api-version`
    changes: list[Change] = field(default_factory=list)
    unavailable: str | None = None  # why the server's schema could not be had

    @property
    def breaking(self) -> list[Change]:
        return [change for change in self.changes if change.breaking]

    @property
    def removed_operations(self) -> set[str]:
        return {change.operation for change in self.changes if change.kind == "operation removed"}

    def of(self, operation: str) -> list[Change]:
        """The changes of one operation (its label, `METHOD /path`)."""
        return [change for change in self.changes if change.operation == operation]

    @classmethod
    def not_available(cls, reason: str) -> Drift:
        return cls(server_version="?", contract_versions={}, unavailable=reason)


def compare(
    contract: Mapping[str, Any], server: Mapping[str, Any], *, overlaid: Mapping[str, Any] | None = None
) -> Drift:
    """The drift of `server` (a server's `/api/schema/`) from `contract`, over the contract's operations.

    `overlaid` is the contract with its overlays: where the server's schema says what an overlay says,
    the server agrees with the contract the suite holds it to, and that is no drift.
    """
    if overlaid is not None and overlaid is not contract:
        paths = sorted({path for _, path, _ in operations(dict(contract))})
        if inline(server, paths)["paths"] == inline(overlaid, paths)["paths"]:
            # The server states the contract itself (the mock does).
            return Drift(server_version=_version(server), contract_versions=_versions(contract))
    drift = _compare(contract, server)
    if overlaid is not None and overlaid is not contract:
        expected = _compare(contract, overlaid).changes
        drift.changes = [change for change in drift.changes if change not in expected]
    return drift


def _compare(contract: Mapping[str, Any], server: Mapping[str, Any]) -> Drift:
    contract_paths = sorted({path for _, path, _ in operations(dict(contract))})
    ours, theirs = inline(contract, contract_paths), inline(server, contract_paths)
    theirs_operations = {(method, path): op for method, path, op in operations(theirs)}
    changes: list[Change] = []
    seen: set[tuple[str, str]] = set()
    for method, path, operation in operations(ours):
        label = f"{method} {path}"
        seen.add((method, path))
        other = theirs_operations.get((method, path))
        if other is None:
            changes.append(Change(label, "operation removed", "operation", "", None, None, breaking=True))
            continue
        difference = DeepDiff(
            comparable(operation),
            comparable(other),
            ignore_order=True,
            exclude_regex_paths=IGNORED_PATHS,
            view="tree",
            # Always down to the keyword that changed, however much of an object differs.
            threshold_to_diff_deeper=0,
        )
        changes += changes_of(label, difference)
    for method, path in sorted(set(theirs_operations) - seen):
        changes.append(Change(f"{method} {path}", "operation added", "operation", "", None, None, breaking=False))
    return Drift(server_version=_version(server), contract_versions=_versions(contract), changes=changes)


def _version(document: Mapping[str, Any]) -> str:
    return str(document.get("info", {}).get("version", "?"))


def _versions(contract: Mapping[str, Any]) -> dict[str, str]:
    """Each operation's API version: its `x-inventree-api-version`, else the document's."""
    return {
        f"{method} {path}": str(operation.get("x-inventree-api-version", _version(contract)))
        for method, path, operation in operations(dict(contract))
    }


def inline(document: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """The document's `paths` limited to `paths`, with every `#/components/...` reference inlined by prance.

    Cached by content: a run compares the same contract (and the mock serves it) again and again.
    """
    text = json.dumps(document, sort_keys=True, default=str)
    return copy.deepcopy(_inline(hashlib.sha256(text.encode()).hexdigest(), text, tuple(paths)))


@functools.lru_cache(maxsize=4)
def _inline(digest: str, text: str, paths: tuple[str, ...]) -> dict[str, Any]:
    document = json.loads(text)
    wanted = set(paths)
    trimmed = {key: value for key, value in document.items() if key != "paths"}
    trimmed["paths"] = {path: item for path, item in document.get("paths", {}).items() if path in wanted}
    resolver = RefResolver(
        trimmed,
        "file:///schema.json",  # references are internal; prance wants a base URL all the same
        resolve_types=RESOLVE_INTERNAL,
        strict=False,
        # A self-referring schema (a tree of objects) is compared down to its first repetition.
        recursion_limit_handler=lambda *_: {},
    )
    resolver.resolve_references()
    return dict(resolver.specs)


def comparable(operation: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of an operation a client depends on; parameters keyed by `in name`, so DeepDiff pairs them."""
    parameters = {f"{p.get('in')} {p.get('name')}": p for p in operation.get("parameters", []) if isinstance(p, dict)}
    return {
        "parameters": parameters,
        "requestBody": operation.get("requestBody", {}),
        "responses": operation.get("responses", {}),
    }
