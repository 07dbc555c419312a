"""One deadline for a whole answer: a server that trickles its headers or body forever is cut off.

httpx's and requests' timeouts bound each read from the socket, not the answer: a server sending a
byte a second keeps either waiting for ever. Neither library offers a total deadline, so:

- Schemathesis sends through requests. Its `before_call` hook (its one per-request seam; the session
  itself is built inside the engine, out of reach) adds a response hook to every request: once the
  headers are in, it reads the body under a watchdog that shuts the socket down at the deadline, and
  an answer cut short is a ReadTimeout, which Schemathesis reports as the operation's error.
- The suite's own requests (log-in, discovery, the drift schema) go through httpx with
  `DeadlineTransport`, which reads the body chunk by chunk and stops at the deadline.

Headers that trickle are bounded by the per-read timeout alone: neither library lets a caller reach
the socket before the headers are read. So are Schemathesis' two capability probes of the base URL,
sent before any hook runs. `--max-duration` bounds a whole run whatever hangs (see runner._execute).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import requests
import schemathesis
from urllib3.exceptions import ReadTimeoutError

if TYPE_CHECKING:
    from schemathesis import Case
    from schemathesis.hooks import HookContext

# Redirects followed at most (requests' own cap is 30); InvenTree redirects only to add a slash.
MAX_REDIRECTS = 5


class _Watchdog:
    """Shuts a socket down at a deadline, which ends any read blocked on it at once."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError):  # already closed: nothing left to cut
            self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def read_within(deadline: float, total: float) -> Callable[..., requests.Response]:
    """A requests response hook that reads the whole body by `deadline`, or raises ReadTimeout.

    Schemathesis sends with `stream=True` and reads the body after the hooks have run, so the hook
    reads it first, with a watchdog on the connection's socket (urllib3's `HTTPResponse.connection`).
    """

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        request = response.request
        connection = getattr(response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if "text/event-stream" in response.headers.get("Content-Type", "") or not isinstance(sock, socket.socket):
            return response  # Schemathesis bounds event streams itself; no socket: read already
        watchdog = _Watchdog(sock, deadline)
        try:
            response.content  # noqa: B018  (read now, under the watchdog; requests keeps it)
        except requests.RequestException:
            if watchdog.fired:
                raise _timeout(request, total) from None
            raise
        finally:
            watchdog.cancel()
        if watchdog.fired:  # a body without a length ends where the socket was cut: not an answer
            response.close()
            raise _timeout(request, total)
        return response

    return hook


def _timeout(request: Any, total: float) -> requests.ReadTimeout:
    """A ReadTimeout shaped as requests raises one (Schemathesis reads the timeout from the urllib3 error)."""
    message = f"no complete answer within {total:g}s (read timeout={total:g})"
    return requests.ReadTimeout(ReadTimeoutError(None, request.url, message), request=request)  # type: ignore[arg-type]


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Every request Schemathesis sends over the network, the engine's and the checks' own, gets one deadline."""
    if "app" in kwargs or case.operation.app is not None:
        return  # sent in process (ASGI/WSGI): no socket to guard
    timeout = kwargs.get("timeout") or case.operation.schema.config.request_timeout_for(operation=case.operation)
    total = float(timeout) if isinstance(timeout, (int, float)) else DEFAULT_DEADLINE
    hooks = dict(kwargs.get("hooks") or {})
    hooks["response"] = [*hooks.get("response", []), read_within(time.monotonic() + total, total)]
    kwargs["hooks"] = hooks


DEFAULT_DEADLINE = 10.0


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport that stops reading an answer whose body is not complete by the deadline."""

    def __init__(self, total: float, inner: httpx.BaseTransport | None = None) -> None:
        self.total = total
        self.inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.total
        response = self.inner.handle_request(request)
        try:
            content = b"".join(_until(response.stream, deadline, request, self.total))
        finally:
            response.close()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, extensions=response.extensions
        )

    def close(self) -> None:
        self.inner.close()


def _until(stream: Any, deadline: float, request: httpx.Request, total: float) -> Iterator[bytes]:
    for chunk in stream:
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout(f"no complete answer within {total:g}s", request=request)
        yield chunk


def client(base_url: str, timeout: float, **kwargs: Any) -> httpx.Client:
    """An httpx client whose every answer must be complete within `timeout` seconds."""
    return httpx.Client(base_url=base_url, timeout=timeout, transport=DeadlineTransport(timeout), **kwargs)
