"""`python -m contract_tests compare`: exit 0 when two servers answer alike, 1 when they differ, 2 with no verdict."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contract_tests.cli import OPTIONS as SUITE_OPTIONS
from contract_tests.compare.config import ANONYMOUS, PHASES, SIDES, CompareSettings
from contract_tests.compare.report import render, write_junit
from contract_tests.compare.run import compare_servers
from contract_tests.config import env_name
from contract_tests.errors import ContractError
from contract_tests.reporting.report import Masker

EXIT_EQUIVALENT, EXIT_DIFFERENT, EXIT_NO_VERDICT = 0, 1, 2
# The suite's options that mean the same here; its target and credentials are given per server instead.
SHARED_FLAGS = (
    "--published",
    "--operations",
    "--tag",
    "--exclude",
    "--read-only",
    "--no-cleanup",
    "--max-examples",
    "--max-steps",
    "--seed",
    "--request-timeout",
    "--junit-xml",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_NO_VERDICT, f"UsageError: {message}\n")


def server_options(side: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    variable = f"INVENTREE_{side.upper()}_"
    return [
        ((f"--{side}",), {"metavar": "URL", "help": f"the {side} server ({variable}URL)"}),
        ((f"--{side}-token",), {"metavar": "T", "help": f"an API token on the {side} ({variable}TOKEN)"}),
        ((f"--{side}-username",), {"metavar": "U", "help": f"fetch a token as this user ({variable}USERNAME)"}),
        ((f"--{side}-password",), {"metavar": "P", "help": f"the password (prefer {variable}PASSWORD)"}),
    ]


OWN_OPTIONS: tuple[tuple[str, tuple[str, ...], dict[str, Any]], ...] = (
    (
        "identities",
        ("--also-as",),
        {
            "action": "append",
            "metavar": "WHO",
            "help": f"also compare as USER:PASSWORD (the same on both servers) or {ANONYMOUS}; repeat or "
            f"separate with commas ({env_name('also_as')})",
        },
    ),
    (
        "what to send",
        ("--phases",),
        {"metavar": "NAMES", "help": f"comma-separated Schemathesis phases (default all: {','.join(PHASES)})"},
    ),
    (
        "tolerances",
        ("--ignore",),
        {
            "action": "append",
            "metavar": "[OPERATION:]PATH",
            "help": "leave a body field out, e.g. '$..updated' or 'news_list:$[*].summary'; repeatable",
        },
    ),
    (
        "tolerances",
        ("--tolerances",),
        {"type": Path, "metavar": "FILE", "help": "more tolerances, in the shape of compare/tolerances.yaml"},
    ),
    (
        "tolerances",
        ("--known",),
        {"type": Path, "metavar": "FILE", "help": "known differences, each with its reason: listed, not failing"},
    ),
)


def parser() -> argparse.ArgumentParser:
    """The command line; every default is None, so that the settings hold the one set of defaults."""
    cli = _Parser(
        prog="python -m contract_tests compare",
        description="Send the same generated requests (stateful sequences included) to two InvenTree servers "
        "and report where their answers differ: is the mock faithful to my server, did an upgrade change answers?",
        epilog="Each server's options can also be set as INVENTREE_REFERENCE_* and INVENTREE_CANDIDATE_* "
        f"variables; the others as {env_name('<option>')} (e.g. {env_name('max_examples')}).",
    )
    for side in SIDES:
        server = cli.add_argument_group(f"{side} server")
        for flags, keywords in server_options(side):
            server.add_argument(*flags, **keywords)
    groups: dict[str, Any] = {}
    suite = [(group, flags, keywords) for group, flags, keywords in SUITE_OPTIONS if flags[0] in SHARED_FLAGS]
    for group, flags, keywords in [*suite, *OWN_OPTIONS]:
        if group not in groups:
            groups[group] = cli.add_argument_group(group)
        groups[group].add_argument(*flags, **keywords)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, compare, print the report; expected errors are one line on stderr and exit 2."""
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        settings = CompareSettings.load(vars(args))
        comparison = compare_servers(settings, progress=sys.stderr)
    except ContractError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_NO_VERDICT
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return EXIT_NO_VERDICT
    masker = Masker([*settings.secrets(), *comparison.secrets])
    sys.stdout.write(render(comparison, masker))
    if settings.junit_xml is not None:
        write_junit(comparison, settings.junit_xml, masker)
    if comparison.fatal is not None:
        print(f"NoVerdict: {comparison.fatal}", file=sys.stderr)
    return comparison.exit_code
