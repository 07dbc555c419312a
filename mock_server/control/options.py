"""The command-line options of the control surface: latency and faults, the journal, browsers.

Kept apart from the CLI's own options; light to import (no Starlette), so that `--help` and a bad
option answer at once.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any

from mock_server.control.fault_rules import parse_delay, parse_error_rate, parse_fault_option
from mock_server.control.token import TOKEN_HEADER, with_control_token
from mock_server.settings import Settings


def _option(reader: Callable[[str], Any]) -> Callable[[str], Any]:
    """A reader for argparse, which shows a ValueError's own message only for an ArgumentTypeError."""

    def read(text: str) -> Any:
        try:
            return reader(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    read.__name__ = reader.__name__
    return read


def _count(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a count: give a whole number, 0 or more")
    return int(text)


def add_control_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of faults, the journal and browsers, in a group of their own."""
    group = parser.add_argument_group(
        "frontend development",
        "Latency and faults (also at run time: /_mock/faults, or a `Prefer: code=503, delay=300` header), "
        "the request journal (/_mock/requests), and what browsers may call.",
    )
    group.add_argument(
        "--delay", metavar="MS", type=_option(parse_delay), help="delay every API request: 200, or a range 100-400"
    )
    group.add_argument(
        "--error-rate",
        metavar="RATE",
        type=_option(parse_error_rate),
        help="answer this share of API requests 500 (0.1; default 0)",
    )
    group.add_argument(
        "--fault",
        metavar="RULE",
        action="append",
        type=_option(parse_fault_option),
        help="a rule, repeatable: TARGET:EFFECT, TARGET an operationId, '[METHOD] /path/glob' or '*'; EFFECT "
        "status=503, delay=100-400, drop, rate=0.5, times=3, detail=TEXT (e.g. 'units_list:status=503')",
    )
    group.add_argument("--seed", type=int, help="seed of the random choices of rates and ranges (default 0)")
    group.add_argument(
        "--journal-size", metavar="N", type=_option(_count), help="requests the journal keeps (default 500; 0: off)"
    )
    group.add_argument(
        "--journal-body-bytes", metavar="N", type=_option(_count), help="bytes kept of each body (default 16384)"
    )
    group.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        help="an origin allowed to call the API with credentials, repeatable, '*' for any text "
        "('http://localhost:*'); default: any origin",
    )
    group.add_argument(
        "--control-token",
        metavar="TOKEN",
        help=f"the token the control API asks for in {TOKEN_HEADER} (made up and printed when binding beyond loopback)",
    )


def control_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings with the control options given, and a control token where one is needed."""
    given = {
        "delay": args.delay,
        "error_rate": args.error_rate,
        "faults": tuple(args.fault) if args.fault else None,
        "seed": args.seed,
        "journal_size": args.journal_size,
        "journal_body_bytes": args.journal_body_bytes,
        "cors_origins": tuple(args.cors_origin) if args.cors_origin else None,
        "control_token": args.control_token,
    }
    settings = dataclasses.replace(settings, **{name: value for name, value in given.items() if value is not None})
    return with_control_token(settings)


def control_banner(settings: Settings) -> None:
    """The start-up lines of the control surface: where the journal is, faults in force, the token."""
    url = settings.base_url
    print(f"Requests sent to the mock: curl {url}/_mock/requests")
    rules = len(settings.faults) + (settings.delay is not None) + (settings.error_rate > 0)
    if rules:
        print(f"Faults in force: {rules} (curl {url}/_mock/faults; seed {settings.seed})")
    if settings.control_token:
        print(f"Control API token (send it as {TOKEN_HEADER}): {settings.control_token}")
    print(end="", flush=True)
