"""Settings of the mock server, with one source of defaults and an `INVENTREE_MOCK_` environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from mock_server.control.fault_rules import ENVIRONMENT_READERS, Delay, FaultSpec

# The repository's fixtures/ when run from a checkout; the copy packed into the wheel otherwise.
_CHECKOUT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_FIXTURES = _CHECKOUT_FIXTURES if _CHECKOUT_FIXTURES.is_dir() else Path(__file__).resolve().parent / "fixtures"
ENV_PREFIX = "INVENTREE_MOCK_"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; every field has its default here and nowhere else."""

    host: str = "127.0.0.1"
    port: int = 8000
    fixtures: Path = DEFAULT_FIXTURES
    # Origins allowed by CORS, with credentials (`*` in one matches any text, e.g. `http://localhost:*`);
    # "*" alone lets any browser frontend call the API (control/security.py says why that is safe).
    cors_origins: tuple[str, ...] = ("*",)
    # Serve the published contract (no overlays) to Connexion instead of the overlaid one.
    published: bool = False
    # Largest request body accepted, in bytes (Django's DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB).
    max_body_bytes: int = 2_621_440
    # Deepest JSON nesting accepted in a request body.
    max_json_depth: int = 64
    log_level: str = "info"
    # A SQLite file that keeps the state across restarts (None: in memory, lost at exit).
    state: Path | None = None
    # With `state`: seed the file from the fixtures even when it exists (a reload does this).
    fresh_state: bool = False
    # Server processes sharing one state file (more than one needs `state`).
    workers: int = 1
    # Watch the fixtures and spec folders and reload them on change.
    reload: bool = False
    # Latency and faults (control/faults.py): a delay for every API request, a share of them
    # answered 500, and rules by operation or path; `seed` makes the random choices repeatable.
    delay: Delay | None = None
    error_rate: float = 0.0
    faults: tuple[FaultSpec, ...] = ()
    seed: int = 0
    # The request journal (control/journal.py): how many requests it keeps (0: none), and how many
    # bytes of each body.
    journal_size: int = 500
    journal_body_bytes: int = 16_384
    # The token the control API asks for (X-Mock-Token); one is made up when the mock binds beyond loopback.
    control_token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then `INVENTREE_MOCK_*` variables, then explicit overrides (None means unset)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None:
                values[field.name] = _convert(field.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _convert(name: str, raw: str) -> object:
    if name in ENVIRONMENT_READERS:
        try:
            return ENVIRONMENT_READERS[name](raw)
        except ValueError as error:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}: {error}") from None
    if name in {"port", "max_body_bytes", "max_json_depth", "seed", "journal_size", "journal_body_bytes", "workers"}:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name.upper()} must be an integer, not {raw!r}") from None
    if name in {"fixtures", "state"}:
        return Path(raw)
    if name in {"published", "fresh_state", "reload"}:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw
