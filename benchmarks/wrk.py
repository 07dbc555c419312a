"""Drive wrk: compose its Lua script, build its command line, run it, and read back its figures."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
JSON_MARKER = "WRK_JSON "

# Scripts per request kind; report.lua is appended to each for the exact figures.
SCRIPTS = {"get": "get.lua", "create": "create.lua", "update": "update.lua", "varied": "varied.lua"}

_UNITS_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^(?P<value>[0-9.]+)(?P<unit>us|ms|s|m|h)$")


class WrkError(Exception):
    """wrk could not run, or printed nothing that could be read as a result."""


@dataclass(frozen=True)
class WrkSettings:
    """The load shape: the same for every server."""

    threads: int = 2
    connections: int = 16
    duration_s: float = 10.0
    timeout_s: float = 5.0


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles and errors."""

    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float | None
    p99_ms: float
    max_ms: float | None
    non_2xx: int
    socket_errors: int
    bytes_read: int | None = None

    @property
    def errors(self) -> int:
        """Every request that did not come back as a success: non-2xx/3xx answers and socket errors."""
        return self.non_2xx + self.socket_errors


def compose_script(kind: str) -> str:
    """The full Lua script for one request kind: the scenario part, then the JSON reporter."""
    if kind not in SCRIPTS:
        raise WrkError(f"unknown request kind {kind!r}; choose one of {', '.join(sorted(SCRIPTS))}")
    scenario = (LUA_DIR / SCRIPTS[kind]).read_text(encoding="utf-8")
    reporter = (LUA_DIR / "report.lua").read_text(encoding="utf-8")
    return f"{scenario}\n{reporter}"


def command(
    url: str,
    settings: WrkSettings,
    script: Path,
    *,
    headers: dict[str, str] | None = None,
    script_args: tuple[str, ...] = (),
    duration_s: float | None = None,
) -> list[str]:
    """The wrk command line for one run."""
    seconds = settings.duration_s if duration_s is None else duration_s
    args = [
        "wrk",
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={_seconds(seconds)}",
        f"--timeout={_seconds(settings.timeout_s)}",
        "--latency",
        f"--script={script}",
    ]
    for name, value in (headers or {}).items():
        args += ["--header", f"{name}: {value}"]
    args.append(url)
    if script_args:
        args += ["--", *script_args]
    return args


def _seconds(value: float) -> str:
    # wrk takes whole units ("10s"); sub-second durations go in milliseconds.
    if value >= 1 and float(value).is_integer():
        return f"{int(value)}s"
    return f"{max(1, round(value * 1000))}ms"


def run(args: list[str], grace_s: float = 30.0) -> tuple[WrkResult, str]:
    """Run wrk and parse its output; the run is bounded by wrk's own duration plus a grace period."""
    duration = next((a.split("=", 1)[1] for a in args if a.startswith("--duration=")), "10s")
    limit = _duration_ms(duration) / 1000 + grace_s
    try:
        completed = subprocess.run(args, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish within {limit:.0f} s") from exc
    except FileNotFoundError as exc:
        raise WrkError("wrk is not installed") from exc
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise WrkError(f"wrk exited {completed.returncode}: {output.strip()[-300:]}")
    return parse(output), output


def parse(output: str) -> WrkResult:
    """Read a wrk run from its output: the JSON line of report.lua when present, else wrk's own text."""
    for line in output.splitlines():
        if line.startswith(JSON_MARKER):
            return parse_json_line(line[len(JSON_MARKER) :])
    return parse_text(output)


def parse_json_line(text: str) -> WrkResult:
    """Read the one-line JSON that report.lua prints."""
    try:
        data = json.loads(text)
        errors = data["errors"]
        latency = data["latency_us"]
        requests = int(data["requests"])
        duration_s = int(data["duration_us"]) / 1_000_000
        return WrkResult(
            requests=requests,
            duration_s=duration_s,
            requests_per_s=requests / duration_s if duration_s > 0 else 0.0,
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p99_ms=latency["p99"] / 1000,
            max_ms=latency["max"] / 1000,
            non_2xx=int(errors["status"]),
            socket_errors=sum(int(errors[key]) for key in ("connect", "read", "write", "timeout")),
            bytes_read=int(data["bytes"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise WrkError(f"unreadable wrk JSON line: {text[:200]!r}") from exc


_REQUESTS = re.compile(r"^\s*(?P<count>\d+) requests in (?P<duration>[0-9.]+\w+), (?P<read>[0-9.]+\w+) read", re.M)
_RPS = re.compile(r"^Requests/sec:\s+(?P<value>[0-9.]+)", re.M)
_PERCENTILE = re.compile(r"^\s+(?P<p>50|75|90|99)%\s+(?P<value>[0-9.]+\w+)\s*$", re.M)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(?P<count>\d+)", re.M)
_SOCKET = re.compile(
    r"^\s*Socket errors: connect (?P<connect>\d+), read (?P<read>\d+), write (?P<write>\d+), timeout (?P<timeout>\d+)",
    re.M,
)
_LATENCY_ROW = re.compile(r"^\s+Latency\s+\S+\s+\S+\s+(?P<max>[0-9.]+\w+)", re.M)


def parse_text(output: str) -> WrkResult:
    """Read wrk's human-readable summary (run with --latency for the percentiles)."""
    requests = _REQUESTS.search(output)
    rps = _RPS.search(output)
    percentiles = {m["p"]: _duration_ms(m["value"]) for m in _PERCENTILE.finditer(output)}
    if requests is None or rps is None or "50" not in percentiles or "99" not in percentiles:
        raise WrkError("wrk printed no summary with a latency distribution (was it run with --latency?)")
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    latency_row = _LATENCY_ROW.search(output)
    return WrkResult(
        requests=int(requests["count"]),
        duration_s=_duration_ms(requests["duration"]) / 1000,
        requests_per_s=float(rps["value"]),
        p50_ms=percentiles["50"],
        p90_ms=percentiles.get("90"),
        p99_ms=percentiles["99"],
        max_ms=_duration_ms(latency_row["max"]) if latency_row else None,
        non_2xx=int(non_2xx["count"]) if non_2xx else 0,
        socket_errors=sum(int(v) for v in socket.groupdict().values()) if socket else 0,
    )


def _duration_ms(text: str) -> float:
    """'512.00us', '1.23ms', '2.01s', '1.50m' in milliseconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise WrkError(f"unreadable wrk duration {text!r}")
    return float(match["value"]) * _UNITS_TO_MS[match["unit"]]
