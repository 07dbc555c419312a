"""What a comparison found: distinct differences with one example each, told as text and as JUnit XML.

Many generated requests show the same difference (every create refused on one server); a finding is
one difference per identity, operation, kind and place, with how many requests showed it and the
first of them, reproducible with a curl line per server. Every text leaving this module is masked.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from contract_tests.compare.diff import Difference
from contract_tests.compare.known import KnownDifference
from contract_tests.reporting.report import Masker

# Value kinds whose values tell one finding from another; for body fields, only the place does.
VALUED_KINDS = ("status", "content-type", "header:", "body:json", "no-answer")
MORE_VALUES = 3
CURL_NOTE = "curl lines read the identity's token from $REFERENCE_TOKEN and $CANDIDATE_TOKEN"


@dataclass(frozen=True)
class Example:
    """The first request that showed a difference, as sent to each server, and the two answers."""

    reference_steps: tuple[str, ...]  # curl lines: the creates of the objects it names, then the request
    candidate_steps: tuple[str, ...]
    reference_answer: str
    candidate_answer: str


@dataclass
class Finding:
    identity: str
    operation: str  # label, e.g. GET /api/units/{id}/
    operation_id: str
    method: str  # the method sent: the operation's, or another one Schemathesis probes the path with
    difference: Difference
    example: Example
    count: int = 1
    other_values: list[str] = field(default_factory=list)
    known: str | None = None  # the reason, when the difference is a known one

    def title(self) -> str:
        where = f" {self.difference.path}" if self.difference.path else ""
        sent = f" (sent as {self.method})" if not self.operation.startswith(f"{self.method} ") else ""
        return f"[{self.identity}] {self.operation}{sent}  {self.difference.kind}{where}  ({self.count} requests)"


@dataclass
class Comparison:
    """The outcome of comparing two servers; `exit_code` is what the command returns."""

    reference: str
    candidate: str
    settings: str
    identities: list[str] = field(default_factory=list)
    known: list[KnownDifference] = field(default_factory=list)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)  # (identity, label) -> compared
    skipped: Counter[str] = field(default_factory=Counter)  # identity -> requests not compared
    findings: dict[tuple[str, ...], Finding] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cleanup: list[str] = field(default_factory=list)
    fatal: str | None = None
    duration: float = 0.0
    secrets: list[str] = field(default_factory=list, repr=False)  # the tokens fetched, for masking
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def compared(self, identity: str, label: str) -> None:
        with self._lock:
            self.requests[(identity, label)] += 1

    def add(
        self, identity: str, *, operation_id: str, label: str, method: str, difference: Difference, example: Example
    ) -> None:
        """Count a difference under its finding; the first request that shows it is the example."""
        valued = difference.kind.startswith(VALUED_KINDS)
        values = (difference.reference, difference.candidate) if valued else ()
        key = (identity, label, method, difference.kind, difference.path, *values)
        with self._lock:
            finding = self.findings.get(key)
            if finding is not None:
                finding.count += 1
                pair = f"reference {difference.reference}, candidate {difference.candidate}"
                first = f"reference {finding.difference.reference}, candidate {finding.difference.candidate}"
                if pair != first and pair not in finding.other_values and len(finding.other_values) < MORE_VALUES:
                    finding.other_values.append(pair)
                return
            reason = next(
                (
                    entry.reason
                    for entry in self.known
                    if entry.matches(
                        operation_id=operation_id,
                        label=label,
                        method=method,
                        kind=difference.kind,
                        path=difference.path,
                        identity=identity,
                        reference=difference.reference,
                        candidate=difference.candidate,
                    )
                ),
                None,
            )
            self.findings[key] = Finding(identity, label, operation_id, method, difference, example, known=reason)

    @property
    def differences(self) -> list[Finding]:
        return [finding for finding in self.findings.values() if finding.known is None]

    @property
    def known_found(self) -> list[Finding]:
        return [finding for finding in self.findings.values() if finding.known is not None]

    @property
    def exit_code(self) -> int:
        """0 when the servers answer alike, 1 when they differ (or requests went unanswered), 2 with no verdict."""
        if self.fatal is not None:
            return 2
        return 1 if self.differences or self.errors else 0


def render(comparison: Comparison, masker: Masker) -> str:
    """The text report: totals, per operation, each difference with its example, known ones, clean-up, verdict."""
    lines = [
        "InvenTree comparison",
        f"Reference: {comparison.reference}",
        f"Candidate: {comparison.candidate}",
        f"Settings: as {', '.join(comparison.identities)}; {comparison.settings}",
    ]
    per_identity = Counter[str]()
    for (identity, _), count in comparison.requests.items():
        per_identity[identity] += count
    total = sum(per_identity.values())
    split = ", ".join(f"{name} {per_identity[name]}" for name in comparison.identities)
    lines.append(f"Requests compared: {total} ({split}); time: {comparison.duration:.0f}s")
    skipped = sum(comparison.skipped.values())
    if skipped:
        lines.append(
            f"Not compared: {skipped} requests naming an object only the reference has "
            "(its difference is reported where the object was listed or created)"
        )
    differences, known = comparison.differences, comparison.known_found
    lines += ["", "By operation (identity, requests compared, differences, known):"]
    width = max((len(label) for _, label in comparison.requests), default=10)
    found = Counter((f.identity, f.operation) for f in differences)
    expected = Counter((f.identity, f.operation) for f in known)
    order = sorted(comparison.requests, key=lambda key: (-found[key], key[1], comparison.identities.index(key[0])))
    for identity, label in order:
        key = (identity, label)
        lines.append(
            f"  {label:<{width}}  {identity:<10} {comparison.requests[key]:>6}  {found[key]:>3}  {expected[key]:>3}"
        )
    if differences:
        lines += ["", f"Differences ({len(differences)}; {CURL_NOTE}):"]
        for number, finding in enumerate(differences, start=1):
            lines += _finding(number, finding)
    if known:
        lines += ["", f"Known differences ({len(known)}, not counted):"]
        for finding in known:
            lines.append(f"  {finding.title()}: {finding.difference.describe()}")
            lines.append(f"    reason: {finding.known}")
    if comparison.errors:
        lines += ["", "Errors (requests that did not get an answer to compare):"]
        lines += [f"  {error}" for error in comparison.errors]
    if comparison.cleanup:
        lines += ["", "Clean-up:"] + [f"  {line}" for line in comparison.cleanup]
    lines += ["", verdict(comparison)]
    return masker("\n".join(lines) + "\n")


def _finding(number: int, finding: Finding) -> list[str]:
    example = finding.example
    lines = [f"{number}. {finding.title()}", f"   {finding.difference.describe()}"]
    lines += [f"   also: {values}" for values in finding.other_values]
    lines.append(f"   Reference answered: {example.reference_answer}")
    lines.append(f"   Candidate answered: {example.candidate_answer}")
    for side, steps in (("reference", example.reference_steps), ("candidate", example.candidate_steps)):
        lines.append(f"   Reproduce on the {side}:" if len(steps) == 1 else f"   Reproduce on the {side}, in order:")
        lines += [f"     {step}" for step in steps]
    return lines


def verdict(comparison: Comparison) -> str:
    if comparison.fatal is not None:
        return f"Result: NO VERDICT: {comparison.fatal} (exit 2)"
    differences = comparison.differences
    if differences:
        where = len({(f.identity, f.operation) for f in differences})
        return f"Result: DIFFERENT: {len(differences)} differences in {where} operations (exit 1)"
    if comparison.errors:
        return "Result: NO COMPARISON for some requests: they went unanswered (exit 1)"
    known = f", apart from {len(comparison.known_found)} known differences" if comparison.known_found else ""
    return f"Result: EQUIVALENT{known} (exit 0)"


def write_junit(comparison: Comparison, path: Path, masker: Masker) -> None:
    """One test case per identity and operation; a failure element per difference found in it."""
    keys = sorted(comparison.requests, key=lambda key: (comparison.identities.index(key[0]), key[1]))
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for finding in comparison.differences:
        by_case.setdefault((finding.identity, finding.operation), []).append(finding)
    counts = {
        "tests": str(len(keys)),
        "failures": str(sum(1 for key in keys if key in by_case)),
        "errors": str(len(comparison.errors) + (1 if comparison.fatal else 0)),
        "skipped": "0",
        "time": f"{comparison.duration:.3f}",
    }
    root = ElementTree.Element("testsuites", counts)
    suite = ElementTree.SubElement(root, "testsuite", {"name": "inventree-compare", **counts})
    for identity, label in keys:
        case = ElementTree.SubElement(suite, "testcase", {"classname": f"compare.{identity}", "name": label})
        for finding in by_case.get((identity, label), []):
            element = ElementTree.SubElement(
                case, "failure", {"type": finding.difference.kind, "message": finding.difference.describe()[:200]}
            )
            element.text = "\n".join(_finding(1, finding)[1:])
    for error in [*comparison.errors, *([comparison.fatal] if comparison.fatal else [])]:
        case = ElementTree.SubElement(suite, "testcase", {"classname": "compare", "name": "run"})
        ElementTree.SubElement(case, "error", {"message": error[:200]}).text = error
    ElementTree.indent(root)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(masker(_xml_safe(text)), encoding="utf-8")


def _xml_safe(text: str) -> str:
    return "".join(ch if ch in "\t\n\r" or " " <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" else "?" for ch in text)
