"""Faults applied to API requests, before the view runs: a delay, a forced status, a dropped connection.

An ASGI middleware of its own around the API (neither Starlette nor Connexion has one that delays
or fails requests). A faulted request never reaches the view, so it never changes the state. The
request body is read first (within the API's size limit) so that the journal shows what was sent,
and so that a client that gives up during a delay is noticed and its request dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.control.fault_rules import FaultSpecError, parse_prefer
from mock_server.control.faults import Decision, FaultBook
from mock_server.control.paths import is_api
from mock_server.pipeline.errors import (
    APIError,
    NotAcceptable,
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
    UnsupportedMediaType,
)
from mock_server.pipeline.rendering import render_json

FAULT_HEADER = "X-Mock-Fault"
# nginx's code for "close the connection without an answer"; only the access log ever shows it.
NO_RESPONSE = 444

# How a delay waits. A module-level seam so that a test can see a delay taken, and for how long,
# without waiting for it (tests never measure the wall clock).
pause: Callable[[float], Awaitable[None]] = asyncio.sleep


class ConnectionDropped(Exception):
    """Raised to the ASGI server so that it closes the connection without an answer."""


class _QuietDrops(logging.Filter):
    """uvicorn logs the exception that made it close the connection; a requested drop is no error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


def _quiet_uvicorn() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


class FaultInjector:
    """Apply the rules of a `FaultBook` and the `Prefer` header to each API request."""

    def __init__(self, app: ASGIApp, book: FaultBook, max_body_bytes: int) -> None:
        self.app = app
        self.book = book
        self.max_body_bytes = max_body_bytes
        _quiet_uvicorn()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            preference = parse_prefer(Headers(scope=scope).getlist("prefer"))
        except FaultSpecError as error:
            await _json(error.errors, 400, {FAULT_HEADER: "refused; rules=prefer"})(scope, receive, send)
            return
        decision = self.book.decide(scope["method"], scope["path"], preference)
        if decision is None:
            await self.app(scope, receive, send)
            return
        body = BufferedBody(receive)
        await body.read(self.max_body_bytes)
        if decision.delay_ms and not await body.wait_unless_client_leaves(decision.delay_ms / 1000):
            return
        if decision.drop:
            await drop_connection(send, decision)
        elif decision.status is not None:
            await fault_response(decision, scope)(scope, body.receive, send)
        else:
            await self.app(scope, body.receive, _labelled(send, decision))


class BufferedBody:
    """The request body read ahead (within a limit), then handed on to the app as it came."""

    def __init__(self, receive: Receive) -> None:
        self.upstream = receive
        self.messages: list[Message] = []
        self.complete = False

    async def read(self, limit: int) -> None:
        size = 0
        while size <= limit:
            message = await self.upstream()
            self.messages.append(message)
            size += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                self.complete = True
                return

    async def wait_unless_client_leaves(self, seconds: float) -> bool:
        """Pause without blocking other requests; False as soon as the client disconnects."""
        if not self.complete:
            await pause(seconds)
            return True
        # With the whole body read, the server's next message can only be the disconnect.
        listening = asyncio.ensure_future(self.upstream())
        waiting = asyncio.ensure_future(pause(seconds))
        await asyncio.wait({listening, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if not listening.done():
            listening.cancel()
            return True
        waiting.cancel()
        message = listening.result()
        self.messages.append(message)
        return bool(message["type"] != "http.disconnect")

    async def receive(self) -> Message:
        if self.messages:
            return self.messages.pop(0)
        return await self.upstream()


def _labelled(send: Send, decision: Decision) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            message["headers"] = [*message["headers"], (FAULT_HEADER.lower().encode(), decision.label.encode())]
        await send(message)

    return sender


def fault_response(decision: Decision, scope: Scope) -> Response:
    """The forced answer, in the shape InvenTree gives that status."""
    assert decision.status is not None
    headers = {FAULT_HEADER: decision.label}
    if decision.body is not None:
        return Response(decision.body.encode(), decision.status, headers, media_type="application/json")
    error = _inventree_error(decision.status, scope)
    body = error.body if decision.detail is None else {**error.body, "detail": decision.detail}
    return _json(body, decision.status, {**error.headers, **headers})


def _inventree_error(status: int, scope: Scope) -> APIError:
    """DRF's own error for the status where it has one; InvenTree's 500; the reason phrase otherwise."""
    method = scope["method"]
    known: dict[int, APIError] = {
        400: ParseError(),
        401: NotAuthenticated(),
        403: PermissionDenied(),
        404: NotFound(),
        405: APIError({"detail": f'Method "{method}" not allowed.'}),
        406: NotAcceptable(),
        415: UnsupportedMediaType(Headers(scope=scope).get("content-type", "")),
        # DRF's Throttled (rest_framework/exceptions.py), without a wait.
        429: APIError({"detail": "Request was throttled."}),
        # InvenTree's exception handler (InvenTree/exceptions.py) for an error DRF does not handle,
        # with DEBUG off, as a production server answers.
        500: APIError(
            {
                "error": "Exception",
                "error_class": "<class 'Exception'>",
                "detail": "Error details can be found in the admin panel",
                "path": scope["path"],
                "status_code": 500,
            }
        ),
    }
    if status in known:
        return known[status]
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Error {status}"
    return APIError({"detail": phrase})


def _json(body: object, status: int, headers: dict[str, str]) -> Response:
    return Response(render_json(body), status, headers, media_type="application/json")


async def drop_connection(send: Send, decision: Decision) -> None:
    """Close the connection without an answer.

    ASGI has no message for this. Its servers close the connection when the app fails after
    starting its answer; uvicorn (h11 and httptools alike) checks the answer's headers before it
    writes a byte of it, so an answer started with a header value it must refuse (a line break) is
    never written, and the failure that follows closes the connection with nothing sent.
    """
    unwritable = [(FAULT_HEADER.lower().encode(), b"drop\r\n")]
    # The server's refusal is the point: nothing was written.
    with contextlib.suppress(Exception):
        await send({"type": "http.response.start", "status": NO_RESPONSE, "headers": unwritable})
    raise ConnectionDropped(decision.label)
