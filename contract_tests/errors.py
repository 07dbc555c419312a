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
