"""`python -m contract_tests`: exit 0 when the server conforms, 1 when it does not, 2 for usage or connection errors."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contract_tests.config import Settings, default, env_name
from contract_tests.errors import ContractError, Interrupted
from contract_tests.reporting.report import Masker, render, write_junit
from contract_tests.runner import run
from contract_tests.staging.shield import terminate_as_interrupt

EXIT_CONFORMS, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"UsageError: {message}\n")


# (group, flags, argparse keywords); the pytest plugin registers the same options, bar those marked CLI-only.
OPTIONS: tuple[tuple[str, tuple[str, ...], dict[str, Any]], ...] = (
    ("target and credentials", ("--base-url",), {"metavar": "URL", "help": "the server, e.g. http://127.0.0.1:8000"}),
    ("target and credentials", ("--token",), {"metavar": "T", "help": "an InvenTree API token"}),
    (
        "target and credentials",
        ("--username",),
        {"metavar": "U", "help": "fetch a token as this user (with --password)"},
    ),
    ("target and credentials", ("--password",), {"metavar": "P", "help": "the password (prefer INVENTREE_PASSWORD)"}),
    (
        "target and credentials",
        ("--second-username",),
        {"metavar": "U", "help": "a second user, not staff, for the authorization checks (with --second-password)"},
    ),
    (
        "target and credentials",
        ("--second-password",),
        {"metavar": "P", "help": "the second user's password (prefer INVENTREE_SECOND_PASSWORD)"},
    ),
    ("target and credentials", ("--second-token",), {"metavar": "T", "help": "the second user's API token"}),
    ("what to test", ("--published",), {"action": "store_const", "const": True, "help": "the contract as published"}),
    (
        "what to test",
        ("--operations",),
        {"metavar": "IDS", "help": "comma-separated operationIds or labels ('GET /api/units/')"},
    ),
    ("what to test", ("--tag",), {"dest": "tags", "metavar": "TAGS", "help": "comma-separated tags, e.g. machine"}),
    (
        "what to test",
        ("--exclude",),
        {
            "metavar": "NAMES",
            "help": "comma-separated operationIds, labels or tags to leave out, e.g. email_generate_create",
        },
    ),
    ("what to test", ("--read-only",), {"action": "store_const", "const": True, "help": "send only safe methods"}),
    (
        "what to test",
        ("--no-cleanup",),
        {
            "dest": "cleanup",
            "action": "store_const",
            "const": False,
            "help": "keep what the suite creates and changes, and let it delete existing objects",
        },
    ),
    (
        "generation",
        ("--max-examples",),
        {"type": int, "metavar": "N", "help": f"examples per operation (default {default('max_examples')})"},
    ),
    (
        "generation",
        ("--max-steps",),
        {"type": int, "metavar": "N", "help": f"steps per stateful sequence (default {default('max_steps')})"},
    ),
    (
        "generation",
        ("--seed",),
        {"type": int, "metavar": "N", "help": f"generation seed (default {default('seed')}: the same every run)"},
    ),
    (
        "generation",
        ("--workers",),
        {"type": int, "metavar": "N", "help": f"CLI only: parallel workers (default {default('workers')})"},
    ),
    (
        "generation",
        ("--request-timeout",),
        {"type": float, "metavar": "S", "help": f"seconds per request (default {default('request_timeout'):g})"},
    ),
    (
        "generation",
        ("--max-duration",),
        {"type": float, "metavar": "S", "help": "CLI only: stop testing after S seconds, then clean up and report"},
    ),
    ("output", ("--junit-xml",), {"type": Path, "metavar": "FILE", "help": "also write a JUnit XML report"}),
    (
        "output",
        ("--baseline",),
        {"type": Path, "metavar": "FILE", "help": "CLI only: known failures; fail only on others"},
    ),
    (
        "output",
        ("--baseline-record",),
        {"action": "store_const", "const": True, "help": "CLI only: write this run's failures to --baseline FILE"},
    ),
    (
        "output",
        ("--no-drift",),
        {
            "dest": "drift",
            "action": "store_const",
            "const": False,
            "help": "CLI only: do not compare the server's own schema (/api/schema/) with the contract",
        },
    ),
)
# pytest runs tests one by one and writes its own --junit-xml; the rest concern a whole run's report.
CLI_ONLY = ("--workers", "--junit-xml", "--max-duration", "--baseline", "--baseline-record", "--no-drift")


def parser() -> argparse.ArgumentParser:
    """The command line; every default is None, so that Settings holds the one set of defaults."""
    cli = _Parser(
        prog="python -m contract_tests",
        description="Hold an InvenTree server (or the mock) to the InvenTree API contract with Schemathesis.",
        epilog=f"Every option can also be set as {env_name('<option>')} (e.g. {env_name('base_url')}, "
        f"{env_name('token')}, {env_name('max_examples')}); options win over the environment. "
        "`python -m contract_tests drift --help`: the server's own schema against the contract, alone.",
    )
    groups: dict[str, Any] = {}
    for group, flags, keywords in OPTIONS:
        if group not in groups:
            groups[group] = cli.add_argument_group(group)
        groups[group].add_argument(*flags, **keywords)
    return cli


# Commands besides the default run: `python -m contract_tests <command> ...` hands the rest of the
# arguments to the module's `main(argv) -> int`. Imported on use, so that each loads only what it needs.
COMMANDS: dict[str, str] = {"drift": "contract_tests.drift.cli", "compare": "contract_tests.compare.cli"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command (`python -m contract_tests COMMAND ...`), or the suite when no command is named."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in COMMANDS:
        command = importlib.import_module(COMMANDS[arguments[0]])
        return int(command.main(arguments[1:]))
    return run_suite(arguments)


def run_suite(argv: Sequence[str]) -> int:
    """Parse, run, print the report; expected errors are one line on stderr and exit 2."""
    args = parser().parse_args(argv)
    terminate_as_interrupt()
    try:
        settings = Settings.load(vars(args))
        report = run(settings)
    except ContractError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as interrupted:
        print(Masker(settings.secrets(), settings.username)(interrupted.line()), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return EXIT_USAGE
    masker = Masker(settings.secrets(), settings.username)
    sys.stdout.write(masker(render(report)))
    if settings.junit_xml is not None:
        write_junit(report, settings.junit_xml, masker)
    return report.exit_code
