"""`python -m mock_server` / `inventree-mock`: serve the mock InvenTree with uvicorn."""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import socket
import sys
import warnings
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from mock_server.control.options import add_control_options, control_banner, control_settings
from mock_server.settings import Settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp

# The top-level modules the `mock` extra installs; without one of them the mock cannot start.
MOCK_EXTRA_MODULES = frozenset({"connexion", "uvicorn", "starlette", "multipart", "python_multipart", "pint", "PIL"})
INSTALL_MOCK = "pip install 'inventree-contract-kit[mock]'"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Connexion 3.3 triggers these two deprecation warnings on import; they concern its own
# dependencies, and a user starting the mock has nothing to do about them.
QUIET_WARNINGS = (
    (r"Using `httpx` with `starlette.testclient` is deprecated", UserWarning),
    (r"jsonschema\..* is deprecated", DeprecationWarning),
)


class Stopped(Exception):
    """Ctrl-C or SIGTERM: the server has shut down (or never finished starting)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, build the app, bind the port, serve until Ctrl-C or SIGTERM."""
    # uvicorn shuts down gracefully on these signals, then raises them again with the handlers it
    # found: these turn that into one line and exit code 0 instead of a KeyboardInterrupt traceback.
    previous = {sig: signal.signal(sig, _stop) for sig in STOP_SIGNALS}
    try:
        return _serve(argv)
    except Stopped as stopped:
        print(f"InvenTree mock stopped ({stopped}).", flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(argv: list[str] | None) -> int:
    for message, category in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["snapshot"]:
        from mock_server.snapshot.cli import main as snapshot  # noqa: PLC0415

        return snapshot(argv[1:])
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            fixtures=args.fixtures,
            published=args.published,
            log_level=args.log_level,
            state=args.state,
            fresh_state=args.fresh_state or None,
            workers=args.workers,
            reload=args.reload or None,
        )
        _check_processes(settings)
        settings = control_settings(settings, args)
        import uvicorn  # noqa: PLC0415 - after the arguments: `--help` needs no server

        sock = _bind(settings)
    except ImportError as error:
        return _missing_extra(error)
    except (ValueError, OSError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    state_line = describe_state(settings)
    try:
        app = _build(settings)
    except ImportError as error:
        sock.close()
        return _missing_extra(error)
    except Exception as error:
        sock.close()
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    _banner(settings, state_line)
    if settings.workers > 1:
        from mock_server.workers import WORKER_APP, serve_workers  # noqa: PLC0415

        del app  # each worker builds its own
        config = uvicorn.Config(
            WORKER_APP,
            factory=True,
            workers=settings.workers,
            log_level=settings.log_level,
            access_log=not args.quiet,
            lifespan="off",
        )
        serve_workers(settings, sock, config)
        print("InvenTree mock stopped.", flush=True)
        return 0
    reloader = None
    if settings.reload:
        from mock_server.reload import Reloader, ReloadingApp  # noqa: PLC0415

        app = ReloadingApp(app)
        reloader = Reloader(settings, app, _build)
        reloader.start()
    else:
        settle_heap()
    config = uvicorn.Config(app, log_level=settings.log_level, access_log=not args.quiet, lifespan="off")
    # The banner says where the mock listens and the stop line says it stopped: uvicorn's own
    # start and shutdown lines would repeat them. Its warnings and errors still show.
    uvicorn_error = logging.getLogger("uvicorn.error")
    if uvicorn_error.level == logging.INFO:
        uvicorn_error.setLevel(logging.WARNING)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if reloader is not None:
            reloader.stop()
    return 0


def _check_processes(settings: Settings) -> None:
    """Several processes share their state through a file, and one process reloads."""
    if settings.workers < 1:
        raise ValueError(f"--workers must be 1 or more, not {settings.workers}")
    if settings.workers > 1 and settings.state is None:
        raise ValueError("--workers needs --state FILE: worker processes share their state through that file")
    if settings.workers > 1 and settings.reload:
        raise ValueError("--reload serves from one process: drop --workers (uvicorn refuses the two together too)")
    if settings.fresh_state and settings.state is None:
        raise ValueError("--fresh-state applies to a --state FILE: add --state FILE or drop --fresh-state")


def _missing_extra(error: ImportError) -> int:
    """One line naming the extra to install, when a module of the `mock` extra is missing."""
    if (error.name or "").split(".")[0] not in MOCK_EXTRA_MODULES:
        raise error
    print(
        f"ModuleNotFoundError: the mock needs the 'mock' extra ({error.name} is missing): {INSTALL_MOCK}",
        file=sys.stderr,
    )
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mock_server", description="A stateful mock InvenTree server.")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--fixtures", type=Path, help="folder of YAML fixtures (default: the bundled fixtures/)")
    parser.add_argument("--published", action="store_true", default=None, help="serve the contract without overlays")
    levels = ("critical", "error", "warning", "info", "debug")
    parser.add_argument("--log-level", choices=levels, help="uvicorn log level (default info)")
    parser.add_argument("--quiet", action="store_true", help="no line per request (for load tests)")
    parser.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="keep the state in this SQLite file across restarts (a new file starts from the fixtures)",
    )
    parser.add_argument("--fresh-state", action="store_true", help="with --state: start FILE again from the fixtures")
    parser.add_argument(
        "--workers", type=int, metavar="N", help="serve from N processes sharing the --state FILE (default 1)"
    )
    parser.add_argument(
        "--reload",
        action="store_true",
        help="reload the fixtures and the spec when a file changes (the state goes back to the fixtures)",
    )
    parser.epilog = "Also: python -m mock_server snapshot --help (fixtures read from a real InvenTree)."
    add_control_options(parser)
    return parser


def _bind(settings: Settings) -> socket.socket:
    """Take the port before the (slower) app is built, so a busy port fails at once, in one line."""
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as error:
        sock.close()
        where = f"{settings.host}:{settings.port}"
        raise OSError(f"cannot listen on {where}: {error.strerror}; choose another --port") from None
    return sock


def describe_state(settings: Settings) -> str:
    """Where the state lives and what a restart keeps, as the file is before the mock opens it."""
    if settings.state is None:
        return "State: in memory, back to the fixtures at every start (--state FILE keeps it)"
    path = settings.state
    if settings.fresh_state or not path.is_file() or path.stat().st_size == 0:
        return f"State: {path} (new: seeded from the fixtures; kept across restarts)"
    return f"State: {path} (existing file, used as is; POST /_mock/reset returns it to the fixtures)"


def _build(settings: Settings) -> ASGIApp:
    # Imported here so that `--help` and argument errors answer without loading Connexion.
    from mock_server.app import create_app  # noqa: PLC0415

    return create_app(settings)


def settle_heap() -> None:
    """Take what start-up built out of the garbage collector's sight before serving (`gc.freeze`).

    The contract, the fixtures and the compiled rules live as long as the process; a full collection
    would walk all of them again and again, a pause of tens of milliseconds in the answers that meet it.
    No collection first: start-up leaves about two hundred unreachable objects, not worth the 50 ms it
    would add to the start. Not with --reload: a reloaded app's predecessor must stay collectable.
    """
    gc.freeze()


def _banner(settings: Settings, state_line: str) -> None:
    url = settings.base_url
    print(f"InvenTree mock listening on {url}/api/ (Swagger UI at {url}/api/docs/)")
    print(f"Fixtures: {settings.fixtures}" + (" (reloaded on change, with the spec)" if settings.reload else ""))
    print(state_line + (f"; {settings.workers} worker processes" if settings.workers > 1 else ""))
    print("Credentials: admin / inventree (superuser), reader / readonly (read-only user);")
    print(f"  token: curl -u admin:inventree {url}/api/user/token/")
    print(f"Reset the state: curl -X POST {url}/_mock/reset", flush=True)
    control_banner(settings)


if __name__ == "__main__":
    sys.exit(main())
