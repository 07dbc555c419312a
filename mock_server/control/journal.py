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
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FAULT_NAME = FAULT_HEADER.lower().encode()
FILTERS = ("method", "path", "status", "operation", "since", "limit")


class BodyRecord:
    """A body as kept: cut to the journal's limit, secrets masked, and how to show it.

    A body within the limit is kept as it came and masked when the journal is read, so that
    recording a request costs next to nothing; a larger one is masked whole at once (masking
    needs all of it), then cut.
    """

    def __init__(self, captured: bytes, size: int, content_type: str, limit: int) -> None:
        self.size = size
        self.limit = limit
        self.content_type = content_type
        self.raw: bytes | None = None
        self.masked: tuple[bytes | None, str, bool] | None = None
        if not size:
            self.masked = (None, "empty", False)
        elif size > len(captured):
            self.masked = (None, "withheld", True)
        elif size <= limit:
            self.raw = captured
        else:
            self.masked = self._mask(captured)

    def _mask(self, captured: bytes) -> tuple[bytes | None, str, bool]:
        content, kind = mask_body(captured, self.content_type)
        truncated = content is not None and len(content) > self.limit
        return (content[: self.limit] if content is not None else None), kind, truncated

    def as_json(self) -> dict[str, Any]:
        if self.masked is None:
            assert self.raw is not None
            self.masked, self.raw = self._mask(self.raw), None
        content, kind, truncated = self.masked
        body: Any = None
        if content:
            text = content.decode("utf-8", errors="replace")
            body = json.loads(text) if kind == "json" and not truncated else text
        return {"body": body, "kind": kind, "size": self.size, "truncated": truncated}


@dataclasses.dataclass(eq=False)
class Entry:
    """One request in the journal; its headers and query are masked when it is read."""

    id: int
    time: int  # microseconds since the epoch: exact, and cheap to take
    method: str
    path: str
    raw_query: bytes
    raw_request_headers: list[tuple[bytes, bytes]]
    started: float
    outcome: str = "pending"
    status: int | None = None
    duration_ms: float | None = None
    user: str | None = None
    operation: str | None = None
    fault: str | None = None
    request: BodyRecord | None = None
    raw_response_headers: list[tuple[bytes, bytes]] | None = None
    response: BodyRecord | None = None

    def as_json(self) -> dict[str, Any]:
        moment = EPOCH + dt.timedelta(microseconds=self.time)
        response_headers = self.raw_response_headers
        return {
            "id": self.id,
            "time": moment.isoformat().replace("+00:00", "Z"),
            "method": self.method,
            "path": self.path,
            "query": mask_query(self.raw_query.decode("latin-1")),
            "status": self.status,
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
            "user": self.user,
            "operation": self.operation,
            "fault": self.fault,
            "request": {
                "headers": mask_headers(self.raw_request_headers),
                **(self.request.as_json() if self.request else {}),
            },
            "response": (
                {"headers": mask_headers(response_headers), **(self.response.as_json() if self.response else {})}
                if response_headers is not None
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
            time=time.time_ns() // 1000,
            method=scope["method"],
            path=scope["path"],
            raw_query=scope.get("query_string", b""),
            raw_request_headers=list(scope.get("headers", [])),
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
    instant = (moment - EPOCH) // dt.timedelta(microseconds=1)
    return lambda entry: entry.time > instant


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
        entry.request = BodyRecord(received.content(), received.size, exchange.request_type, limit)
        if entry.outcome == "pending":
            entry.outcome = "answered" if entry.status is not None else "abandoned"
        if entry.status is None:
            return
        entry.raw_response_headers = exchange.answer_headers
        content_type = ""
        for name, value in exchange.answer_headers:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == FAULT_NAME and entry.fault is None:
                entry.fault = value.decode("latin-1")
        entry.response = BodyRecord(sent.content(), sent.size, content_type, limit)
