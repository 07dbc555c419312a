"""The fault rules in force, and which of them a request meets.

A request takes its delay and its failure (a forced status, or a dropped connection) from the
most specific rule that has one: its `Prefer` header first, then the rules naming its operation
or path (newest first), then the global ones (newest first). Rules with a `rate` apply to that
share of the requests they match, drawn from one random source seeded with `--seed`: the same
requests after a start or a `DELETE /_mock/faults` meet the same faults.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import random
import re
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.routing import compile_path

from mock_server.control.fault_rules import Delay, FaultSpec, FaultSpecError
from mock_server.pipeline.routing import starlette_path
from mock_server.settings import Settings
from spec.loader import HTTP_METHODS


class OperationIndex:
    """Each operationId's method and path pattern, to match a rule that names it."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.patterns: dict[str, tuple[str, re.Pattern[str]]] = {}
        for path, item in document.get("paths", {}).items():
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
                schemas = {p["name"]: p.get("schema", {}) for p in parameters if p.get("in") == "path"}
                # The router's own path patterns: an id of another form is not this operation.
                regex, _, _ = compile_path(starlette_path(path, schemas))
                self.patterns[operation["operationId"]] = (method.upper(), regex)

    def check(self, operation_id: str) -> None:
        """Raise naming the closest operationIds when `operation_id` is not in the contract."""
        if operation_id not in self.patterns:
            close = difflib.get_close_matches(operation_id, self.patterns, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "GET /api/schema/ lists them."
            raise FaultSpecError({"operation": [f"Unknown operationId {operation_id!r}; {hint}"]})

    def find(self, method: str, path: str) -> str | None:
        """The operationId a request is for (paths come in the router's order: literal segments first)."""
        return next((op for op in self.patterns if self.matches(op, method, path)), None)

    def matches(self, operation_id: str, method: str, path: str) -> bool:
        expected, regex = self.patterns[operation_id]
        return (method == expected or (method == "HEAD" and expected == "GET")) and regex.match(path) is not None


@dataclasses.dataclass
class FaultRule:
    """A rule in force: its spec, its id in the control API, and how many more requests it takes."""

    id: int | str
    spec: FaultSpec
    remaining: int | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.as_json(), "times": self.remaining}


@dataclasses.dataclass(frozen=True)
class Decision:
    """What happens to one request: a delay, then its normal answer, a forced status, or no answer."""

    delay_ms: int = 0
    status: int | None = None
    drop: bool = False
    detail: str | None = None
    body: str | None = None
    rules: tuple[int | str, ...] = ()

    @property
    def label(self) -> str:
        """The `X-Mock-Fault` header and the journal's `fault`: what was done, by which rules."""
        parts = [f"delay={self.delay_ms}"] if self.delay_ms else []
        parts += [f"status={self.status}"] if self.status else []
        parts += ["drop"] if self.drop else []
        return "; ".join([*parts, "rules=" + ",".join(str(rule) for rule in self.rules)])


class FaultBook:
    """The rules in force and the seeded random source; changed through the control API."""

    def __init__(self, operations: OperationIndex, seed: int, specs: Iterable[FaultSpec] = ()) -> None:
        self.operations = operations
        self.seed = seed
        self.rules: list[FaultRule] = []
        self.clear()
        for spec in specs:
            self.add(spec)

    @classmethod
    def start(cls, settings: Settings, document: Mapping[str, Any]) -> FaultBook:
        """The rules of `--delay`, `--error-rate` and each `--fault`, in that order."""
        specs = []
        if settings.delay is not None and settings.delay.high > 0:
            specs.append(FaultSpec(delay=settings.delay))
        if settings.error_rate > 0:
            specs.append(FaultSpec(status=500, rate=settings.error_rate))
        return cls(OperationIndex(document), settings.seed, [*specs, *settings.faults])

    def add(self, spec: FaultSpec) -> FaultRule:
        """Put a rule in force; an unknown operationId is refused, naming the closest ones."""
        if spec.operation is not None:
            self.operations.check(spec.operation)
        rule = FaultRule(self.next_id, spec, spec.times)
        self.next_id += 1
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        kept = [rule for rule in self.rules if rule.id != rule_id]
        removed = len(kept) != len(self.rules)
        self.rules = kept
        return removed

    def clear(self) -> None:
        """No rules; ids start at 1 and the random source at its seed again."""
        self.rules = []
        self.next_id = 1
        # Not for security: a seeded, repeatable sequence is the point.
        self.random = random.Random(self.seed)  # noqa: S311

    def decide(self, method: str, path: str, preference: FaultSpec | None = None) -> Decision | None:
        """What happens to a request; None when no rule applies."""
        targeted = [rule for rule in reversed(self.rules) if not rule.spec.is_global]
        general = [rule for rule in reversed(self.rules) if rule.spec.is_global]
        candidates = ([FaultRule("prefer", preference, None)] if preference else []) + targeted + general
        delay: int | None = None
        outcome: FaultSpec | None = None
        used: list[FaultRule] = []
        for rule in candidates:
            if delay is not None and outcome is not None:
                break
            spec = rule.spec
            wants_delay = spec.delay is not None and delay is None
            wants_outcome = (spec.status is not None or spec.drop) and outcome is None
            if not (wants_delay or wants_outcome) or not self._matches(spec, method, path):
                continue
            if spec.rate < 1 and self.random.random() >= spec.rate:
                continue
            if wants_delay and spec.delay is not None:
                delay = self._pick(spec.delay)
            if wants_outcome:
                outcome = spec
            used.append(rule)
        if not used:
            return None
        self._count(used)
        return Decision(
            delay_ms=delay or 0,
            status=outcome.status if outcome else None,
            drop=bool(outcome and outcome.drop),
            detail=outcome.detail if outcome else None,
            body=outcome.body if outcome else None,
            rules=tuple(rule.id for rule in used),
        )

    def _matches(self, spec: FaultSpec, method: str, path: str) -> bool:
        if spec.operation is not None:
            return self.operations.matches(spec.operation, method, path)
        if spec.path is not None:
            methods = {method, "GET"} if method == "HEAD" else {method}
            return (spec.method is None or spec.method in methods) and fnmatch.fnmatchcase(path, spec.path)
        return True

    def _pick(self, delay: Delay) -> int:
        return delay.low if delay.low == delay.high else self.random.randint(delay.low, delay.high)

    def _count(self, used: list[FaultRule]) -> None:
        """Rules with `times` count down, and leave when they reach 0."""
        for rule in used:
            if rule.remaining is not None:
                rule.remaining -= 1
        self.rules = [rule for rule in self.rules if rule.remaining is None or rule.remaining > 0]
