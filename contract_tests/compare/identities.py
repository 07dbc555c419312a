"""Who the requests are sent as: each server's own credentials, then users given on both, then nobody.

Permissions differ per user (InvenTree refuses most writes to a non-staff user, and some reads to an
anonymous one), so a comparison as one user says nothing of the others. Every identity logs in on
both servers before any request is compared: a refused password is one line and exit 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract_tests.auth import Login, connect
from contract_tests.compare.config import ANONYMOUS, CompareSettings, for_side, with_login
from contract_tests.config import Secret, Settings
from contract_tests.errors import ContractError, CredentialsRefused


@dataclass(frozen=True)
class AnonymousLogin(Login):
    """No credentials at all: requests go without an `Authorization` header."""

    def headers(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class Identity:
    """One user (or nobody) on both servers: the name in the report, and each server's login."""

    name: str
    reference: Login
    candidate: Login
    reference_settings: Settings
    candidate_settings: Settings


def connect_all(settings: CompareSettings) -> list[Identity]:
    """Log in as every identity on both servers; raises ContractError (one line) before any comparison."""
    reference = _connect(settings.reference, "reference")
    candidate = _connect(settings.candidate, "candidate")
    name = reference.username or candidate.username or "token user"
    found = [Identity(name, reference, candidate, settings.reference, settings.candidate)]
    for extra in settings.also_as:
        if extra.username is None:
            found.append(
                Identity(
                    ANONYMOUS,
                    anonymous(reference),
                    anonymous(candidate),
                    settings.reference,
                    settings.candidate,
                )
            )
            continue
        if extra.username in {identity.name for identity in found}:
            continue  # the servers' own credentials are this user's already
        sides = with_login(settings.reference, extra), with_login(settings.candidate, extra)
        logins = [_connect_extra(side_settings, extra.username) for side_settings in sides]
        found.append(Identity(extra.username, logins[0], logins[1], *sides))
    return found


def anonymous(login: Login) -> Login:
    """Nobody, on the server `login` reached."""
    return AnonymousLogin(
        token=Secret(""), username=None, is_staff=None, server=login.server, api_version=login.api_version
    )


def _connect(settings: Settings, side: str) -> Login:
    try:
        return connect(settings)
    except ContractError as error:
        raise type(error)(f"{side} server: {for_side(str(error), side)}") from None


def _connect_extra(settings: Settings, username: str) -> Login:
    try:
        return connect(settings)
    except CredentialsRefused:
        raise CredentialsRefused(
            f"{settings.root_url} refused the username and password of {username!r}; "
            "check the USER:PASSWORD given with --also-as"
        ) from None
