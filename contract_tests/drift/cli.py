"""`python -m contract_tests drift`: how a server's own schema differs from the contract, without running tests.

Exit 0 when nothing a client depends on broke, 1 when some change is breaking for a client, 2 when
the server's schema could not be had (one line says why).
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from contract_tests.config import Settings, default, env_name
from contract_tests.drift import compare, fetch_schema, render_drift
from contract_tests.errors import ContractError, UsageError
from contract_tests.reporting.masking import Masker
from spec import load_spec

EXIT_NO_BREAKING, EXIT_BREAKING, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"UsageError: {message}\n")


def parser() -> argparse.ArgumentParser:
    cli = _Parser(
        prog="python -m contract_tests drift",
        description="Compare the schema a server publishes (/api/schema/) with the contract, operation by operation.",
        epilog=f"Options can also be set as {env_name('<option>')}. Exit 0: no breaking drift; 1: breaking "
        "drift; 2: the schema could not be had.",
    )
    cli.add_argument("--base-url", metavar="URL", help="the server, e.g. http://127.0.0.1:8000")
    cli.add_argument("--token", metavar="T", help="optional: InvenTree serves its schema without a log-in")
    cli.add_argument("--username", metavar="U", help="optional, with --password")
    cli.add_argument("--password", metavar="P", help="optional, with --username")
    cli.add_argument(
        "--request-timeout", type=float, metavar="S", help=f"seconds (default {default('request_timeout'):g})"
    )
    return cli


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Print the drift report; see the module docstring for the exit codes."""
    args = vars(parser().parse_args(list(sys.argv[1:] if argv is None else argv)))
    environ = os.environ if environ is None else environ
    given = {name: args.get(name) or environ.get(env_name(name)) or None for name in args}
    try:
        root_url, timeout = _target(given)
        server = fetch_schema(root_url, timeout, _credentials(given))
    except ContractError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE
    drift = compare(load_spec(published=True), server, overlaid=load_spec())
    masker = Masker([str(given[name]) for name in ("token", "password") if given[name]], given["username"])
    sys.stdout.write(masker("\n".join([f"Drift: {root_url}", *render_drift(drift)]) + "\n"))
    return EXIT_BREAKING if drift.breaking else EXIT_NO_BREAKING


def _target(given: Mapping[str, Any]) -> tuple[str, float]:
    """The server and the timeout, validated as a run's settings are (the schema needs no credentials)."""
    if not given["base_url"]:
        raise UsageError(f"no server: pass --base-url URL or set {env_name('base_url')}")
    settings = Settings.load(
        {"base_url": given["base_url"], "request_timeout": given["request_timeout"], "token": "unused"}, environ={}
    )
    return settings.root_url, settings.request_timeout


def _credentials(given: Mapping[str, Any]) -> dict[str, str]:
    token, username, password = (given[name] for name in ("token", "username", "password"))
    if token:
        return {"Authorization": f"Token {token}"}
    if username and password:
        basic = base64.b64encode(f"{username}:{password}".encode()).decode()
        return {"Authorization": f"Basic {basic}"}
    if username or password:
        raise UsageError("pass --username and --password together, or neither (the schema needs no log-in)")
    return {}
