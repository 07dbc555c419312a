"""Point Schemathesis at a server: load the contract, configure the engine, run it, collect a Report.

Generation, the property-based and stateful phases, the default checks and the request/response
plumbing are Schemathesis' and Hypothesis'. This module only chooses their settings, adds the
InvenTree checks and rules, and keeps the run deterministic: a fixed seed and derandomized
generation unless `--seed` says otherwise.
"""

from __future__ import annotations

import copy
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from queue import Empty, Queue
from typing import Any, TextIO

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

import contract_tests.checks  # noqa: F401  (importing the package registers every InvenTree check)
from contract_tests import deadline
from contract_tests.auth import Login, connect, connect_second
from contract_tests.checks import authorization, rules
from contract_tests.checks.authorization import SecondUser
from contract_tests.config import Settings
from contract_tests.drift import Drift, detect
from contract_tests.errors import Interrupted, UsageError
from contract_tests.reporting import baseline
from contract_tests.reporting.progress import RunProgress
from contract_tests.reporting.report import Collector, Masker, Report
from contract_tests.staging.cleanup import CreatedObjects
from contract_tests.staging.discovery import Known, discover
from contract_tests.staging.guard import Guard
from contract_tests.staging.shield import signals_held
from spec import load_spec, operations

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A machine setting is reached only with an existing machine, one of its keys and its config type at
# once; these operations get more examples, so that enough of them name all three.
DEEP_OPERATIONS = frozenset({"machine_settings_retrieve", "machine_settings_update", "machine_settings_partial_update"})
DEEP_FACTOR = 3
# The stateful phase is one test over all links, not one per operation: it gets this many times
# the examples of an operation, so that the sequences reach machines, settings and restarts.
STATEFUL_FACTOR = 5
# GET with a side effect: marks every notification of the user read (shared facts: "Notifications").
SIDE_EFFECT_GETS = ("notifications_readall_retrieve",)
# How long a run stopped by --max-duration waits for the engine to finish the test in hand.
STOP_GRACE_S = 30.0
# What Schemathesis masks in what it prints (curl lines, failure details): the credentials InvenTree
# takes, exactly these keys. Its default also masks any key holding "auth" or "key", which turns a
# news item's `author` into "[Filtered]" and a curl line into one that no longer sends the request.
SECRET_KEYS = ("authorization", "proxy-authorization", "cookie", "set-cookie", "x-csrftoken", "csrftoken", "sessionid")
# Parts of a key that make it a secret (an empty list would bring Schemathesis' defaults back).
SECRET_MARKERS = ("authorization", "cookie", "csrf", "sessionid")


def contract(settings: Settings) -> dict[str, Any]:
    """The document to test against: the one handed in, or the spec with or without overlays."""
    if settings.document is not None:
        return dict(settings.document)
    return load_spec(published=settings.published)


def schemathesis_config(
    settings: Settings, login: Login, deselected: Iterable[str] = (), known: Known | None = None
) -> SchemathesisConfig:
    """Schemathesis settings for a run, as its own configuration file would state them."""
    coverage: dict[str, Any] = {}
    if settings.read_only:
        # Probes for undocumented methods would send PUT and DELETE; TRACE changes nothing.
        coverage["unexpected-methods"] = ["trace"]
    deselected = sorted(deselected)
    dictionaries, bindings = (known if known is not None else Known.builtin()).config()
    return SchemathesisConfig.from_dict(
        {
            "base-url": settings.root_url,
            "seed": settings.seed,
            "workers": settings.workers,
            "request-timeout": settings.request_timeout,
            "max-redirects": deadline.MAX_REDIRECTS,
            "output": {
                "sanitization": {"keys-to-sanitize": list(SECRET_KEYS), "sensitive-markers": list(SECRET_MARKERS)}
            },
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            # No state in the working directory: every run starts from the seed alone.
            "cache": {"enabled": False},
            "headers": login.headers(),
            "generation": {
                "mode": "all",
                "max-examples": settings.max_examples,
                "deterministic": True,
                "database": "none",
                # Django refuses NUL in any text field ("Null characters are not allowed."), so a
                # schema-valid string must not carry one.
                "allow-x00": False,
                # Credentials are ours; generated tokens and `sessionid` cookies would only test DRF's
                # authentication classes against each other, which the ignored_auth check does properly.
                "with-security-parameters": False,
            },
            "phases": {
                "coverage": coverage,
                "stateful": {
                    "max-steps": settings.max_steps,
                    "generation": {"max-examples": STATEFUL_FACTOR * settings.max_examples},
                },
            },
            # Operations outside the selection are switched off in the configuration, not filtered on
            # the schema, so that the pytest plugin and the engine select alike, and so that no
            # request (not even an undocumented-method probe) reaches them.
            "operations": ([{"include-operation-id": deselected, "enabled": False}] if deselected else [])
            + [
                {"include-operation-id": operation_id, "parameters": parameters}
                | (
                    {"generation": {"max-examples": DEEP_FACTOR * settings.max_examples}}
                    if operation_id in DEEP_OPERATIONS
                    else {}
                )
                for operation_id, parameters in sorted(bindings.items())
            ],
            "dictionaries": dictionaries,
        }
    )


def build_schema(
    settings: Settings,
    login: Login,
    *,
    document: Mapping[str, Any] | None = None,
    ledger: rules.Ledger | None = None,
    created: CreatedObjects | None = None,
    known: Known | None = None,
) -> BaseSchema:
    """The Schemathesis schema for a run: the selected operations, the InvenTree rules and clean-up hooks."""
    document = dict(document) if document is not None else contract(settings)
    chosen = selection(settings, document)
    everything = {str(operation.get("operationId")) for _, _, operation in operations(document)}
    config = schemathesis_config(settings, login, deselected=everything - set(chosen), known=known)
    schema = schemathesis.openapi.from_dict(document, config=config)
    # The selection lives in the configuration; applied here too, it also bounds the state machine.
    schema.filter_set = config.projects.default.operations.filter_set_with(include=schema.filter_set)
    schema.hook("filter_failure")(rules.failure_filter(ledger if ledger is not None else rules.Ledger()))
    if created is not None:
        schema.hook("after_call")(created.hook())
    return schema


def selection(settings: Settings, document: Mapping[str, Any]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The operations to test, `operationId -> (label, tags)`; names no contract has are a UsageError."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    known_names: set[str] = set()
    known_tags: set[str] = set()
    wanted, tags, excluded = set(settings.operations), set(settings.tags), set(settings.exclude)
    for method, path, operation in operations(dict(document)):
        operation_id, label = str(operation.get("operationId")), f"{method} {path}"
        operation_tags = tuple(operation.get("tags", []))
        known_names |= {operation_id, label}
        known_tags |= set(operation_tags)
        if wanted and not wanted & {operation_id, label}:
            continue
        if tags and not tags & set(operation_tags):
            continue
        if excluded & {operation_id, label, *operation_tags}:
            continue
        if settings.read_only and (method not in SAFE_METHODS or operation_id in SIDE_EFFECT_GETS):
            continue
        found[operation_id] = (label, operation_tags)
    unknown = sorted(wanted - known_names)
    if unknown:
        raise UsageError(
            f"--operations names no operation of the contract: {', '.join(unknown)} "
            "(use operationIds such as units_list, or labels such as 'GET /api/units/'; `python -m spec` lists them)"
        )
    unknown = sorted(excluded - known_names - known_tags)
    if unknown:
        raise UsageError(
            f"--exclude names no operation or tag of the contract: {', '.join(unknown)} "
            "(use operationIds such as email_generate_create, labels, or tags such as email)"
        )
    unknown = sorted(tags - known_tags)
    if unknown:
        raise UsageError(
            f"--tag names no tag of the contract: {', '.join(unknown)} (known: {', '.join(sorted(known_tags))})"
        )
    if not found:
        raise UsageError("the selection leaves no operation to test; widen --operations or --tag, or drop --read-only")
    return found


def run(
    settings: Settings,
    *,
    login: Login | None = None,
    progress: TextIO | None = sys.stderr,
    on_event: Callable[[events.EngineEvent], None] | None = None,
) -> Report:
    """Run the suite against `settings.base_url` and return what it found. Raises ContractError before testing.

    Stopped midway (Ctrl-C; SIGTERM in the CLI), it still deletes what it created and writes back what it
    changed, then raises `Interrupted` saying so.
    """
    document = contract(settings)
    selected = list(selection(settings, document).values())  # a usage error shows before any request
    known = _known_failures(settings)
    login = login if login is not None else connect(settings)
    drift = _DriftInBackground(settings, document) if settings.drift else None
    second = connect_second(settings)
    ledger, created = rules.Ledger(), CreatedObjects()
    guard = guard_for(settings, login, created)
    masker = Masker([*settings.secrets(), login.token.reveal(), *second_secrets(second)], settings.username)
    if guard is not None:
        guard.attach(document)
    if second is not None:
        authorization.attach(document, second)
    report: Report | None = None
    interrupted = False
    try:
        try:
            report = _test(
                settings,
                login,
                second=second,
                document=document,
                selected=selected,
                ledger=ledger,
                created=created,
                masker=masker,
                progress=progress,
                on_event=on_event,
            )
        except KeyboardInterrupt:
            interrupted = True
        except BaseException:
            # The run broke off (the server went away, a bug): still undo what it did, then say why.
            _undo(settings, login, created, guard, masker)
            raise
        cleanup, stopped = _undo(settings, login, created, guard, masker)
        if interrupted or stopped or report is None:
            raise Interrupted(cleanup)
        report.cleanup = cleanup
        _judge(settings, report, drift.result() if drift is not None else None, known)
        return report
    finally:
        if guard is not None:
            guard.detach(document)
        if second is not None:
            authorization.detach(document)


def _test(
    settings: Settings,
    login: Login,
    *,
    second: SecondUser | None,
    document: dict[str, Any],
    selected: list[tuple[str, tuple[str, ...]]],
    ledger: rules.Ledger,
    created: CreatedObjects,
    masker: Masker,
    progress: TextIO | None,
    on_event: Callable[[events.EngineEvent], None] | None,
) -> Report:
    """Run Schemathesis' engine and collect its events (KeyboardInterrupt when stopped by Ctrl-C or SIGTERM)."""
    existing = existing_objects(settings, login, document)
    schema = build_schema(settings, login, document=document, ledger=ledger, created=created, known=existing)
    who = f"{login.username or 'token user'}" + (" (staff)" if login.is_staff else "")
    if second is not None:
        who += f", second user {second.name}"
    collector = Collector(
        target=f"{settings.root_url} ({login.server}, API {login.api_version}) as {who}",
        settings=settings.describe(),
        operations=selected,
        masker=masker,
        output=schema.config.output,
    )
    report = _execute(settings, schema, collector, progress, on_event)
    report.tolerated = ledger.counts
    report.rule_reasons = rules.reasons()
    return report


def _undo(
    settings: Settings, login: Login, created: CreatedObjects, guard: Guard | None, masker: Masker
) -> tuple[list[str], bool]:
    """Clean up with Ctrl-C and SIGTERM held until it is done; the lines, and whether a signal came meanwhile."""
    if guard is None:
        return [], False
    lines: list[str] = []
    try:
        with signals_held():
            lines = clean_up(settings, login, created, guard, masker)
    except KeyboardInterrupt:
        return lines, True
    return lines, False


def second_secrets(second: SecondUser | None) -> list[str]:
    """The second user's token, for masking (its password is among the settings' secrets)."""
    return [] if second is None else [second.authorization.removeprefix("Token ")]


def _execute(
    settings: Settings,
    schema: BaseSchema,
    collector: Collector,
    progress: TextIO | None,
    on_event: Callable[[events.EngineEvent], None] | None,
) -> Report:
    """Run the engine to the end, or until --max-duration: then it is stopped as Ctrl-C stops it.

    The engine runs in a thread of its own and this one waits for its events, so that a run with
    --max-duration ends even if the engine does not stop (a request outside any deadline, such as
    Schemathesis' capability probes, can hang on a hostile server): after STOP_GRACE_S more it is left.
    """
    display = RunProgress(
        progress or sys.stderr, len(collector.report.operations), lambda: len(collector.report.failures)
    )
    stream = from_schema(schema).execute()
    queue: Queue[events.EngineEvent | BaseException | None] = Queue()

    def pump() -> None:
        try:
            for event in stream:
                queue.put(event)
        except BaseException as error:  # handed to the waiting thread, which raises it
            queue.put(error)
        queue.put(None)

    threading.Thread(target=pump, name="contract-engine", daemon=True).start()
    limit = None if settings.max_duration is None else time.monotonic() + settings.max_duration
    stopping = False
    try:
        while True:
            try:
                item = queue.get(timeout=None if limit is None else max(0.0, limit - time.monotonic()))
            except Empty:
                if stopping:
                    collector.report.stopped = f"the engine did not stop within {STOP_GRACE_S:g}s of --max-duration"
                    break
                stopping, limit = True, time.monotonic() + STOP_GRACE_S
                stream.stop()
                continue
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            collector.handle(item)
            if on_event is not None:
                on_event(item)
            if progress is not None:
                display.handle(item)
    except KeyboardInterrupt:
        stream.stop()  # the engine ends the test in hand and sends nothing more
        _wait_for_end(queue)  # so that the clean-up afterwards knows every object the engine created
        raise
    finally:
        display.close()
    report = collector.report
    if stopping and report.stopped is None:
        untested = sum(1 for operation in report.operations.values() if operation.status == "untested")
        report.stopped = f"--max-duration {settings.max_duration:g}s reached; {untested} operations untested"
    return report


def _wait_for_end(queue: Queue[events.EngineEvent | BaseException | None]) -> None:
    """Wait, at most STOP_GRACE_S, for the stopped engine's last event."""
    limit = time.monotonic() + STOP_GRACE_S
    while (left := limit - time.monotonic()) > 0:
        try:
            if queue.get(timeout=left) is None:
                return
        except Empty:
            return


class _DriftInBackground:
    """The drift comparison, run beside the tests: the server builds its schema and DeepDiff compares meanwhile."""

    def __init__(self, settings: Settings, document: Mapping[str, Any]) -> None:
        self._found: list[Drift] = []
        overlaid = copy.deepcopy(dict(document))  # the run's own document changes under Schemathesis
        self._thread = threading.Thread(
            target=lambda: self._found.append(detect(settings.root_url, settings.request_timeout, overlaid=overlaid)),
            name="contract-drift",
            daemon=True,
        )
        self._thread.start()

    def result(self) -> Drift:
        self._thread.join()
        return self._found[0] if self._found else Drift.not_available("the comparison did not finish")


def _known_failures(settings: Settings) -> list[baseline.Entry]:
    """The baseline's entries; none when recording a first one (its reasons are kept when it exists)."""
    if settings.baseline is None or (settings.baseline_record and not settings.baseline.exists()):
        return []
    return baseline.load(settings.baseline)


def _judge(settings: Settings, report: Report, drift: Drift | None, known: list[baseline.Entry]) -> None:
    """Label drift and known failures; when recording, write the baseline and judge against it."""
    report.baseline = settings.baseline
    report.judge(drift, [] if settings.baseline_record else known)
    if settings.baseline_record and settings.baseline is not None:
        recorded = report.baseline_entries()
        baseline.save(settings.baseline, recorded, previous=known)
        report.judge(drift, baseline.load(settings.baseline))
        report.notes.append(f"{len(recorded)} failures recorded in {settings.baseline}: give each a reason there")


def guard_for(settings: Settings, login: Login, created: CreatedObjects) -> Guard | None:
    """The guard of the server's own data, unless the run sends no writes or keeps what it does."""
    if settings.read_only or not settings.cleanup:
        return None
    return Guard(settings.root_url, login.headers(), settings.request_timeout, created)


def clean_up(settings: Settings, login: Login, created: CreatedObjects, guard: Guard, masker: Masker) -> list[str]:
    """Delete what the suite created, then write back what it changed; the lines for the report."""
    paths = created.paths
    problems = created.delete_all(settings.root_url, login.headers(), timeout=settings.request_timeout)
    lines = [f"{len(paths)} objects created by the suite, {len(paths) - len(problems)} removed", *guard.summary()]
    problems += guard.restore_all()
    return lines + [masker(problem) for problem in [*problems, *created.kept]]


def existing_objects(settings: Settings, login: Login, document: Mapping[str, Any]) -> Known:
    """What the server holds already (one read per list), for generation to name (see staging.discovery)."""
    with deadline.client(settings.root_url, settings.request_timeout, headers=login.headers()) as client:
        return discover(client, document)
