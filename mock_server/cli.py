"""`python -m mock_server` / `inventree-mock`: serve the mock InvenTree with uvicorn."""

from __future__ import annotations

import argparse
import socket
import sys
import warnings
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from mock_server.settings import Settings

# Connexion 3.3 triggers these two deprecation warnings on import; they concern its own
# dependencies, and a user starting the mock has nothing to do about them.
QUIET_WARNINGS = (
    (r"Using `httpx` with `starlette.testclient` is deprecated", UserWarning),
    (r"jsonschema\..* is deprecated", DeprecationWarning),
)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, build the app, bind the port, serve until interrupted."""
    for message, category in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            host=args.host, port=args.port, fixtures=args.fixtures, published=args.published, log_level=args.log_level
        )
        sock = _bind(settings)
    except (ValueError, OSError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    try:
        app = _build(settings)
    except Exception as error:
        sock.close()
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    _banner(settings)
    config = uvicorn.Config(app, log_level=settings.log_level, access_log=not args.quiet, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mock_server", description="A stateful mock InvenTree server.")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--fixtures", type=Path, help="folder of YAML fixtures (default: the bundled fixtures/)")
    parser.add_argument("--published", action="store_true", default=None, help="serve the contract without overlays")
    levels = ("critical", "error", "warning", "info", "debug")
    parser.add_argument("--log-level", choices=levels, help="uvicorn log level (default info)")
    parser.add_argument("--quiet", action="store_true", help="no line per request (for load tests)")
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


def _build(settings: Settings) -> ASGIApp:
    # Imported here so that `--help` and argument errors answer without loading Connexion.
    from mock_server.app import create_app  # noqa: PLC0415

    return create_app(settings)


def _banner(settings: Settings) -> None:
    url = settings.base_url
    print(f"InvenTree mock listening on {url}/api/ (Swagger UI at {url}/api/docs/)")
    print(f"Fixtures: {settings.fixtures}")
    print("Credentials: admin / inventree (superuser), reader / readonly (read-only user);")
    print(f"  token: curl -u admin:inventree {url}/api/user/token/")
    print(f"Reset the state: curl -X POST {url}/_mock/reset", flush=True)


if __name__ == "__main__":
    sys.exit(main())
