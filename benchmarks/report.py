"""Render the results as Markdown: one table per question the issue asks."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.analysis import (
    Spread,
    ratio_summaries,
    scale_multiples,
    summarise_load,
    summarise_scale,
    summarise_servers,
)
from benchmarks.results import BenchResults, StartupRun
from benchmarks.targets import REFERENCE

TIMES = "\u00d7"  # the multiplication sign
EN_DASH = "\u2013"  # between the ends of a range
MOCK = "mock"
CEILING = "starlette"  # bare Starlette: what a Python ASGI server costs at least
DASH = EN_DASH  # an empty cell


def fmt_rate(value: float) -> str:
    """Requests per second: whole numbers with thousands separators, one decimal below 100."""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def fmt_ms(value: float) -> str:
    """Milliseconds to three significant figures or so."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(spread: Spread) -> str:
    """A ratio's median, with the low-high range when the repetitions disagree in the second decimal."""
    text = f"{spread.median:.2f}{TIMES}"
    if spread.count > 1 and round(spread.high, 2) != round(spread.low, 2):
        text += f", {spread.low:.2f}{EN_DASH}{spread.high:.2f}"
    return text


def _num(value: object) -> str:
    """A setting as typed: 10.0 as 10, 2.5 as 2.5."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A Markdown table; `align` holds one of l/r per column (default: first left, the rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---" if a == "l" else "--:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _servers_with_data(results: BenchResults) -> list[str]:
    present = {run.server for run in results.load}
    return [key for key in results.servers if key in present]


def _scenarios_with_data(results: BenchResults) -> list[str]:
    present = {run.scenario for run in results.load}
    return [key for key in results.scenarios if key in present]


def header_lines(results: BenchResults) -> list[str]:
    meta = results.meta
    machine = meta.get("machine", {})
    settings = meta.get("settings", {})
    tools = ", ".join(
        f"{name} {str(machine[key]).removeprefix(name + ' ')}"
        for name, key in (
            ("wrk", "wrk"),
            ("Prism", "prism"),
            ("node", "node"),
            ("Connexion", "connexion"),
            ("Starlette", "starlette"),
            ("uvicorn", "uvicorn"),
        )
        if machine.get(key)
    )
    lines = [
        "# Benchmark: the mock beside Prism, Connexion's mock mode and a bare Starlette app",
        "",
        f"Taken {meta.get('taken', '?')} on {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"Python {machine.get('python', '?')}; {tools}.",
    ]
    if settings:
        shape = f"-t{settings.get('threads')} -c{settings.get('connections')} -d{_num(settings.get('duration_s'))}s"
        lines += [
            "",
            f"Load: `wrk {shape} --latency`, after a {_num(settings.get('warmup_s'))} s warm-up,"
            f" {settings.get('repetitions')} repetitions;"
            " each server runs alone, in turn, once per repetition, and every request carries an"
            " `Authorization` header. Figures are medians over the repetitions. A ratio is taken within each"
            f" repetition against {results.servers.get(REFERENCE, REFERENCE)}, then its median is shown, with"
            " the range from the lowest to the highest when the repetitions disagree.",
        ]
        before, after = meta.get("load_average_at_start"), meta.get("load_average_at_end")
        if before and after:
            lines += [
                "",
                f"Load average (1, 5, 15 min) at the start: {', '.join(map(str, before))};"
                f" at the end: {', '.join(map(str, after))}. Other work on the machine lowers every figure;"
                " the ratios, taken pair by pair, less so.",
            ]
        if settings.get("quick"):
            lines += ["", "**Quick mode**: short runs to try the setup; do not quote these figures."]
    return lines


def load_lines(results: BenchResults) -> list[str]:
    servers = _servers_with_data(results)
    scenarios = _scenarios_with_data(results)
    if not servers:
        return []
    summary = summarise_load(results.load)
    rps_ratio = ratio_summaries(results.load, REFERENCE, "requests_per_s")
    p99_ratio = ratio_summaries(results.load, REFERENCE, "p99_ms")
    cpu_ratio = ratio_summaries(results.load, REFERENCE, "cpu_us_per_request")
    labels = [results.servers[s] for s in servers]

    def cell(server: str, scenario: str, render: str) -> str:
        item = summary.get((server, scenario))
        if item is None:
            return DASH
        if render == "rps":
            text = fmt_rate(item.requests_per_s.median)
            ratio = rps_ratio.get((server, scenario))
        elif render == "latency":
            text = f"{fmt_ms(item.p50_ms.median)} / {fmt_ms(item.p99_ms.median)}"
            ratio = p99_ratio.get((server, scenario))
        elif render == "cpu":
            if item.cpu_us_per_request is None:
                return DASH
            text = f"{item.cpu_us_per_request.median:,.0f}"
            ratio = cpu_ratio.get((server, scenario))
        else:
            errors = item.non_2xx + item.socket_errors
            return f"{errors:,} of {item.requests:,}" if errors else "0"
        if ratio is not None and server != REFERENCE:
            text += f" ({fmt_ratio(ratio)})"
        return text

    lines = ["", "## Requests per second (higher is better; ratio to Prism quiet in brackets)", ""]
    lines += table(
        ["request", *labels], [[results.scenarios[sc]] + [cell(sv, sc, "rps") for sv in servers] for sc in scenarios]
    )
    lines += ["", "## Latency p50 / p99 in ms (lower is better; p99 ratio to Prism quiet in brackets)", ""]
    lines += table(
        ["request", *labels],
        [[results.scenarios[sc]] + [cell(sv, sc, "latency") for sv in servers] for sc in scenarios],
    )
    if any(item.cpu_us_per_request is not None for item in summary.values()):
        lines += [
            "",
            "## Server CPU time per request in \u00b5s (lower is better; ratio to Prism quiet in brackets)",
            "",
            "User plus system time of the server's processes during the measured run, divided by the requests"
            " answered: what a request costs the server, less moved than requests/s by wrk and other work"
            " sharing the two cores.",
            "",
        ]
        lines += table(
            ["request", *labels],
            [[results.scenarios[sc]] + [cell(sv, sc, "cpu") for sv in servers] for sc in scenarios],
        )
        to_starlette = ratio_summaries(results.load, CEILING, "cpu_us_per_request")
        multiples = [
            f"{results.scenarios[sc]} {fmt_ratio(to_starlette[(MOCK, sc)])}"
            for sc in scenarios
            if (MOCK, sc) in to_starlette
        ]
        if multiples:
            lines += [
                "",
                "Our mock's CPU per request as a multiple of bare Starlette's, pair by pair: "
                + "; ".join(multiples)
                + ".",
            ]
    lines += ["", "## Failed requests: non-2xx/3xx answers and socket errors, of all measured requests", ""]
    lines += table(
        ["request", *labels], [[results.scenarios[sc]] + [cell(sv, sc, "errors") for sv in servers] for sc in scenarios]
    )
    return lines


def server_lines(results: BenchResults) -> list[str]:
    summaries = summarise_servers(results.server_runs)
    if not summaries:
        return []
    about = results.meta.get("about", {})
    rows = []
    for key, label in results.servers.items():
        item = summaries.get(key)
        if item is None:
            continue
        cold = item.cold_start_s
        cold_text = f"{cold.median:.2f} s" + (f" ({cold.low:.2f}{EN_DASH}{cold.high:.2f})" if cold.count > 1 else "")
        rows.append([label, about.get(key, ""), cold_text, f"{item.peak_rss_mib:,.0f} MiB"])
    lines = ["", "## Servers: cold start to the first 200 on a GET, and peak memory (RSS) under load", ""]
    lines += table(["server", "what runs", "cold start (median)", "peak RSS"], rows, "llrr")
    return lines


def scale_lines(results: BenchResults) -> list[str]:
    if not results.scale:
        return []
    settings = results.meta.get("settings", {})
    summary = summarise_scale(results.scale)
    multiples = scale_multiples(results.scale, "p50_ms")
    sizes = sorted({run.size for run in results.scale})
    queries = [key for key in results.scale_queries if any(run.query == key for run in results.scale)]
    rows = []
    for query in queries:
        row = [results.scale_queries[query]]
        for size in sizes:
            item = summary.get((query, size))
            if item is None:
                row.append(DASH)
                continue
            latency = f"{fmt_ms(item.p50_ms.median)} / {fmt_ms(item.p99_ms.median)} ms"
            text = f"{latency}, {fmt_rate(item.requests_per_s.median)}/s"
            multiple = multiples.get((query, size))
            if multiple is not None and size != sizes[0]:
                text += f" ({multiple:.1f}{TIMES} p50)"
            if item.errors:
                text += f", {item.errors:,} failed"
            row.append(text)
        rows.append(row)
    lines = [
        "",
        "## Scale: our mock's project-code list with N stored objects",
        "",
        f"`wrk -t{settings.get('scale_threads', '?')} -c{settings.get('scale_connections', '?')}"
        f" -d{_num(settings.get('scale_duration_s', '?'))}s` after a {_num(settings.get('scale_warmup_s', '?'))} s"
        f" warm-up, {settings.get('scale_repetitions', '?')} repetitions: one client, so the latency is the"
        " work of one request, not a queue. "
        "p50 / p99 latency and requests/s for one page of 10; in brackets the p50 as a multiple of the"
        f" p50 with {sizes[0]:,} objects. Except where the same query is sent each time, every request"
        " carries a unique parameter the server ignores (`_q=...`), so that no cache keyed by the query"
        " string can answer and the store does the work.",
        "",
    ]
    lines += table(["query", *(f"{size:,} objects" for size in sizes)], rows)
    starts = {s.size: s for s in results.scale_servers}
    if starts:
        lines += [""]
        lines += table(
            ["stored objects", "cold start (empty cache)", "peak RSS"],
            [
                [f"{size:,}", f"{starts[size].cold_start_s:.2f} s", f"{starts[size].peak_rss_mib:,.0f} MiB"]
                for size in sorted(starts)
            ],
        )
    return lines


def startup_lines(results: BenchResults) -> list[str]:
    """Each fixtures set with an empty and a warm cache: median start (range), CPU, peak memory."""
    if not results.startup:
        return []
    groups: dict[tuple[str, str], list[StartupRun]] = {}
    for run in results.startup:
        groups.setdefault((run.fixtures, run.cache), []).append(run)
    rows = []
    for (fixtures, cache), runs in groups.items():
        start = Spread.of(r.start_s for r in runs)
        cpu = Spread.of(r.cpu_s for r in runs)
        ranged = f" ({start.low:.2f}{EN_DASH}{start.high:.2f})" if start.count > 1 else ""
        rows.append(
            [
                fixtures,
                cache,
                str(start.count),
                f"{start.median:.2f} s{ranged}",
                f"{cpu.median:.2f} s",
                f"{max(r.peak_rss_mib for r in runs):,.0f} MiB",
            ]
        )
    lines = [
        "",
        "## Start-up: our mock from spawn to the first 200 on `GET /api/`",
        "",
        "`python -m mock_server`, each series with a cache folder of its own: an *empty* cache is filled"
        " by that start (the resolved contract and the parsed fixtures, spec/cache.py), a *warm* one is"
        " read. Wall time is the median (range) of the starts; CPU is the process's user plus system"
        " time by its first 200, less moved by other work on the machine than the wall time.",
        "",
    ]
    lines += table(["fixtures", "cache", "starts", "to first 200", "CPU", "peak RSS"], rows, "llrrrr")
    return lines


def contract_lines(results: BenchResults) -> list[str]:
    run = results.contract
    if run is None:
        return []
    cases = f"{run.cases:,}" if run.cases is not None else DASH
    rate = f"{run.cases_per_s:,.1f}" if run.cases_per_s is not None else DASH
    lines = ["", "## Contract suite: a full run against the mock", ""]
    lines += table(
        ["--max-examples", "wall time", "cases", "cases/s", "exit code", "cases counted from"],
        [[str(run.max_examples), f"{run.wall_s:,.1f} s", cases, rate, str(run.exit_code), run.cases_source]],
        "rrrrrl",
    )
    return lines


def note_lines(results: BenchResults) -> list[str]:
    if not results.notes:
        return []
    return ["", "## Notes", "", *(f"- {note}" for note in results.notes)]


def render_markdown(results: BenchResults, chart_name: str | None = None) -> str:
    """The whole report."""
    lines = header_lines(results)
    if chart_name:
        lines += ["", f"![requests/s and p99 per server]({chart_name})"]
    for part in (load_lines, server_lines, scale_lines, startup_lines, contract_lines, note_lines):
        lines += part(results)
    return "\n".join(lines) + "\n"
