"""The load phase: each server alone, the same four requests, warm-up then measured runs, round-robin."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from benchmarks import wrk
from benchmarks.client import ClientError, basic_auth, call, fetch_token, first_pk
from benchmarks.context import PROJECT_DIR, RunContext
from benchmarks.process import ServerProcess, ServerStartError, free_port
from benchmarks.results import LoadRun, ServerRun
from benchmarks.targets import (
    ANY_KEY,
    KEY_PATH,
    MOCK_USER,
    PROBE_PATH,
    RESET_PATH,
    SCENARIOS,
    TARGETS,
    Target,
)

PROBE_HEADERS = {"Authorization": basic_auth(*MOCK_USER)}


@dataclass(frozen=True)
class Session:
    """A started server, with the headers and the object id its requests use."""

    base_url: str
    headers: dict[str, str]
    object_id: int


def start(
    ctx: RunContext,
    target: Target,
    label: str,
    extra_args: tuple[str, ...] = (),
    timeout_s: float | None = None,
    *,
    env: dict[str, str] | None = None,
) -> tuple[ServerProcess, float, str]:
    """Start one server on a free loopback port; the process, its cold start in seconds, its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = ServerProcess(
        target.key,
        [*target.build(port, ctx.paths), *extra_args],
        base_url + PROBE_PATH,
        probe_headers=PROBE_HEADERS,
        log_path=ctx.raw_dir / "logs" / f"{label}.log",
        env=env,
        cwd=PROJECT_DIR,
    )
    cold = server.start(timeout_s=timeout_s or ctx.config.start_timeout_s)
    return server, cold, base_url


def open_session(target: Target, base_url: str) -> Session:
    """Credentials and an object to read and update: real ones from the mock, any from the others."""
    if not target.stateful:
        return Session(base_url, {"Authorization": f"Token {ANY_KEY}"}, 1)
    token = fetch_token(base_url, *MOCK_USER, KEY_PATH)
    headers = {"Authorization": f"Token {token}"}
    return Session(base_url, headers, first_pk(base_url, "/api/project-code/?limit=1", headers))


def reset(target: Target, session: Session) -> Session:
    """Back to the fixtures, so that every scenario starts from the same state; the session to use then.

    A reset forgets the tokens handed out since the start, so the mock's session is opened anew.
    """
    if not target.stateful:
        return session
    status, _ = call("POST", session.base_url + RESET_PATH, session.headers)
    if status >= 300:
        raise ClientError(f"POST {RESET_PATH} answered {status}")
    return open_session(target, session.base_url)


@dataclass(frozen=True)
class Measurement:
    """A measured wrk run, and the CPU time the server spent on it."""

    result: wrk.WrkResult
    server_cpu_s: float

    @property
    def cpu_us_per_request(self) -> float | None:
        """Server CPU per request: unlike requests/s, hardly moved by other work competing for the cores."""
        if self.result.requests <= 0:
            return None
        return self.server_cpu_s / self.result.requests * 1_000_000


def measure(
    ctx: RunContext,
    server: ServerProcess,
    url: str,
    kind: str,
    *,
    headers: dict[str, str],
    duration_s: float,
    warmup_s: float,
    label: str,
    settings: wrk.WrkSettings | None = None,
) -> Measurement:
    """A warm-up run (discarded), then the measured run; wrk's output is kept under raw/."""
    settings = settings or ctx.config.wrk
    script = ctx.scripts[kind]
    prefix = secrets.token_hex(3)  # unique project codes per wrk invocation (create.lua)
    if warmup_s > 0:
        args = wrk.command(url, settings, script, headers=headers, script_args=(f"{prefix}w",), duration_s=warmup_s)
        wrk.run(args)
    args = wrk.command(url, settings, script, headers=headers, script_args=(f"{prefix}m",), duration_s=duration_s)
    cpu_before = server.cpu_seconds()
    result, output = wrk.run(args)
    cpu = server.cpu_seconds() - cpu_before
    (ctx.raw_dir / "wrk").mkdir(parents=True, exist_ok=True)
    (ctx.raw_dir / "wrk" / f"{label}.txt").write_text(" ".join(args) + "\n\n" + output, encoding="utf-8")
    return Measurement(result, cpu)


def run_load(ctx: RunContext, servers: list[str]) -> tuple[list[LoadRun], list[ServerRun]]:
    """Every repetition starts each server in turn, alone, and sends it every scenario."""
    load: list[LoadRun] = []
    lives: list[ServerRun] = []
    config = ctx.config
    for repetition in range(1, config.repetitions + 1):
        for key in servers:
            target = TARGETS[key]
            label = f"{key}-rep{repetition}"
            try:
                server, cold, base_url = start(ctx, target, label)
            except ServerStartError as exc:
                ctx.note(f"{target.label}: did not start ({exc}); skipped in repetition {repetition}")
                continue
            ctx.log(f"[{repetition}/{config.repetitions}] {target.label}: first 200 after {cold:.2f} s")
            try:
                session = open_session(target, base_url)
                for scenario_key in config.scenarios:
                    scenario = SCENARIOS[scenario_key]
                    session = reset(target, session)
                    url = session.base_url + scenario.path.format(id=session.object_id)
                    measured = measure(
                        ctx,
                        server,
                        url,
                        scenario.kind,
                        headers=session.headers,
                        duration_s=config.wrk.duration_s,
                        warmup_s=config.warmup_s,
                        label=f"{label}-{scenario.key}",
                    )
                    result = measured.result
                    load.append(_load_run(key, scenario.key, repetition, measured))
                    ctx.log(
                        f"[{repetition}/{config.repetitions}] {target.label:<20} {scenario.label:<22}"
                        f" {result.requests_per_s:>9,.0f} req/s  p50 {result.p50_ms:7.2f} ms"
                        f"  p99 {result.p99_ms:7.2f} ms  CPU {measured.cpu_us_per_request or 0:6.0f} us/request"
                        f"  non-2xx {result.non_2xx}  socket errors {result.socket_errors}"
                    )
            except (ClientError, wrk.WrkError) as exc:
                ctx.note(f"{target.label}: {exc}; its remaining scenarios are skipped in repetition {repetition}")
            finally:
                peak_kib = server.stop()
            lives.append(ServerRun(key, repetition, round(cold, 4), round(peak_kib / 1024, 1)))
    return load, lives


def _load_run(server: str, scenario: str, repetition: int, measured: Measurement) -> LoadRun:
    result = measured.result
    cpu = measured.cpu_us_per_request
    return LoadRun(
        server=server,
        scenario=scenario,
        repetition=repetition,
        requests=result.requests,
        duration_s=round(result.duration_s, 3),
        requests_per_s=round(result.requests_per_s, 1),
        p50_ms=round(result.p50_ms, 3),
        p99_ms=round(result.p99_ms, 3),
        non_2xx=result.non_2xx,
        socket_errors=result.socket_errors,
        p90_ms=None if result.p90_ms is None else round(result.p90_ms, 3),
        max_ms=None if result.max_ms is None else round(result.max_ms, 3),
        cpu_us_per_request=None if cpu is None else round(cpu, 1),
    )
