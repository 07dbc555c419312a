"""`--workers N`: N server processes on one listening socket, sharing one state file.

uvicorn's own supervisor (`uvicorn.supervisors.Multiprocess`, what `uvicorn --workers` runs)
starts the processes, restarts one that dies and stops them all on Ctrl-C or SIGTERM. Each
process builds the app itself from the same settings, handed over in `INVENTREE_MOCK_*`
variables, and opens the state file given by `--state`: SQLite serialises their writes and each
sees the others' through `PRAGMA data_version` (state/sqlite.py).
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import socket
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from mock_server.control.fault_rules import ENVIRONMENT_WRITERS
from mock_server.settings import ENV_PREFIX, Settings

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

# The app each worker process builds: an import string, as uvicorn's supervisor requires.
WORKER_APP = "mock_server.workers:worker_app"


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings as `INVENTREE_MOCK_*` variables, which `Settings.from_env` reads back unchanged."""
    environment: dict[str, str] = {}
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if value is None:
            continue
        if field.name in ENVIRONMENT_WRITERS:
            text = ENVIRONMENT_WRITERS[field.name](value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = ",".join(str(item) for item in value)
        elif isinstance(value, Path):
            text = str(value.resolve())
        else:
            text = str(value)
        environment[ENV_PREFIX + field.name.upper()] = text
    return environment


def worker_app() -> ASGIApp:
    """Build the app in a worker process, from the settings its parent put in the environment."""
    from mock_server.cli import QUIET_WARNINGS, settle_heap  # noqa: PLC0415 - the worker's first import of the CLI

    for message, category in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    from mock_server.app import create_app  # noqa: PLC0415 - after the warning filters, as in the CLI

    # The parent seeded the file (or found it) before starting the workers: none seeds it again.
    app = create_app(dataclasses.replace(Settings.from_env(), fresh_state=False))
    settle_heap()
    return app


def serve_workers(settings: Settings, sock: socket.socket, config: uvicorn.Config) -> None:
    """Run `settings.workers` processes of `config` on `sock` until Ctrl-C or SIGTERM."""
    import uvicorn  # noqa: PLC0415
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    os.environ.update(settings_environment(dataclasses.replace(settings, fresh_state=False, workers=1)))
    # uvicorn's supervisor took the worker's target as an argument until its 0.4x releases and
    # builds it itself since: pass it where it is still asked for.
    if "target" in inspect.signature(Multiprocess).parameters:
        server = uvicorn.Server(config)
        Multiprocess(config, target=server.run, sockets=[sock]).run()  # type: ignore[call-arg,unused-ignore]
    else:
        Multiprocess(config, sockets=[sock]).run()  # type: ignore[call-arg,unused-ignore]
