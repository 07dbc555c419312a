"""What a run found: collected from the Schemathesis engine's events, told per operation, written as text and JUnit.

Every text that leaves this module goes through `Masker`: the token and password of the run never
appear, and each curl line sends `Authorization: Token ${INVENTREE_TOKEN}`, so that it reproduces the
request in one command once the variable holds a token.
"""

from __future__ import annotations

import base64
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from schemathesis.core.failures import Failure, format_failures
from schemathesis.engine import Status, events

from contract_tests.config import MASK, env_name

if TYPE_CHECKING:
    from schemathesis.config import OutputConfig
    from schemathesis.engine.recorder import ScenarioRecorder

# Characters XML 1.0 forbids even as references; a fuzzed request can carry any of them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FILTERED = "[Filtered]"  # what Schemathesis writes for a sanitized header value
TOKEN_REFERENCE = f"Token ${{{env_name('token')}}}"
REFUSED_HEADING = "No request succeeded, some were refused with 401/403 (the user lacks the permission; hardly tested):"


class Masker:
    """Removes secrets from text, and makes curl lines read the token from the environment."""

    def __init__(self, secrets: Iterable[str], username: str | None = None) -> None:
        values = {secret for secret in secrets if secret}
        if username:
            for secret in list(values):
                values.add(base64.b64encode(f"{username}:{secret}".encode()).decode())
        self._secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def curl(self, line: str) -> str:
        """A curl line that authenticates with the token in `$INVENTREE_TOKEN` (double quotes expand it)."""
        line = self(line)
        for quoted in (f"'Authorization: {FILTERED}'", f"'Authorization: Token {MASK}'"):
            line = line.replace(quoted, f'"Authorization: {TOKEN_REFERENCE}"')
        return line


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0


@dataclass
class FailureRecord:
    """One distinct failure: the first request that showed it, and how to send that request again."""

    operation: str
    check: str
    title: str
    details: str
    reproduce: list[str]


@dataclass
class OperationResult:
    label: str
    tags: tuple[str, ...] = ()
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    checks: dict[str, Tally] = field(default_factory=dict)
    failures: list[FailureRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def refused_every_request(self) -> bool:
        """No request succeeded and some were refused with 401/403: the user may not use this operation."""
        succeeded = any(200 <= status < 300 for status in self.statuses)
        return not succeeded and bool({401, 403} & set(self.statuses))

    @property
    def status(self) -> str:
        if self.failures:
            return "failed"
        if self.errors:
            return "error"
        return "passed" if self.requests else "untested"


@dataclass
class Report:
    """The outcome of one run; `exit_code` is what the CLI returns."""

    target: str
    settings: str
    operations: dict[str, OperationResult]
    tolerated: Counter[str]
    rule_reasons: dict[str, str]
    run_failures: list[FailureRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fatal: str | None = None
    cleanup: list[str] = field(default_factory=list)
    duration: float = 0.0

    @property
    def failures(self) -> list[FailureRecord]:
        return [f for op in self.operations.values() for f in op.failures] + self.run_failures

    @property
    def exit_code(self) -> int:
        """0 when the server conforms, 1 when it does not, 2 when the run could not reach a verdict."""
        if self.fatal is not None:
            return 2
        if self.failures or self.errors or any(op.errors for op in self.operations.values()):
            return 1
        return 0

    def check_totals(self) -> dict[str, Tally]:
        totals: dict[str, Tally] = {}
        for operation in self.operations.values():
            for name, tally in operation.checks.items():
                total = totals.setdefault(name, Tally())
                total.passed += tally.passed
                total.failed += tally.failed
        return dict(sorted(totals.items()))


class Collector:
    """Turns engine events into a Report; thread-safe, as the engine may run several workers."""

    def __init__(
        self,
        *,
        target: str,
        settings: str,
        operations: Iterable[tuple[str, tuple[str, ...]]],
        masker: Masker,
        output: OutputConfig,
    ) -> None:
        self.masker = masker
        self.output = output
        self.report = Report(
            target=target,
            settings=settings,
            operations={label: OperationResult(label, tags) for label, tags in operations},
            tolerated=Counter(),
            rule_reasons={},
        )
        self._seen: set[tuple[str, str, Failure]] = set()
        self._lock = threading.Lock()

    def handle(self, event: events.EngineEvent) -> None:
        with self._lock:
            if isinstance(event, events.ScenarioFinished):
                self._scenario(event.recorder)
            elif isinstance(event, events.NonFatalError):
                message = self.masker(f"{event.label}: {event.info.format()}")
                target = self.report.operations.get(event.label)
                (target.errors if target is not None else self.report.errors).append(message)
            elif isinstance(event, events.FatalError):
                self.report.fatal = self.masker(f"{type(event.exception).__name__}: {event.exception}")
            elif isinstance(event, events.EngineFinished):
                self.report.duration = event.running_time
                for failure in event.failures:
                    self.report.run_failures.append(
                        FailureRecord("(run)", "after-run", failure.title, self.masker(failure.message), [])
                    )

    def _scenario(self, recorder: ScenarioRecorder) -> None:
        for case_id, node in recorder.cases.items():
            label = node.value.operation.label
            operation = self.report.operations.setdefault(label, OperationResult(label))
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and interaction.response is not None:
                operation.requests += 1
                if str(interaction.request.method).upper() == node.value.operation.method.upper():
                    # Probes with other methods (OPTIONS, TRACE) say nothing about the user's permission.
                    operation.statuses[interaction.response.status_code] += 1
            for check in recorder.checks.get(case_id, []):
                tally = operation.checks.setdefault(check.name, Tally())
                if check.status == Status.FAILURE and check.failure_info is not None:
                    tally.failed += 1
                    self._failure(operation, check.name, check.failure_info, interaction)
                elif check.status == Status.SUCCESS:
                    tally.passed += 1

    def _failure(self, operation: OperationResult, check: str, info: Any, interaction: Any) -> None:
        failure: Failure = info.failure
        key = (operation.label, check, failure)
        if key in self._seen:
            return
        self._seen.add(key)
        response = interaction.response if interaction is not None else None
        details = format_failures(
            case_id=None, response=response, failures=[failure], curl=None, config=self.output
        ).strip()
        steps = [step.curl for step in info.steps] or [info.code_sample]
        operation.failures.append(
            FailureRecord(
                operation=operation.label,
                check=check,
                title=failure.title,
                details=self.masker(details),
                reproduce=[self.masker.curl(step) for step in steps],
            )
        )


def render(report: Report) -> str:
    """The text summary: per operation, per check, the expected refusals by rule, then each failure."""
    lines = [f"InvenTree contract suite: {report.target}", f"Settings: {report.settings}"]
    ops = list(report.operations.values())
    counts = Counter(op.status for op in ops)
    lines.append(
        f"Operations: {len(ops)} selected, {len(ops) - counts['untested']} tested, {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['error']} errored, {counts['untested']} untested; "
        f"requests: {sum(op.requests for op in ops)}; time: {report.duration:.0f}s"
    )
    lines += ["", "By operation (requests, result, failing checks):"]
    width = max((len(op.label) for op in ops), default=10)
    for op in sorted(ops, key=lambda item: (item.status != "failed", item.status != "error", item.label)):
        failing = sorted({f.check for f in op.failures})
        extra = f"  {', '.join(failing)}" if failing else ("  (error)" if op.errors else "")
        lines.append(f"  {op.label:<{width}}  {op.requests:>5}  {op.status.upper():<8}{extra}")
    lines += ["", "By check (responses passed / failed):"]
    for name, tally in report.check_totals().items():
        lines.append(f"  {name:<34} {tally.passed:>7} / {tally.failed}")
    if report.tolerated:
        lines += ["", "Expected InvenTree behaviour, not counted as failures (rule: responses):"]
        for rule, count in sorted(report.tolerated.items()):
            lines.append(f"  {rule}: {count}  ({report.rule_reasons.get(rule, '')})")
    refused = [op.label for op in ops if op.refused_every_request]
    if refused:
        lines += ["", REFUSED_HEADING]
        lines += [f"  {label}" for label in sorted(refused)]
    problems = [*report.errors, *(f"{op.label}: {e}" for op in ops for e in op.errors)]
    if problems:
        lines += ["", "Errors (requests that did not get an answer to judge):"]
        lines += [_indent(problem, "  ") for problem in problems]
    if report.failures:
        lines += ["", f"Failures ({len(report.failures)}):"]
        for number, failure in enumerate(report.failures, start=1):
            lines.append(f"{number}. {failure.operation}  [{failure.check}] {failure.title}")
            lines.append(_indent(failure.details, "   "))
            if failure.reproduce:
                lines.append("   Reproduce:" if len(failure.reproduce) == 1 else "   Reproduce, in order:")
                lines += [_indent(step, "     ") for step in failure.reproduce]
    if report.cleanup:
        lines += ["", "Clean-up:"] + [f"  {line}" for line in report.cleanup]
    lines += ["", verdict(report)]
    return "\n".join(lines) + "\n"


def verdict(report: Report) -> str:
    if report.fatal is not None:
        return f"Result: NO VERDICT: {report.fatal} (exit 2)"
    failures = report.failures
    if failures:
        where = len({f.operation for f in failures})
        return f"Result: DOES NOT CONFORM: {len(failures)} failures in {where} operations (exit 1)"
    if report.exit_code == 1:
        return "Result: DOES NOT CONFORM: requests went unanswered (exit 1)"
    return "Result: CONFORMS (exit 0)"


def write_junit(report: Report, path: Path, masker: Masker) -> None:
    """One test case per operation; a failure element per distinct failure, with its curl line."""
    ops = list(report.operations.values())
    suite_counts = {
        "tests": str(len(ops)),
        "failures": str(sum(1 for op in ops if op.failures)),
        "errors": str(sum(1 for op in ops if op.errors and not op.failures) + (1 if report.fatal else 0)),
        "skipped": str(sum(1 for op in ops if op.status == "untested")),
        "time": f"{report.duration:.3f}",
    }
    root = ElementTree.Element("testsuites", suite_counts)
    suite = ElementTree.SubElement(root, "testsuite", {"name": "inventree-contract", **suite_counts})
    for op in ops:
        case = ElementTree.SubElement(suite, "testcase", {"classname": ".".join(op.tags) or "api", "name": op.label})
        for failure in op.failures:
            element = ElementTree.SubElement(case, "failure", {"type": failure.check, "message": _xml(failure.title)})
            element.text = _xml(failure.details + "\n\nReproduce:\n" + "\n".join(failure.reproduce))
        for error in op.errors:
            ElementTree.SubElement(case, "error", {"message": _xml(error.splitlines()[0][:200])}).text = _xml(error)
        if op.status == "untested":
            ElementTree.SubElement(case, "skipped", {"message": "no request was made"})
    if report.fatal:
        ElementTree.SubElement(
            ElementTree.SubElement(suite, "testcase", {"classname": "run", "name": "run"}),
            "error",
            {"message": _xml(report.fatal[:200])},
        ).text = _xml(report.fatal)
    ElementTree.indent(root)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(masker(text), encoding="utf-8")


def _xml(text: str) -> str:
    return XML_ILLEGAL.sub(lambda match: ascii(match.group())[1:-1], text)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())
