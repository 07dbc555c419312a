"""Let the clean-up finish: a second Ctrl-C or SIGTERM during it is held until it is done.

An interrupted run must still put the server's data back (contract_tests.runner). Python delivers
SIGINT as KeyboardInterrupt at any line, which would cut the clean-up short and leave objects behind;
while the shield is up the signal is only noted, and raised again once the clean-up is over.
Signal handlers belong to the main thread: elsewhere (a pytest-xdist worker thread, a library caller's
thread) the shield does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs; raise KeyboardInterrupt after it if one came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(number: int, frame: FrameType | None) -> None:
        received.append(number)

    previous: dict[int, Any] = {number: signal.signal(number, note) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        raise KeyboardInterrupt


def terminate_as_interrupt() -> None:
    """Make SIGTERM stop the run as Ctrl-C does, so that it cleans up before it exits (CLI only)."""

    def interrupt(number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
