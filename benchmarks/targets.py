"""The servers compared and the requests sent to each: one table of facts, read by the runner."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """Files the servers are started from, found or made before the first start."""

    published_spec: Path
    # The published contract cut down to the project-code paths: how Prism fares on a small document.
    excerpt_spec: Path | None = None
    prism_entry: Path | None = None
    node: str | None = None
    python: str = sys.executable


@dataclass(frozen=True)
class Target:
    """One server: how to start it on a port, and what it needs from the load."""

    key: str
    label: str
    about: str
    build: Callable[[int, Paths], list[str]]
    needs_prism: bool = False
    # The mock holds real state: a token from Basic credentials, a real object id, a reset between scenarios.
    stateful: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)


def _mock(port: int, paths: Paths) -> list[str]:
    # Quiet logging, as for every other server here: uvicorn's access log costs a line per request.
    return [paths.python, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]


def _mock_file(workers: int) -> Callable[[int, Paths], list[str]]:
    def build(port: int, paths: Paths) -> list[str]:
        # A state file of its own per port, started again from the fixtures at every start.
        state = Path(tempfile.gettempdir()) / f"inventree-mock-bench-{port}.sqlite3"
        extra = ["--workers", str(workers)] if workers > 1 else []
        return [*_mock(port, paths), "--state", str(state), "--fresh-state", *extra]

    return build


def _prism(*flags: str, excerpt: bool = False) -> Callable[[int, Paths], list[str]]:
    def build(port: int, paths: Paths) -> list[str]:
        if paths.prism_entry is None or paths.node is None:
            raise RuntimeError("Prism is not installed")
        spec = paths.excerpt_spec if excerpt else paths.published_spec
        if spec is None:
            raise RuntimeError("the contract excerpt was not written")
        # node runs Prism's entry script directly, so the process measured is the server itself,
        # not an npm or npx wrapper around it.
        return [
            paths.node,
            str(paths.prism_entry),
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            *flags,
            str(spec),
        ]

    return build


def _connexion_mock(port: int, paths: Paths) -> list[str]:
    return [
        paths.python,
        "-m",
        "benchmarks.servers.connexion_mock",
        "--spec",
        str(paths.published_spec),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def _starlette(port: int, paths: Paths) -> list[str]:
    return [paths.python, "-m", "benchmarks.servers.starlette_app", "--host", "127.0.0.1", "--port", str(port)]


TARGETS: dict[str, Target] = {
    target.key: target
    for target in (
        Target(
            "mock",
            "our mock",
            "`python -m mock_server --log-level warning`, default fixtures: full validation, auth, real state",
            _mock,
            stateful=True,
        ),
        Target(
            "mock-file",
            "our mock, file store",
            "the same with `--state FILE`: every write a committed SQLite transaction (WAL), reads from memory",
            _mock_file(1),
            stateful=True,
        ),
        Target(
            "mock-file-2w",
            "our mock, file store, 2 workers",
            "the same with `--workers 2`: two processes sharing the state file",
            _mock_file(2),
            stateful=True,
        ),
        Target(
            "prism",
            "Prism (quiet)",
            "`prism mock -v error` on the published contract: static examples, request validation",
            _prism("-v", "error"),
            needs_prism=True,
        ),
        Target(
            "prism-default",
            "Prism (default log)",
            "`prism mock` on the published contract, default logging (a few lines per request)",
            _prism(),
            needs_prism=True,
        ),
        Target(
            "prism-excerpt",
            "Prism (quiet, 3 paths)",
            "`prism mock -v error` on the project-code paths alone: what Prism costs on a small document",
            _prism("-v", "error", excerpt=True),
            needs_prism=True,
        ),
        Target(
            "connexion-mock",
            "Connexion mock mode",
            "Connexion 3 `MockResolver(mock_all=True)` on the published contract, uvicorn, quiet logging",
            _connexion_mock,
        ),
        Target(
            "starlette",
            "bare Starlette",
            "Starlette on uvicorn answering fixed bodies: the ceiling for a Python ASGI server here",
            _starlette,
        ),
    )
}
REFERENCE = "prism"


@dataclass(frozen=True)
class Scenario:
    """One kind of request, the same for every server."""

    key: str
    label: str
    kind: str  # the wrk script: "get", "create" or "update"
    path: str  # `{id}` is replaced by an object the server holds


SCENARIOS: dict[str, Scenario] = {
    scenario.key: scenario
    for scenario in (
        Scenario("list", "GET list (?limit=10)", "get", "/api/project-code/?limit=10"),
        Scenario("detail", "GET detail", "get", "/api/project-code/{id}/"),
        Scenario("create", "POST create", "create", "/api/project-code/"),
        Scenario("update", "PATCH update", "update", "/api/project-code/{id}/"),
    )
}


@dataclass(frozen=True)
class ScaleQuery:
    """One list query of the scale test; `varied` adds a unique unknown parameter to every request."""

    label: str
    path: str  # `{last}` is replaced by the offset of the last page
    varied: bool = True


# The scale test: the mock's project-code list with many stored objects. Each query asks for one page.
# The same query sent again and again may be answered by a cache keyed by the query string (the mock
# keeps one until the table changes, i.e. until the next write), so all but the first are made distinct
# per request: they measure the store's own search, ordering and pagination.
SCALE_QUERIES: dict[str, ScaleQuery] = {
    "repeated": ScaleQuery("first page, the same query each time", "/api/project-code/?limit=10", varied=False),
    "first-page": ScaleQuery("first page (?limit=10)", "/api/project-code/?limit=10"),
    "last-page": ScaleQuery("last page (?limit=10&offset=N-10)", "/api/project-code/?limit=10&offset={last}"),
    "search": ScaleQuery("search (?search=needle&limit=10)", "/api/project-code/?search=needle&limit=10"),
    "ordering": ScaleQuery("ordering (?ordering=-code&limit=10)", "/api/project-code/?ordering=-code&limit=10"),
}

MOCK_USER = ("admin", "inventree")
ANY_KEY = "bench"  # the servers without real auth take any token key
RESET_PATH = "/_mock/reset"
KEY_PATH = "/api/user/token/"  # GET with Basic credentials answers {"token": ...}
PROBE_PATH = "/api/project-code/?limit=10"
