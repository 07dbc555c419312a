"""Settings of a contract run, read from options and `INVENTREE_*` environment variables.

The dataclass below is the one source of defaults: the CLI and the pytest plugin pass `None` for
anything the user did not give, the environment fills in next, and the field default comes last.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contract_tests.errors import UsageError

ENV_PREFIX = "INVENTREE_"
MASK = "**********"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class Secret:
    """A token or password: prints as `**********`; `reveal()` is the only way to the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs; build it with `Settings.load()` to get environment and validation."""

    base_url: str
    token: Secret | None = None
    username: str | None = None
    password: Secret | None = None
    # A second, ordinary (not staff) user, for the authorization checks (contract_tests.checks.authorization).
    second_token: Secret | None = None
    second_username: str | None = None
    second_password: Secret | None = None
    read_only: bool = False
    cleanup: bool = True
    published: bool = False
    operations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_examples: int = 20
    max_steps: int = 8
    seed: int = 0
    workers: int = 1
    request_timeout: float = 10.0
    max_duration: float | None = None
    junit_xml: Path | None = None
    baseline: Path | None = None
    baseline_record: bool = False
    drift: bool = True
    # Not an option: the suite reads the contract through `spec`, and tests may hand in another one.
    document: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, options: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Merge options (None = not given) over `INVENTREE_<FIELD>` variables over the defaults; validate."""
        options = dict(options or {})
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            if item.name == "document" or _is_credential(item.name):
                continue
            given = options.get(item.name)
            if given is not None:
                values[item.name] = _convert(item.name, given, source="option")
                continue
            variable = env_name(item.name)
            if variable in environ:
                values[item.name] = _convert(item.name, environ[variable], source=variable)
        values.update(_credentials(options, environ))
        values.update(_credentials(options, environ, prefix="second_"))
        if "base_url" not in values:
            raise UsageError(
                f"no server to test: pass --base-url URL or set {env_name('base_url')} (e.g. http://127.0.0.1:8000)"
            )
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise UsageError naming the first setting that cannot work."""
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--base-url must be an http(s) URL such as http://127.0.0.1:8000, not {self.base_url!r}")
        if self.token is None and (self.username is None or self.password is None):
            missing = "--password" if self.username is not None else "--token, or --username and --password"
            raise UsageError(
                f"no credentials: pass {missing} (or set {env_name('token')}, "
                f"or {env_name('username')} and {env_name('password')})"
            )
        if self.second_token is None and (self.second_username is None) != (self.second_password is None):
            missing = "--second-password" if self.second_username is not None else "--second-username"
            raise UsageError(
                f"the second user needs {missing} too (or set {env_name('second_username')} and "
                f"{env_name('second_password')}, or {env_name('second_token')})"
            )
        for name, minimum in (("max_examples", 1), ("max_steps", 2), ("workers", 1), ("seed", 0)):
            if getattr(self, name) < minimum:
                raise UsageError(f"--{name.replace('_', '-')} must be at least {minimum}, not {getattr(self, name)}")
        if self.request_timeout <= 0:
            raise UsageError(f"--request-timeout must be a positive number of seconds, not {self.request_timeout}")
        if self.max_duration is not None and self.max_duration <= 0:
            raise UsageError(f"--max-duration must be a positive number of seconds, not {self.max_duration}")
        if self.baseline_record and self.baseline is None:
            raise UsageError("--baseline-record needs --baseline FILE: the file to record the failures in")

    @property
    def root_url(self) -> str:
        """The base URL without a trailing slash; every contract path starts with `/api/`."""
        return self.base_url.rstrip("/")

    def secrets(self) -> list[str]:
        """Every secret value this run knows, for masking reports."""
        found = (self.token, self.password, self.second_token, self.second_password)
        return [secret.reveal() for secret in found if secret is not None and secret.reveal()]

    @property
    def has_second_user(self) -> bool:
        """Whether the run has a second, ordinary user for the authorization checks."""
        return self.second_token is not None or self.second_username is not None

    def scope(self) -> tuple[str, str, list[str]]:
        """What a run tests, in words: the contract, whether it writes, and the operations selected."""
        contract = "published contract" if self.published else "contract with overlays"
        mode = "read-only" if self.read_only else ("writes, cleaned up" if self.cleanup else "writes, kept")
        selected = []
        if self.operations or self.tags:
            selected.append(f"operations {','.join(self.operations) or '*'} tags {','.join(self.tags) or '*'}")
        if self.exclude:
            selected.append(f"excluding {','.join(self.exclude)}")
        return contract, mode, selected

    def describe(self) -> str:
        """One line for the report header; secrets never appear in it."""
        who = f"user {self.username}" if self.token is None else "a token"
        contract, mode, selected = self.scope()
        subset = "".join(f", {part}" for part in selected)
        if self.max_duration is not None:
            subset += f", max-duration {self.max_duration:g}s"
        if self.baseline is not None:
            subset += f", baseline {self.baseline}" + (" (recording)" if self.baseline_record else "")
        if self.has_second_user:
            subset += f", second user {self.second_username or 'by token'}"
        return (
            f"{self.root_url} as {who}; {contract}; {mode}; max-examples {self.max_examples}, "
            f"seed {self.seed}, workers {self.workers}{subset}"
        )


def default(name: str) -> Any:
    """The default of a setting, for help texts."""
    return next(item.default for item in dataclasses.fields(Settings) if item.name == name)


def env_name(name: str) -> str:
    """The environment variable that sets a field: `INVENTREE_` + the field name in capitals."""
    return ENV_PREFIX + name.upper()


def _is_credential(name: str) -> bool:
    return name.removeprefix("second_") in ("token", "username", "password")


def _credentials(options: Mapping[str, Any], environ: Mapping[str, str], prefix: str = "") -> dict[str, Any]:
    """Credentials come as a group: any given on the command line hide all of those in the environment.

    `prefix` "second_" reads the second user's group (`--second-token`, `INVENTREE_SECOND_USERNAME`, ...).
    """
    names = tuple(prefix + name for name in ("token", "username", "password"))
    for source in (options, {name: environ.get(env_name(name)) for name in names}):
        token, username, password = (source.get(name) for name in names)
        if token:
            return {names[0]: _convert("token", token, source=names[0])}
        if username or password:
            found: dict[str, Any] = {}
            if username:
                found[names[1]] = str(username)
            if password:
                found[names[2]] = _convert("password", password, source=names[2])
            return found
    return {}


def _convert(name: str, value: Any, *, source: str) -> Any:
    """A value from the command line (already typed, or text) or the environment (text), as the field's type."""
    kind = _KINDS.get(name, str)
    if kind is Secret:
        return value if isinstance(value, Secret) else Secret(str(value).strip())
    if kind is tuple:
        parts = value.split(",") if isinstance(value, str) else value
        return tuple(str(part).strip() for part in parts if str(part).strip())
    if kind is Path:
        return Path(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if kind is bool:
            if text.lower() in TRUE_WORDS | FALSE_WORDS:
                return text.lower() in TRUE_WORDS
            raise ValueError(text)
        if kind in (int, float):
            return kind(text)
    except ValueError:
        raise UsageError(f"{source} must be {_KIND_WORDS[kind]}, not {value!r}") from None
    return text


# The type each field is read as; fields not named are text.
_KINDS: dict[str, type] = {
    "token": Secret,
    "password": Secret,
    "read_only": bool,
    "cleanup": bool,
    "published": bool,
    "operations": tuple,
    "tags": tuple,
    "exclude": tuple,
    "max_examples": int,
    "max_steps": int,
    "seed": int,
    "workers": int,
    "request_timeout": float,
    "max_duration": float,
    "junit_xml": Path,
    "baseline": Path,
    "baseline_record": bool,
    "drift": bool,
}
_KIND_WORDS: dict[type, str] = {bool: "true or false", int: "a whole number", float: "a number"}
