"""Leave a server's own data as the suite found it: restore what it changes, never delete what it did not create.

A gate runs against a staging server full of data that people use. Generated requests name existing
objects (the suite draws their pks on purpose, and small ids such as 1 come up by themselves), so
without care a run would rename project codes, replace their metadata, flip settings and delete
objects. Before each request the guard looks at what it is about to touch:

- an update (`PUT`, `PATCH`) of an object the suite did not create: the object is read first, once,
  and written back at the end of the run (its writable fields, as the update operation takes them).
  A field the server answers less exactly than it stores cannot be written back as it was: InvenTree
  renders date-times to the minute (REST_FRAMEWORK DATETIME_FORMAT, InvenTree/settings.py:533), so a
  news item's `published` would lose its seconds. An update that writes such a field is sent to an id
  that does not exist instead (tested on its 404), and the restore leaves the field out;
- a delete of one existing object the suite did not create: the request is sent to an id that does
  not exist instead, so the operation is still tested (on its 404) and the object stays;
- a bulk delete (`DELETE` on a collection): its body names an id that does not exist, so nothing goes
  (sent as JSON: Schemathesis serialises a body only with a media type);
- `GET .../notifications/readall/`, a read that marks every notification read: the unread ones are
  remembered and marked unread again at the end.

At the end, restores run after the suite's own objects are deleted, and again while some succeed: a
unique value (a project code's `code`) may be held by another changed object until that one is put
back; a swap of two values is untied by parking one holder on a temporary value first.

Schemathesis runs `before_call` hooks from its global registry only, so the one hook below finds the
guard of a run through a mark in the run's document.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import schemathesis

from contract_tests.checks import serializer
from contract_tests.staging.cleanup import CreatedObjects

if TYPE_CHECKING:
    from schemathesis import Case, HookContext

MARK = "x-contract-guard"  # set on the run's document; names its guard in GUARDS
GUARDS: dict[str, Guard] = {}
_GUARDS_LOCK = threading.Lock()
# Ids no InvenTree object has: the largest 32-bit pk, and a UUID no server generates (all `f`).
MISSING_INT = 2**31 - 1
MISSING_UUID = "ffffffff-ffff-4fff-bfff-ffffffffffff"
READALL_SUFFIX = "/readall/"
# A date-time as InvenTree renders it (DATETIME_FORMAT '%Y-%m-%d %H:%M'): the seconds are not told.
MINUTE_DATETIME = re.compile(r"^\d{1,4}-\d{2}-\d{2} \d{2}:\d{2}$")
# A 400 that a unique value explains ("... with this Code already exists.", "Unit symbol must be unique").
UNIQUE_MESSAGE = re.compile(r"already exists|must be unique")
_numbers = itertools.count(1)


@dataclass
class Original:
    """An existing object as it was before the suite first wrote to it, and the write that restores it."""

    path: str
    method: str  # PUT where the API offers it, else PATCH
    body: dict[str, Any]
    inexact: tuple[str, ...] = ()  # writable fields the server answers less exactly than it stores


@dataclass
class Guard:
    """Snapshots before writes, redirects deletes, and `restore_all()` at the end of the run."""

    root_url: str
    headers: dict[str, str]
    timeout: float
    created: CreatedObjects
    transport: httpx.BaseTransport | None = None
    originals: dict[str, Original | None] = field(default_factory=dict)  # path -> state before (None: nothing)
    unread: dict[str, list[Any]] = field(default_factory=dict)  # notification list path -> pks that were unread
    spared: int = 0  # deletes of existing objects sent to a missing id instead
    diverted: Counter[str] = field(default_factory=Counter)  # field -> updates sent to a missing id for it
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    def attach(self, document: dict[str, Any]) -> None:
        """Mark the run's document so that the global hook finds this guard."""
        name = f"run-{next(_numbers)}"
        document[MARK] = name
        with _GUARDS_LOCK:
            GUARDS[name] = self

    def detach(self, document: Mapping[str, Any]) -> None:
        with _GUARDS_LOCK:
            GUARDS.pop(str(document.get(MARK)), None)
        if self._client is not None:
            self._client.close()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.root_url, headers=self.headers, timeout=self.timeout, transport=self.transport
            )
        return self._client

    def before_call(self, case: Case[Any]) -> None:
        method = case.operation.method.upper()
        path = concrete_path(case)
        if method == "GET" and case.operation.path.endswith(READALL_SUFFIX):
            self._remember_unread(case.operation.path[: -len("readall/")])
        elif method in ("PUT", "PATCH") and not self._made_by_suite(path):
            self._snapshot(case, path)
            self._divert_inexact(case, path)
        elif method == "DELETE" and case.path_parameters and not self._made_by_suite(path):
            self._spare(case, path)
        elif method == "DELETE" and not case.path_parameters:
            # A bulk delete: only what the suite created could go, and it creates none of these.
            case.body = {"items": [MISSING_INT]}
            case.media_type = "application/json"

    def restore_all(self) -> list[str]:
        """Write back every changed object and unread notification; one line per one that could not be."""
        with self._lock:
            pending = [original for original in self.originals.values() if original is not None]
            unread = dict(self.unread)
        problems = self._restore(pending)
        for listing, pks in unread.items():
            for pk in pks:
                path = f"{listing}{pk}/"
                try:
                    answer = self.client.patch(path, json={"read": False})
                except httpx.HTTPError as exc:
                    problems.append(f"PATCH {path}: {type(exc).__name__}; mark it unread by hand")
                    continue
                if not 200 <= answer.status_code < 300:
                    problems.append(f"PATCH {path} answered {answer.status_code}; mark it unread by hand")
        return problems

    def _restore(self, pending: list[Original]) -> list[str]:
        """Write the originals back, again while a pass puts some back; park a holder to untie a swap."""
        refused: dict[str, str] = {}
        parked = 0
        while pending:
            failed = []
            for original in pending:
                problem = self._write(original.method, original.path, original.body)
                if problem is not None:
                    failed.append(original)
                    refused[original.path] = problem
            if len(failed) < len(pending):
                pending = failed  # progress: a value another restore needed may be free now
                continue
            parked += 1
            if not self._park_a_holder(failed, parked):
                break
        return [
            f"{original.method} {original.path} {refused[original.path]}; restore it by hand to {_brief(original.body)}"
            for original in pending
        ]

    def _park_a_holder(self, failed: list[Original], number: int) -> bool:
        """Move a unique value that one failed restore needs off the other changed object holding it."""
        for blocked in failed:
            for name, wanted in blocked.body.items():
                for holder in failed:
                    if holder is blocked or name not in holder.body:
                        continue
                    state = self._read(holder.path)
                    if isinstance(state, Mapping) and state.get(name) == wanted:
                        # Short, and an identifier: fits a unit name or symbol, a project code, a name.
                        return self._write("PATCH", holder.path, {name: f"ckr{number}"}) is None
        return False

    def _write(self, method: str, path: str, body: Mapping[str, Any]) -> str | None:
        """Send one restoring write; None when it succeeded, else what went wrong."""
        try:
            answer = self.client.request(method, path, json=dict(body))
        except httpx.HTTPError as exc:
            return f"failed ({type(exc).__name__})"
        if 200 <= answer.status_code < 300:
            return None
        return f"answered {answer.status_code}"

    def summary(self) -> list[str]:
        with self._lock:
            changed = sum(original is not None for original in self.originals.values())
            unread = sum(len(pks) for pks in self.unread.values())
        lines = [f"{changed} existing objects changed by the suite, written back as they were"]
        with self._lock:
            diverted = dict(self.diverted)
        for name, count in sorted(diverted.items()):
            lines.append(
                f"{count} updates of existing objects writing `{name}` sent to a missing id instead: the server "
                f"answers `{name}` to the minute only, so its stored value could not be written back exactly"
            )
        if unread:
            lines.append(f"{unread} notifications marked read by readall, marked unread again")
        if self.spared:
            lines.append(f"{self.spared} deletes of objects the suite did not create sent to a missing id instead")
        return lines

    def _made_by_suite(self, path: str) -> bool:
        return any(path.startswith(created) for created in self.created.paths)

    def _snapshot(self, case: Case[Any], path: str) -> None:
        with self._lock:
            if path in self.originals:
                return
            self.originals[path] = None  # claimed: one read per path, even with several workers
        state = self._read(path)
        original = restoring_write(case, path, state) if isinstance(state, Mapping) else None
        with self._lock:
            self.originals[path] = original

    def _divert_inexact(self, case: Case[Any], path: str) -> None:
        """Send an update that writes a field the restore cannot put back exactly to a missing id instead."""
        with self._lock:
            original = self.originals.get(path)
        written = [
            name
            for name in (original.inexact if original else ())
            if isinstance(case.body, Mapping) and name in case.body
        ]
        if not written:
            return
        names = list(case.path_parameters or {})
        case.path_parameters = {**(case.path_parameters or {}), names[-1]: missing_id(case.path_parameters[names[-1]])}
        with self._lock:
            self.diverted[written[0]] += 1

    def _spare(self, case: Case[Any], path: str) -> None:
        if self._read(path) is None:
            return  # nothing there: the delete may go as generated
        names = list(case.path_parameters or {})
        last = names[-1]
        case.path_parameters = {**(case.path_parameters or {}), last: missing_id(case.path_parameters[last])}
        with self._lock:
            self.spared += 1

    def _remember_unread(self, listing: str) -> None:
        with self._lock:
            if listing in self.unread:
                return
            self.unread[listing] = []
        state = self._read(f"{listing}?read=false")
        items = state if isinstance(state, list) else []
        pks = [item["pk"] for item in items if isinstance(item, Mapping) and "pk" in item]
        with self._lock:
            self.unread[listing] = pks

    def _read(self, path: str) -> Any:
        try:
            answer = self.client.get(path)
            return answer.json() if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None


def concrete_path(case: Case[Any]) -> str:
    """The path the request carries: Schemathesis' own substitution, its path parameters already percent-encoded."""
    return case.formatted_path


def restoring_write(case: Case[Any], path: str, state: Mapping[str, Any]) -> Original | None:
    """The write that puts `state` back: PUT (else PATCH) with the writable fields the operation takes.

    PUT first: it replaces, where a PATCH of metadata would merge and keep the keys the suite added. A
    date-time answered to the minute (InvenTree's DATETIME_FORMAT) is left out, as writing it back would
    drop its seconds; the restore is then a PATCH of the other fields.
    """
    item: dict[str, Any] = case.operation.schema.raw_schema.get("paths", {}).get(case.operation.path, {})
    method = "put" if "put" in item else "patch"
    content: dict[str, Any] = (item.get(method, {}).get("requestBody") or {}).get("content") or {}
    media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
    schema = media.get("schema")
    if schema is None:
        return None
    fields = serializer.properties(schema, case.operation.schema.raw_schema)
    writable = {name: spec for name, spec in fields.items() if name in state and serializer.is_writable(spec)}
    inexact = tuple(
        name
        for name, spec in writable.items()
        if serializer.is_datetime(spec) and isinstance(state[name], str) and MINUTE_DATETIME.match(state[name])
    )
    body = {name: state[name] for name in writable if name not in inexact}
    if inexact and "patch" in item:
        method = "patch"
    return Original(path=path, method=method.upper(), body=body, inexact=inexact) if body else None


def missing_id(value: Any) -> Any:
    """An id of the same kind that names nothing: a UUID for a UUID, the largest 32-bit pk for a number."""
    text = str(value)
    try:
        uuid.UUID(text)
        return MISSING_UUID
    except ValueError:
        pass
    if isinstance(value, int) or text.lstrip("-").isdigit():
        return MISSING_INT
    return "contract-suite-missing"


def _brief(body: Mapping[str, Any]) -> str:
    text = ", ".join(f"{key}={value!r}" for key, value in body.items())
    return text if len(text) <= 160 else text[:157] + "..."


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Hand each request of a guarded run to its guard (Schemathesis calls only global `before_call` hooks)."""
    name = case.operation.schema.raw_schema.get(MARK)
    guard = GUARDS.get(str(name)) if name is not None else None
    if guard is not None:
        guard.before_call(case)
