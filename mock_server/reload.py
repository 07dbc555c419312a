"""`--reload`: watch the fixtures and the contract, and serve a rebuilt mock when either changes.

watchfiles (the watcher uvicorn's own `--reload` uses) reports changed files; the mock is then
built again from the same settings, as at start-up, and takes over from the next request. A
reload is a reset to the new fixtures: the state made through the API is replaced, in memory and
in a `--state` file alike (someone editing a fixture wants to see the edit). A folder that does
not load (a bad record, a broken spec file) leaves the running mock as it was and logs the same
one-line error start-up gives.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send
from watchfiles import Change, watch

from mock_server.settings import Settings
from spec.loader import SPEC_DIR, forget_loaded_specs

Builder = Callable[[Settings], ASGIApp]
WATCHED_SUFFIXES = (".yaml", ".yml")


class ReloadingApp:
    """The current mock; `replace` swaps in a new one between two requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def replace(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _is_watched(change: Change, path: str) -> bool:
    return path.endswith(WATCHED_SUFFIXES)


class Reloader:
    """A thread that watches the fixtures and spec folders and rebuilds the mock on each change."""

    def __init__(self, settings: Settings, app: ReloadingApp, build: Builder) -> None:
        self.settings = settings
        self.app = app
        self.build = build
        self.folders = {"fixtures": settings.fixtures.resolve(), "spec": SPEC_DIR}
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="mock-reloader", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        for changes in watch(
            *self.folders.values(), watch_filter=_is_watched, stop_event=self.stop_event, yield_on_timeout=False
        ):
            self.reload({Path(path) for _change, path in changes})

    def reload(self, changed: Iterable[Path]) -> bool:
        """Rebuild the mock for these changed files; whether the new one is now served."""
        changed = set(changed)
        kinds = [name for name, folder in self.folders.items() if any(folder in p.parents for p in changed)]
        if "spec" in kinds:
            forget_loaded_specs()  # the contract is read again from its files (and the disk cache)
        try:
            # Fresh: a reload puts the state back to the fixtures, as a reset does.
            app = self.build(dataclasses.replace(self.settings, fresh_state=True))
        except Exception as error:  # any start-up error: keep serving, and say why in one line
            _log(f"reload failed, still serving the last good state: {type(error).__name__}: {error}")
            return False
        self.app.replace(app)
        what = " and ".join(kinds) or "fixtures"
        count = len(changed)
        _log(f"reloaded {what}: {count} file{'' if count == 1 else 's'} changed")
        return True


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
