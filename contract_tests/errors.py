"""The one error base of the contract suite; each subclass is a reason to stop before testing (exit 2)."""

from __future__ import annotations


class ContractError(Exception):
    """The suite cannot run; the message is one sentence that names what is wrong and how to fix it."""


class UsageError(ContractError):
    """An option or environment variable is missing or malformed."""


class ServerUnreachable(ContractError):
    """The target does not answer, or does not answer like an InvenTree server."""


class CredentialsRefused(ContractError):
    """The server refused the token or the username and password."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C, SIGTERM) before its end; `cleanup` says what was undone first."""

    def __init__(self, cleanup: list[str]) -> None:
        super().__init__("; ".join(cleanup))
        self.cleanup = cleanup

    def line(self) -> str:
        """One line for stderr: the run stopped, and what its clean-up did."""
        if not self.cleanup:
            return "Interrupted: nothing to undo (the run had not started testing)"
        return "Interrupted: the run's changes were undone before exiting: " + "; ".join(self.cleanup)
