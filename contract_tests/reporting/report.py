"""What a run found: collected from the Schemathesis engine's events, told per operation, written as text and JUnit.

Every text that leaves this module goes through `Masker`: the token and password of the run never
appear, and each curl line sends `Authorization: Token ${INVENTREE_TOKEN}`, so that it reproduces the
request in one command once the variable holds a token.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import requests
from schemathesis.core.errors import NoLinksFound
from schemathesis.core.failures import Failure, format_failures
from schemathesis.engine import Status, events
from schemathesis.engine.recorder import Request

from contract_tests.drift import Drift, explain, render_drift
from contract_tests.reporting.baseline import ERROR_CHECK, Entry, failure_detail, fingerprint, stable
from contract_tests.reporting.masking import TOKEN_REFERENCE, Masker

__all__ = ["TOKEN_REFERENCE", "Collector", "FailureRecord", "Masker", "Report", "render", "reproduction", "write_junit"]

if TYPE_CHECKING:
    from schemathesis.config import OutputConfig
    from schemathesis.engine.recorder import ScenarioRecorder

# Characters XML 1.0 forbids even as references; a fuzzed request can carry any of them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REFUSED_HEADING = "No request succeeded, some were refused with 401/403 (the user lacks the permission; hardly tested):"


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
    fingerprint: str = ""  # stable across runs (see reporting.baseline); "" until the collector sets it
    # What the failure is about: its title, the first lines of its message and the path of the value at
    # fault; drift is matched against this, not the details, which dump the whole schema and body.
    subject: str = ""
    drift: list[str] = field(default_factory=list)  # the server's drift from the contract that explains it
    known: str | None = None  # the reason of the baseline entry that accepts it

    @property
    def gates(self) -> bool:
        """Whether this failure fails the run: not explained by drift, not accepted by the baseline."""
        return not self.drift and self.known is None


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
    drift: Drift | None = None
    # Errors of operations that drift or the baseline explains: the error text -> why it does not gate.
    settled_errors: dict[str, str] = field(default_factory=dict)
    stale_baseline: list[Entry] = field(default_factory=list)  # known failures this run did not see
    baseline: Path | None = None
    stopped: str | None = None  # why the run stopped before the end (--max-duration)
    notes: list[str] = field(default_factory=list)  # what was not tested, and why

    @property
    def failures(self) -> list[FailureRecord]:
        return [f for op in self.operations.values() for f in op.failures] + self.run_failures

    @property
    def gating_failures(self) -> list[FailureRecord]:
        return [failure for failure in self.failures if failure.gates]

    def gating_errors(self) -> list[str]:
        errors = [*self.errors, *(f"{op.label}: {e}" for op in self.operations.values() for e in op.errors)]
        return [error for error in errors if error not in self.settled_errors]

    @property
    def exit_code(self) -> int:
        """0 when the server conforms, 1 when it does not, 2 when the run could not reach a verdict.

        Failures and errors that the server's drift from the contract explains, or that the baseline
        accepts, are reported but do not count: only the rest make a run fail.
        """
        if self.fatal is not None:
            return 2
        if self.gating_failures or self.gating_errors():
            return 1
        return 0

    def judge(self, drift: Drift | None, known: list[Entry]) -> None:
        """Mark what drift explains and what the baseline accepts; list baseline entries not seen again."""
        self.drift = drift
        accepted = {entry.fingerprint: entry for entry in known}
        seen: set[str] = set()
        for failure in self.failures:
            failure.drift = [change.describe() for change in explain(drift, failure.operation, _text(failure))]
            entry = accepted.get(failure.fingerprint)
            if entry is not None:
                failure.known = entry.reason or "(no reason given)"
                seen.add(entry.fingerprint)
        self.settled_errors = {}
        for label, error, text in self._errors():
            changes = explain(drift, label, error)
            entry = accepted.get(error_fingerprint(label, error))
            if changes:
                self.settled_errors[text] = "drift: " + "; ".join(change.describe() for change in changes)
            elif entry is not None:
                self.settled_errors[text] = "known: " + (entry.reason or "(no reason given)")
                seen.add(entry.fingerprint)
        self.stale_baseline = [entry for entry in known if entry.fingerprint not in seen]

    def baseline_entries(self) -> list[Entry]:
        """Every failure and error of this run, as baseline entries (with the reasons already known)."""
        entries = [
            Entry(failure.operation, failure.check, failure.title, failure.fingerprint, failure.known or "")
            for failure in self.failures
            if not failure.drift
        ]
        for label, error, _ in self._errors():
            if not explain(self.drift, label, error):
                entries.append(Entry(label, ERROR_CHECK, stable(error), error_fingerprint(label, error)))
        return entries

    def _errors(self) -> list[tuple[str, str, str]]:
        """Every error as (operation label or "(run)", message, the text the report shows)."""
        found = [("(run)", error, error) for error in self.errors]
        for operation in self.operations.values():
            found += [(operation.label, error, f"{operation.label}: {error}") for error in operation.errors]
        return found

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
            elif isinstance(event, events.NonFatalError) and isinstance(event.value, NoLinksFound):
                # The selection leaves no linked operations: the stateful phase has nothing to chain.
                self.report.notes.append("stateful sequences not tested: the selection holds no linked operations")
            elif isinstance(event, events.NonFatalError):
                message = self.masker(one_line(event.info.title, event.info.message))
                target = self.report.operations.get(event.label)
                errors = target.errors if target is not None else self.report.errors
                if target is None:
                    message = f"{event.label}: {message}"
                if message not in errors:  # a hostile server answers each request alike: say it once
                    errors.append(message)
            elif isinstance(event, events.FatalError):
                self.report.fatal = self.masker(f"{type(event.exception).__name__}: {event.exception}")
            elif isinstance(event, events.EngineFinished):
                self.report.duration = event.running_time
                for failure in event.failures:
                    message = self.masker(failure.message)
                    self.report.run_failures.append(
                        FailureRecord(
                            "(run)",
                            "after-run",
                            failure.title,
                            message,
                            [],
                            fingerprint=fingerprint("(run)", "after-run", failure.title, message),
                        )
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
                    self._failure(operation, check.name, check.failure_info, interaction, recorder)
                elif check.status == Status.SUCCESS:
                    tally.passed += 1

    def _failure(
        self, operation: OperationResult, check: str, info: Any, interaction: Any, recorder: ScenarioRecorder
    ) -> None:
        failure: Failure = info.failure
        key = (operation.label, check, failure)
        if key in self._seen:
            return
        self._seen.add(key)
        response = interaction.response if interaction is not None else None
        details = format_failures(
            case_id=None, response=response, failures=[failure], curl=None, config=self.output
        ).strip()
        operation.failures.append(
            FailureRecord(
                operation=operation.label,
                check=check,
                title=failure.title,
                details=self.masker(details),
                reproduce=reproduction(self.masker, info, interaction, recorder),
                fingerprint=fingerprint(operation.label, check, failure.title, failure_detail(failure)),
                subject=self.masker(subject_of(failure)),
            )
        )


def reproduction(masker: Masker, info: Any, interaction: Any, recorder: ScenarioRecorder | None) -> list[str]:
    """Curl lines for the requests a failure needs, as they were sent (see reporting.curl)."""
    sent = getattr(getattr(info.failure, "exception", None), "sent", None)
    if isinstance(sent, requests.PreparedRequest):
        # A check's own request (e.g. the same request without credentials) is the one that failed.
        return [masker.curl_for(Request.from_prepared_request(sent))]
    if info.steps:
        found = [recorder.interactions.get(step.case_id) if recorder is not None else None for step in info.steps]
        if all(item is not None for item in found):
            return [masker.curl_for(item.request) for item in found if item is not None]
        return [masker.curl(step.curl) for step in info.steps]
    if interaction is not None:
        return [masker.curl_for(interaction.request)]
    return [masker.curl(info.code_sample)]


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
    lines += [f"Note: {note}" for note in report.notes]
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
    problems = report.gating_errors()
    if problems:
        lines += ["", "Errors (requests that did not get an answer to judge):"]
        lines += [_indent(problem, "  ") for problem in problems]
    gating = report.gating_failures
    if gating:
        lines += ["", f"Failures ({len(gating)}):"]
        for number, failure in enumerate(gating, start=1):
            lines += _failure_lines(number, failure)
    lines += _settled_lines(report)
    if report.cleanup:
        lines += ["", "Clean-up:"] + [f"  {line}" for line in report.cleanup]
    if report.stopped:
        lines += ["", f"Stopped early: {report.stopped}"]
    lines += ["", verdict(report)]
    return "\n".join(lines) + "\n"


def _settled_lines(report: Report) -> list[str]:
    """The drift section, the failures drift explains, the known ones, and baseline entries not seen again."""
    lines: list[str] = []
    if report.drift is not None:
        lines += ["", *render_drift(report.drift)]
    drifted = [failure for failure in report.failures if failure.drift]
    drifted_errors = {text: why for text, why in report.settled_errors.items() if why.startswith("drift: ")}
    if drifted or drifted_errors:
        lines += ["", f"On drifted parts, not counted ({len(drifted) + len(drifted_errors)}):"]
        for number, failure in enumerate(drifted, start=1):
            lines += _failure_lines(number, failure)
            lines += [f"   Drift: {change}" for change in failure.drift]
        lines += [_indent(f"{text}\n   {why}", "  ") for text, why in drifted_errors.items()]
    known = [failure for failure in report.failures if failure.known is not None and not failure.drift]
    known_errors = {text: why for text, why in report.settled_errors.items() if why.startswith("known: ")}
    if known or known_errors:
        lines += ["", f"Known failures, accepted by the baseline {report.baseline} ({len(known) + len(known_errors)}):"]
        lines += [f"  {f.operation}  [{f.check}] {f.title}  ({f.fingerprint}: {f.known})" for f in known]
        lines += [f"  {text.splitlines()[0]}  ({why})" for text, why in known_errors.items()]
    if report.stale_baseline:
        lines += ["", f"Baseline entries that no longer occur ({len(report.stale_baseline)}; remove them):"]
        lines += [f"  {e.operation}  [{e.check}] {e.title}  ({e.fingerprint})" for e in report.stale_baseline]
    return lines


def _failure_lines(number: int, failure: FailureRecord) -> list[str]:
    lines = [f"{number}. {failure.operation}  [{failure.check}] {failure.title}"]
    lines.append(_indent(failure.details, "   "))
    if failure.reproduce:
        lines.append("   Reproduce:" if len(failure.reproduce) == 1 else "   Reproduce, in order:")
        lines += [_indent(step, "     ") for step in failure.reproduce]
    return lines


def verdict(report: Report) -> str:
    if report.fatal is not None:
        return f"Result: NO VERDICT: {report.fatal} (exit 2)"
    failures = report.gating_failures
    settled = len(report.failures) - len(failures) + len(report.settled_errors)
    apart = f"; {settled} more explained by drift or known" if settled else ""
    if failures:
        where = len({f.operation for f in failures})
        return f"Result: DOES NOT CONFORM: {len(failures)} failures in {where} operations{apart} (exit 1)"
    if report.exit_code == 1:
        return f"Result: DOES NOT CONFORM: requests went unanswered{apart} (exit 1)"
    return f"Result: CONFORMS{apart} (exit 0)"


def write_junit(report: Report, path: Path, masker: Masker) -> None:
    """One test case per operation; a failure element per distinct failure, with its curl line."""
    ops = list(report.operations.values())
    suite_counts = {
        "tests": str(len(ops)),
        "failures": str(sum(1 for op in ops if any(failure.gates for failure in op.failures))),
        "errors": str(
            sum(1 for op in ops if _gating_errors(report, op) and not op.failures) + (1 if report.fatal else 0)
        ),
        "skipped": str(sum(1 for op in ops if op.status == "untested")),
        "time": f"{report.duration:.3f}",
    }
    root = ElementTree.Element("testsuites", suite_counts)
    suite = ElementTree.SubElement(root, "testsuite", {"name": "inventree-contract", **suite_counts})
    for op in ops:
        case = ElementTree.SubElement(suite, "testcase", {"classname": ".".join(op.tags) or "api", "name": op.label})
        settled = []
        for failure in op.failures:
            if not failure.gates:  # explained by drift or accepted by the baseline: told, not failed
                why = "drift: " + "; ".join(failure.drift) if failure.drift else f"known: {failure.known}"
                settled.append(f"[{failure.check}] {failure.title} ({why})")
                continue
            element = ElementTree.SubElement(case, "failure", {"type": failure.check, "message": _xml(failure.title)})
            element.text = _xml(failure.details + "\n\nReproduce:\n" + "\n".join(failure.reproduce))
        if settled:
            ElementTree.SubElement(case, "system-out").text = _xml("\n".join(settled))
        for error in _gating_errors(report, op):
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


def _gating_errors(report: Report, operation: OperationResult) -> list[str]:
    return [error for error in operation.errors if f"{operation.label}: {error}" not in report.settled_errors]


def one_line(title: str, message: str) -> str:
    """An engine error as one printable line: `Network Error: Read timed out after 10 seconds`."""
    first = next((line.strip() for line in message.splitlines() if line.strip()), "")
    text = f"{title}: {first}" if first and first != title else title
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def error_fingerprint(operation: str, error: str) -> str:
    return fingerprint(operation, ERROR_CHECK, "", error)


def _text(failure: FailureRecord) -> str:
    return failure.subject or f"{failure.title}\n{failure.details}"


def subject_of(failure: Failure) -> str:
    """A failure's title, the first two lines of its message, and the names on the path of the value at fault."""
    lines = [line.strip() for line in str(failure.message or "").splitlines() if line.strip()][:2]
    path = [str(part) for part in getattr(failure, "instance_path", None) or [] if not isinstance(part, int)]
    return "\n".join([failure.title, *lines, " ".join(path)])


def _xml(text: str) -> str:
    return XML_ILLEGAL.sub(lambda match: ascii(match.group())[1:-1], text)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())
