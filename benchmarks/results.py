"""What a benchmark run records, as plain dataclasses that round-trip through JSON."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class LoadRun:
    """One measured wrk run of one scenario against one server, in one repetition."""

    server: str
    scenario: str
    repetition: int
    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    p90_ms: float | None = None
    max_ms: float | None = None
    # The server's CPU time (all its processes) during the run, divided by the requests answered.
    cpu_us_per_request: float | None = None


@dataclass(frozen=True)
class ServerRun:
    """One life of one server: how long it took to its first 200, and its memory peak under load."""

    server: str
    repetition: int
    cold_start_s: float
    peak_rss_mib: float


@dataclass(frozen=True)
class ScaleRun:
    """One list query against the mock holding `size` project codes."""

    size: int
    query: str
    repetition: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


@dataclass(frozen=True)
class ScaleServer:
    """The mock started with `size` project codes: start time and memory."""

    size: int
    cold_start_s: float
    peak_rss_mib: float


@dataclass(frozen=True)
class StartupRun:
    """One start of the mock: spawn to the first 200 on GET /api/, its CPU time by then, its peak memory."""

    fixtures: str
    # "empty": the contract and fixtures cache is filled by this start; "warm": it is read.
    cache: str
    start_s: float
    cpu_s: float
    peak_rss_mib: float


@dataclass(frozen=True)
class ContractRun:
    """One full run of the contract suite against the mock."""

    max_examples: int
    wall_s: float
    exit_code: int
    cases: int | None
    cases_source: str

    @property
    def cases_per_s(self) -> float | None:
        if self.cases is None or self.wall_s <= 0:
            return None
        return self.cases / self.wall_s


@dataclass
class BenchResults:
    """Everything one `python -m benchmarks` run measured, with the settings and the machine."""

    meta: dict[str, Any] = field(default_factory=dict)
    servers: dict[str, str] = field(default_factory=dict)
    scenarios: dict[str, str] = field(default_factory=dict)
    scale_queries: dict[str, str] = field(default_factory=dict)
    load: list[LoadRun] = field(default_factory=list)
    server_runs: list[ServerRun] = field(default_factory=list)
    scale: list[ScaleRun] = field(default_factory=list)
    scale_servers: list[ScaleServer] = field(default_factory=list)
    startup: list[StartupRun] = field(default_factory=list)
    contract: ContractRun | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["schema_version"] = SCHEMA_VERSION
        if self.contract is not None:
            data["contract"]["cases_per_s"] = self.contract.cases_per_s
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchResults:
        contract = data.get("contract")
        if contract is not None:
            contract = {k: v for k, v in contract.items() if k != "cases_per_s"}
        return cls(
            meta=dict(data.get("meta", {})),
            servers=dict(data.get("servers", {})),
            scenarios=dict(data.get("scenarios", {})),
            scale_queries=dict(data.get("scale_queries", {})),
            load=[LoadRun(**run) for run in data.get("load", [])],
            server_runs=[ServerRun(**run) for run in data.get("server_runs", [])],
            scale=[ScaleRun(**run) for run in data.get("scale", [])],
            scale_servers=[ScaleServer(**run) for run in data.get("scale_servers", [])],
            startup=[StartupRun(**run) for run in data.get("startup", [])],
            contract=ContractRun(**contract) if contract is not None else None,
            notes=list(data.get("notes", [])),
        )

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read_json(cls, path: Path) -> BenchResults:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
