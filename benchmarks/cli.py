"""Command line: measure every server in one run and write the table, the JSON and the chart."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks import wrk
from benchmarks.chart import render_chart
from benchmarks.config import BenchConfig
from benchmarks.context import RunContext
from benchmarks.contract import run_contract
from benchmarks.load import run_load
from benchmarks.profiling import run_profile
from benchmarks.report import render_markdown
from benchmarks.results import BenchResults
from benchmarks.scale import run_scale
from benchmarks.startup import run_startup
from benchmarks.targets import REFERENCE, SCALE_QUERIES, SCENARIOS, TARGETS, Paths
from benchmarks.tools import ensure_prism, ensure_wrk, export_spec, machine_facts, write_excerpt

LATEST = "latest"
EXCERPT_PREFIX = "/api/project-code/"
# Why the comparison servers get the published contract: both pick answers from the schemas alone,
# and neither can choose an overlay's `oneOf` branch by the request's `limit`.
SPEC_NOTE = (
    "Prism and Connexion's mock mode serve the published contract (`python -m spec --published`). With the"
    " overlays, a list answers `oneOf` [plain array, paginated envelope] depending on `limit`: Prism always"
    " takes the first branch (a plain array, even for `?limit=10`) and Connexion's mock mode cannot build an"
    " example from a `oneOf` at all (it answers `null`). The published contract gives both the paginated"
    " envelope that our mock and InvenTree answer to `?limit=10`."
)
CONNEXION_NOTE = (
    "Connexion's mock mode needs two changes to answer at all on this contract: security functions (here:"
    " accept anything; without them every operation is a 401) and no required readOnly properties in request"
    " bodies (connexion issue 1907; without it every create is a 400). Its leaves without an example are"
    " `null`: the `connexion[mock]` faker is not installed."
)
LOAD_NOTE = (
    "Only our mock holds state and checks credentials: it gets a real token (Basic admin:inventree on"
    " /api/user/token/), a real object id, and a `POST /_mock/reset` before each request kind; every POST"
    " sends a new unique `code`. The others take any `Authorization` header and answer fixed bodies."
)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs to try the setup (figures not for quoting)")
    parser.add_argument(
        "--duration", type=float, help=f"seconds per measured run (default {defaults.wrk.duration_s:g})"
    )
    parser.add_argument(
        "--warmup", type=float, help=f"seconds of warm-up before each run (default {defaults.warmup_s:g})"
    )
    parser.add_argument("--threads", type=int, help=f"wrk threads (default {defaults.wrk.threads})")
    parser.add_argument("--connections", type=int, help=f"wrk connections (default {defaults.wrk.connections})")
    parser.add_argument("--repetitions", type=int, help=f"repetitions, at least 2 (default {defaults.repetitions})")
    parser.add_argument("--servers", type=_csv, help=f"comma-separated subset of: {', '.join(TARGETS)}")
    parser.add_argument("--scenarios", type=_csv, help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    parser.add_argument("--scale-sizes", type=_csv, help="comma-separated store sizes (default 10,1000,100000)")
    parser.add_argument("--max-examples", type=int, help="--max-examples for the contract suite's timed run")
    parser.add_argument("--no-load", action="store_true", help="skip the load comparison")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale test")
    parser.add_argument("--no-startup", action="store_true", help="skip timing the mock's starts")
    parser.add_argument("--no-contract", action="store_true", help="skip timing the contract suite")
    parser.add_argument("--profile", action="store_true", help="also profile the mock under load with pyinstrument")
    parser.add_argument("--output-dir", type=Path, help="where latest.{md,json,png} go (default benchmarks/results)")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only re-render the table and chart from a JSON")
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> BenchConfig:
    """The defaults, quickened with --quick, then every option given explicitly."""
    config = BenchConfig()
    if args.quick:
        config = config.quickened()
    settings = replace(
        config.wrk,
        duration_s=args.duration or config.wrk.duration_s,
        threads=args.threads or config.wrk.threads,
        connections=args.connections or config.wrk.connections,
    )
    unknown = [s for s in args.servers or () if s not in TARGETS] + [
        s for s in args.scenarios or () if s not in SCENARIOS
    ]
    if unknown:
        raise SystemExit(f"UsageError: unknown server or scenario: {', '.join(unknown)}")
    return replace(
        config,
        wrk=settings,
        warmup_s=config.warmup_s if args.warmup is None else args.warmup,
        repetitions=max(2, args.repetitions or config.repetitions),
        servers=args.servers or config.servers,
        scenarios=args.scenarios or config.scenarios,
        scale_sizes=tuple(int(s) for s in args.scale_sizes) if args.scale_sizes else config.scale_sizes,
        contract_max_examples=args.max_examples or config.contract_max_examples,
        load=not args.no_load,
        scale=not args.no_scale,
        startup=not args.no_startup,
        contract=not args.no_contract,
        profile=args.profile,
        output_dir=args.output_dir or config.output_dir,
    )


def write_outputs(results: BenchResults, output_dir: Path) -> list[Path]:
    """latest.json, latest.png (when there is load data) and latest.md linking it."""
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / f"{LATEST}.json"
    results.write_json(json_path)
    chart_path = output_dir / f"{LATEST}.png"
    drawn = render_chart(results, chart_path)
    markdown_path = output_dir / f"{LATEST}.md"
    markdown_path.write_text(render_markdown(results, chart_path.name if drawn else None), encoding="utf-8")
    return [markdown_path, json_path] + ([chart_path] if drawn else [])


def run(config: BenchConfig) -> BenchResults:
    """Every phase the configuration asks for, in one run."""
    taken = datetime.datetime.now(datetime.UTC)
    raw_dir = config.output_dir / "raw" / taken.strftime("%Y%m%dT%H%M%SZ")
    raw_dir.mkdir(parents=True, exist_ok=True)
    published = raw_dir / "openapi.published.json"
    export_spec(published, published=True)
    excerpt = raw_dir / "openapi.published.project-code.json"
    write_excerpt(published, excerpt, EXCERPT_PREFIX)
    ctx = RunContext(config=config, paths=Paths(published_spec=published, excerpt_spec=excerpt), raw_dir=raw_dir)
    ctx.log(f"raw output in {raw_dir}")

    servers = list(config.servers)
    needs_wrk = config.load or config.scale or config.profile
    ctx.wrk = ensure_wrk(ctx.log) if needs_wrk else None
    if needs_wrk and ctx.wrk is None:
        ctx.note("wrk could not be had: the load, scale and profile measurements are skipped")
    if config.load and any(TARGETS[s].needs_prism for s in servers):
        prism = ensure_prism(config.tools_dir, ctx.log)
        if prism is None:
            servers = [s for s in servers if not TARGETS[s].needs_prism]
            ctx.note("Prism could not be installed: it is left out, and no ratio against it is given")
        else:
            ctx.paths = replace(ctx.paths, node=prism[0], prism_entry=prism[1])
    scripts_dir = raw_dir / "scripts"
    scripts_dir.mkdir(exist_ok=True)
    for kind in wrk.SCRIPTS:
        ctx.scripts[kind] = scripts_dir / f"{kind}.lua"
        ctx.scripts[kind].write_text(wrk.compose_script(kind), encoding="utf-8")

    results = BenchResults(
        meta={
            "taken": taken.strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine_facts(config.tools_dir),
            "settings": {
                "threads": config.wrk.threads,
                "connections": config.wrk.connections,
                "duration_s": config.wrk.duration_s,
                "warmup_s": config.warmup_s,
                "repetitions": config.repetitions,
                "timeout_s": config.wrk.timeout_s,
                "scale_duration_s": config.scale_duration_s,
                "scale_warmup_s": config.scale_warmup_s,
                "scale_repetitions": config.scale_repetitions,
                "scale_threads": config.scale_wrk.threads,
                "scale_connections": config.scale_wrk.connections,
                "startup_repetitions": config.startup_repetitions,
                "quick": config.quick,
                "reference": REFERENCE,
            },
            "about": {key: TARGETS[key].about for key in servers},
            "raw_dir": str(raw_dir),
            # Other work on the machine skews every figure; the pairwise ratios less so.
            "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        },
        servers={key: TARGETS[key].label for key in servers},
        scenarios={key: SCENARIOS[key].label for key in config.scenarios},
        scale_queries={key: query.label for key, query in SCALE_QUERIES.items()},
    )
    if config.load and ctx.wrk:
        results.notes += [SPEC_NOTE, CONNEXION_NOTE, LOAD_NOTE]
        results.load, results.server_runs = run_load(ctx, servers)
    if config.scale and ctx.wrk:
        results.scale, results.scale_servers = run_scale(ctx)
    if config.startup:
        results.startup = run_startup(ctx)
    if config.contract:
        results.contract = run_contract(ctx)
    if config.profile and ctx.wrk:
        written = run_profile(ctx)
        if written:
            folder = written[0].parent
            # Relative where it can be: the table is committed, the folder (raw/) is not.
            shown = folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder
            ctx.note(f"profile of the mock under load (pyinstrument), in the uncommitted raw output: {shown}")
    results.meta["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    results.notes += ctx.notes
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render is not None:
        results = BenchResults.read_json(args.render)
        for path in write_outputs(results, args.output_dir or args.render.parent):
            print(path)
        return 0
    config = build_config(args)
    try:
        results = run(config)
    except RuntimeError as exc:
        print(f"BenchError: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("BenchError: interrupted; no results written", file=sys.stderr)
        return 130
    for path in write_outputs(results, config.output_dir):
        print(path)
    return 0
