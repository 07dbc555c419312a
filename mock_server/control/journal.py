"""The request journal: the latest API requests, what they sent and what they were answered.

A bounded ring buffer in memory (`--journal-size`), so that a frontend test can ask the mock what
its page sent ("a PATCH to /api/project-code/3/ with this body"). A request is entered when it
arrives (outcome `pending`) and completed when its answer is sent, so a request held by a delay
is already listed. Bodies are kept up to `--journal-body-bytes` each, secrets masked first
(control/masking.py); control routes are never entered.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import fnmatch
import json
import time
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.control.faults import OperationIndex
from mock_server.control.injection import FAULT_HEADER, ConnectionDropped
from mock_server.control.masking import mask_body, mask_headers, mask_query
from mock_server.control.paths import is_api
from mock_server.pipeline.context import STATE_KEY, Call

# Masking reads a JSON body whole; past this size a body is not kept at all, only its size.
CAPTURE_LIMIT = 1_048_576
FILTERS = ("method", "path", "status", "operation", "since", "limit")


@dataclasses.dataclass
class BodyRecord:
    """A body as kept: masked, cut to the journal's limit, and how to show it."""

    content: bytes | None
    kind: str
    size: int
    truncated: bool

    @classmethod
    def of(cls, captured: bytes, size: int, content_type: str, limit: int) -> BodyRecord:
        if not size:
            return cls(None, "empty", 0, False)
        if size > len(captured):
            return cls(None, "withheld", size, True)
        content, kind = mask_body(captured, content_type)
        truncated = content is not None and len(content) > limit
        return cls(content[:limit] if content is not None else None, kind, size, truncated)

    def as_json(self) -> dict[str, Any]:
        body: Any = None
        if self.content is not None and self.content:
            text = self.content.decode("utf-8", errors="replace")
            body = json.loads(text) if self.kind == "json" and not self.truncated else text
        return {"body": body, "kind": self.kind, "size": self.size, "truncated": self.truncated}


@dataclasses.dataclass(eq=False)
class Entry:
    """One request in the journal."""

    id: int
    time: dt.datetime
    method: str
    path: str
    query: str
    request_headers: dict[str, str | list[str]]
    started: float
    outcome: str = "pending"
    status: int | None = None
    duration_ms: float | None = None
    user: str | None = None
    operation: str | None = None
    fault: str | None = None
    request: BodyRecord | None = None
    response_headers: dict[str, str | list[str]] | None = None
    response: BodyRecord | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
            "user": self.user,
            "operation": self.operation,
            "fault": self.fault,
            "request": {"headers": self.request_headers, **(self.request.as_json() if self.request else {})},
            "response": (
                {"headers": self.response_headers, **(self.response.as_json() if self.response else {})}
                if self.response_headers is not None
                else None
            ),
        }


class JournalFilterError(ValueError):
    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)


class Journal:
    """The ring buffer of entries; ids keep counting across a clear, so `since` stays valid."""

    def __init__(self, size: int, body_bytes: int) -> None:
        if size < 0 or body_bytes < 0:
            raise ValueError("the journal's size and body limit are counts: 0 or more")
        self.size = size
        self.body_bytes = body_bytes
        self.entries: collections.deque[Entry] = collections.deque(maxlen=size)
        self.next_id = 1

    def begin(self, scope: Scope) -> Entry:
        entry = Entry(
            id=self.next_id,
            time=dt.datetime.now(dt.UTC),
            method=scope["method"],
            path=scope["path"],
            query=mask_query(scope.get("query_string", b"").decode("latin-1")),
            request_headers=mask_headers(list(scope.get("headers", []))),
            started=time.perf_counter(),
        )
        self.next_id += 1
        self.entries.append(entry)
        return entry

    def clear(self) -> None:
        self.entries.clear()

    def select(self, query: Mapping[str, str]) -> list[Entry]:
        """Entries newest first, narrowed by the filters of `GET /_mock/requests`."""
        errors = {name: ["Unknown filter; use " + ", ".join(FILTERS) + "."] for name in query if name not in FILTERS}
        if errors:
            raise JournalFilterError(errors)
        tests = [_filter(name, value) for name, value in query.items() if name != "limit"]
        selected = [entry for entry in reversed(self.entries) if all(test(entry) for test in tests)]
        if "limit" in query:
            if not query["limit"].isdigit() or int(query["limit"]) < 1:
                raise JournalFilterError({"limit": ["Enter a whole number, 1 or more."]})
            selected = selected[: int(query["limit"])]
        return selected


def _filter(name: str, value: str) -> Any:
    if name == "method":
        methods = {m.strip().upper() for m in value.split(",")}
        return lambda entry: entry.method in methods
    if name == "path":
        if any(char in value for char in "*?["):
            return lambda entry: fnmatch.fnmatchcase(entry.path, value)
        return lambda entry: entry.path.startswith(value)
    if name == "operation":
        return lambda entry: entry.operation == value
    if name == "status":
        return _status_filter(value)
    return _since_filter(value)


def _status_filter(value: str) -> Any:
    wanted = [part.strip().lower() for part in value.split(",")]
    for part in wanted:
        if not (part.isdigit() and len(part) == 3) and not (len(part) == 3 and part[0] in "12345" and part[1:] == "xx"):
            raise JournalFilterError({"status": ["Enter statuses (201) or classes (4xx), separated by commas."]})

    def test(entry: Entry) -> bool:
        status = str(entry.status) if entry.status is not None else ""
        return any(status == part or (part.endswith("xx") and status[:1] == part[0]) for part in wanted)

    return test


def _since_filter(value: str) -> Any:
    if value.isdigit():
        after = int(value)
        return lambda entry: entry.id > after
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise JournalFilterError({"since": ["Enter an entry id, or a time such as 2026-01-01T12:00:00Z."]}) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return lambda entry: entry.time > moment


class Capture:
    """Up to CAPTURE_LIMIT bytes of a body that passes by, and its whole size."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.kept = 0
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if chunk and self.kept + len(chunk) <= CAPTURE_LIMIT:
            self.chunks.append(chunk)
            self.kept += len(chunk)

    def content(self) -> bytes:
        return b"".join(self.chunks)


@dataclasses.dataclass
class Exchange:
    """What passes through the Recorder for one request: both bodies and the answer's headers."""

    entry: Entry
    request_type: str
    received: Capture = dataclasses.field(default_factory=Capture)
    sent: Capture = dataclasses.field(default_factory=Capture)
    answer_headers: list[tuple[bytes, bytes]] = dataclasses.field(default_factory=list)


class Recorder:
    """Enter each API request in the journal as it arrives, and its answer as it leaves."""

    def __init__(self, app: ASGIApp, journal: Journal, operations: OperationIndex) -> None:
        self.app = app
        self.journal = journal
        # For a request a fault answered before the router saw it.
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        # The router leaves the request state here; made sure of now, it is there to read afterwards.
        state = scope.setdefault("state", {})
        exchange = Exchange(self.journal.begin(scope), Headers(scope=scope).get("content-type", ""))
        entry = exchange.entry

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                exchange.received.add(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
                exchange.answer_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.sent.add(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except ConnectionDropped as dropped:
            entry.outcome, entry.status, entry.fault = "dropped", None, str(dropped)
            raise
        except BaseException:
            entry.outcome = "failed"
            raise
        finally:
            self._complete(exchange, state.get(STATE_KEY))

    def _complete(self, exchange: Exchange, call: object) -> None:
        entry = exchange.entry
        entry.duration_ms = round((time.perf_counter() - entry.started) * 1000, 3)
        if isinstance(call, Call):
            entry.operation = call.operation.operation_id if call.operation else None
            entry.user = call.identity.user.get("username") if call.identity.user else None
        else:
            entry.operation = self.operations.find(entry.method, entry.path)
        limit = self.journal.body_bytes
        received, sent = exchange.received, exchange.sent
        entry.request = BodyRecord.of(received.content(), received.size, exchange.request_type, limit)
        if entry.outcome == "pending":
            entry.outcome = "answered" if entry.status is not None else "abandoned"
        if entry.status is None:
            return
        headers = Headers(raw=exchange.answer_headers)
        entry.response_headers = mask_headers(exchange.answer_headers)
        entry.fault = entry.fault or headers.get(FAULT_HEADER)
        entry.response = BodyRecord.of(sent.content(), sent.size, headers.get("content-type", ""), limit)
