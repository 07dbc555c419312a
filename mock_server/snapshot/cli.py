"""`python -m mock_server snapshot --from URL ... --out DIR`: the command line of the snapshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mock_server.settings import DEFAULT_FIXTURES
from mock_server.snapshot.reader import Reader, SnapshotError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mock_server snapshot",
        description="Read a live InvenTree (or a mock) through its API into a fixtures folder the mock serves.",
    )
    parser.add_argument("--from", dest="url", required=True, metavar="URL", help="the server, e.g. http://host:8000")
    parser.add_argument("--token", help="an API token of the user to read as")
    parser.add_argument("--username", help="or the user's name (Basic credentials, no token is made)")
    parser.add_argument("--password", help="the user's password, with --username")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the fixtures folder to write")
    parser.add_argument(
        "--base",
        type=Path,
        default=DEFAULT_FIXTURES,
        metavar="DIR",
        help="fixtures for what is not read (users, tokens, webhooks, ...; default: the bundled fixtures)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Take the snapshot; exit 0 with a short report, or 1 with one line."""
    args = _parser().parse_args(argv)
    if not args.token and not (args.username and args.password is not None):
        print("SnapshotError: give --token T, or --username U --password P", file=sys.stderr)
        return 1
    reader = Reader(args.url, token=args.token, username=args.username, password=args.password or "")
    try:
        from mock_server.snapshot.writer import take_snapshot  # noqa: PLC0415 - after the arguments are checked

        lines = take_snapshot(reader, args.out, args.base)
    except SnapshotError as error:
        print(f"SnapshotError: {error}", file=sys.stderr)
        return 1
    finally:
        reader.close()
    for line in lines:
        print(line)
    return 0
