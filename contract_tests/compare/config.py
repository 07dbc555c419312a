"""Settings of a comparison: two servers, who to compare as, and what may legitimately differ.

Each server is held in the suite's own `Settings` (contract_tests.config), read from the `--reference*`
and `--candidate*` options and the `INVENTREE_REFERENCE_*` / `INVENTREE_CANDIDATE_*` variables; what the
two share (which operations, generation, timeouts) comes from the suite's options and `INVENTREE_*`
variables. So the suite's defaults and validation stay the one source, and `connect`, `build_schema`
and the clean-up take each server's settings as they are.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests.config import ENV_PREFIX, Secret, Settings, env_name
from contract_tests.errors import UsageError

SIDES = ("reference", "candidate")
PHASES = ("examples", "coverage", "fuzzing", "stateful")
ANONYMOUS = "anonymous"
# The suite's target: read per server from the side's own options and variables instead.
TARGET = {"base_url": "url", "token": "token", "username": "username", "password": "password"}
# The suite's options that both servers share.
SHARED = (
    "published",
    "operations",
    "tags",
    "exclude",
    "read_only",
    "cleanup",
    "max_examples",
    "max_steps",
    "seed",
    "request_timeout",
)
# Options of the comparison alone: (field, environment variable).
OWN = {
    "also_as": env_name("also_as"),
    "phases": env_name("phases"),
    "ignore": env_name("ignore"),
    "tolerances": env_name("tolerances"),
    "known": env_name("known"),
    "junit_xml": env_name("junit_xml"),
}


@dataclass(frozen=True)
class ExtraIdentity:
    """A user to compare as besides the servers' own credentials: the same login on both, or nobody."""

    username: str | None  # None: anonymous
    password: Secret | None = None

    @property
    def name(self) -> str:
        return self.username or ANONYMOUS


@dataclass(frozen=True)
class CompareSettings:
    """Everything a comparison needs; build it with `CompareSettings.load()`."""

    reference: Settings
    candidate: Settings
    also_as: tuple[ExtraIdentity, ...] = ()
    phases: tuple[str, ...] = PHASES
    ignore: tuple[str, ...] = ()
    tolerances: Path | None = None
    known: Path | None = None
    junit_xml: Path | None = None

    @classmethod
    def load(
        cls, options: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> CompareSettings:
        """Options (None = not given) over variables over the suite's defaults; raises UsageError naming the option."""
        options = dict(options or {})
        environ = os.environ if environ is None else environ
        reference, candidate = (server_settings(side, options, environ) for side in SIDES)
        own: dict[str, Any] = {}
        for name, variable in OWN.items():
            given = options.get(name)
            own[name] = given if given not in (None, []) else environ.get(variable)
        return cls(
            reference=reference,
            candidate=candidate,
            also_as=identities(_words(own["also_as"])),
            phases=phases(_words(own["phases"])) if own["phases"] else PHASES,
            ignore=tuple(_words(own["ignore"])),
            tolerances=_file(own["tolerances"], "--tolerances"),
            known=_file(own["known"], "--known"),
            junit_xml=Path(own["junit_xml"]) if own["junit_xml"] else None,
        )

    def secrets(self) -> list[str]:
        """Every password and token given, for masking reports."""
        extra = [i.password.reveal() for i in self.also_as if i.password is not None and i.password.reveal()]
        return [*self.reference.secrets(), *self.candidate.secrets(), *extra]

    def usernames(self) -> list[str]:
        names = [self.reference.username, self.candidate.username, *(i.username for i in self.also_as)]
        return sorted({name for name in names if name})

    def describe(self) -> str:
        """One line for the report header; secrets never appear in it."""
        settings = self.reference
        contract, mode, selected = settings.scope()
        subset = "".join(f"; {part}" for part in selected)
        return (
            f"{contract}; {mode}; phases {','.join(self.phases)}; max-examples {settings.max_examples}, "
            f"max-steps {settings.max_steps}, seed {settings.seed}{subset}"
        )


def server_settings(side: str, options: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
    """The suite's settings for one server: its URL and credentials, and the options both servers share."""
    prefix = f"{ENV_PREFIX}{side.upper()}_"
    # The suite's own target variables (INVENTREE_BASE_URL, INVENTREE_TOKEN, ...) name neither server.
    view = {name: value for name, value in environ.items() if name not in {env_name(field) for field in TARGET}}
    for field, suffix in TARGET.items():
        if prefix + suffix.upper() in environ:
            view[env_name(field)] = environ[prefix + suffix.upper()]
    given: dict[str, Any] = {field: options.get(option_dest(side, field)) for field in TARGET}
    given.update({name: options.get(name) for name in SHARED})
    # One request at a time: ids learned from one answer name the objects of the next request.
    given["workers"] = 1
    try:
        return Settings.load(given, environ=view)
    except UsageError as error:
        raise UsageError(for_side(str(error), side)) from None


def option_dest(side: str, field: str) -> str:
    """The argparse destination of a server's option: `reference`, `reference_token`, ..."""
    return side if field == "base_url" else f"{side}_{TARGET[field]}"


def for_side(message: str, side: str) -> str:
    """A message of the suite, its option and variable names turned into those of one server."""
    for field, suffix in sorted(TARGET.items(), key=lambda item: -len(item[0])):
        option = "--" + field.replace("_", "-")
        message = re.sub(
            rf"(?<![\w-]){re.escape(option)}\b", f"--{side}" if field == "base_url" else f"--{side}-{suffix}", message
        )
        message = re.sub(rf"\b{env_name(field)}\b", f"{ENV_PREFIX}{side.upper()}_{suffix.upper()}", message)
    return message


def identities(words: Iterable[str]) -> tuple[ExtraIdentity, ...]:
    """`--also-as` values: `anonymous`, or `USER:PASSWORD` valid on both servers."""
    found: dict[str, ExtraIdentity] = {}
    for word in words:
        if word == ANONYMOUS:
            found[ANONYMOUS] = ExtraIdentity(None)
            continue
        username, colon, password = word.partition(":")
        if not colon or not username or not password:
            raise UsageError(
                f"--also-as takes USER:PASSWORD (the same on both servers) or {ANONYMOUS}, not {username!r}"
            )
        found[username] = ExtraIdentity(username, Secret(password))
    return tuple(found.values())


def phases(words: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(words))
    unknown = [word for word in chosen if word not in PHASES]
    if unknown or not chosen:
        raise UsageError(f"--phases takes some of {','.join(PHASES)}, not {','.join(unknown) or 'nothing'}")
    return chosen


def _words(value: Any) -> list[str]:
    """Comma-separated text, or several of them (a repeated option)."""
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else list(value)
    return [part.strip() for text in texts for part in str(text).split(",") if part.strip()]


def _file(value: Any, option: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise UsageError(f"{option} names no readable file: {str(path)!r}")
    return path


def with_login(settings: Settings, identity: ExtraIdentity) -> Settings:
    """A server's settings as another user (the same options, another username and password)."""
    return dataclasses.replace(settings, token=None, username=identity.username, password=identity.password)
