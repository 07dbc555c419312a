"""The scale phase: the mock's project-code list with 10, 1,000 and 100,000 stored objects.

Each size gets its own fixtures folder (the default one, with the project-code file replaced by
generated records) and its own start of the mock. The queries ask for one page each: first page,
last page, a search and an ordering, each made distinct per request so that no cache keyed by the
query answers; and once the first page repeated as is, to show what such a cache gives.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from benchmarks.client import ClientError
from benchmarks.context import PROJECT_DIR, RunContext
from benchmarks.load import measure, open_session, start
from benchmarks.process import ServerStartError
from benchmarks.results import ScaleRun, ScaleServer
from benchmarks.targets import SCALE_QUERIES, TARGETS
from benchmarks.wrk import WrkError

DEFAULT_FIXTURES = PROJECT_DIR / "fixtures"
SEARCH_TERM = "needle"  # in one record of every hundred, starting with the first: found at every size
CACHE_ENV = "INVENTREE_KIT_CACHE_DIR"
PROJECT_CODE_FILES = ("project_codes.yaml", "project_codes.yml", "project-codes.yaml", "project-codes.yml")


class ScaleError(Exception):
    """The fixtures for a scale run could not be made."""


def generated_record(pk: int, template: dict[str, Any]) -> dict[str, Any]:
    """A project code shaped like the fixtures' own, with a unique code and a searchable description."""
    record = copy.deepcopy(template)
    record.update(
        pk=pk,
        code=f"PRJ-{pk:06d}",
        description=f"Generated project {pk}" + (f" {SEARCH_TERM}" if pk % 100 == 1 else ""),
    )
    if "responsible" in record:
        record["responsible"] = None
    return record


def find_project_codes(folder: Path) -> Path:
    for name in PROJECT_CODE_FILES:
        if (folder / name).exists():
            return folder / name
    matches = sorted(folder.glob("*project*code*.y*ml"))
    if not matches:
        raise ScaleError(f"no project-code fixture file in {folder} (looked for {', '.join(PROJECT_CODE_FILES)})")
    return matches[0]


def write_fixtures(source: Path, target: Path, size: int) -> Path:
    """Copy the fixtures folder and put `size` generated project codes in it; the folder."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    path = find_project_codes(target)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    # The file is a list of records, or a mapping with the list under one key: keep whichever it is.
    if isinstance(document, list):
        template = dict(document[0]) if document else {}
        holder: dict[str, Any] | None = None
        list_key = ""
    elif isinstance(document, dict):
        list_key = next((k for k, v in document.items() if isinstance(v, list)), "")
        if not list_key:
            raise ScaleError(f"{path}: no list of records found")
        holder = document
        template = dict(document[list_key][0]) if document[list_key] else {}
    else:
        raise ScaleError(f"{path}: neither a list of records nor a mapping")
    records = [generated_record(pk, template) for pk in range(1, size + 1)]
    if holder is None:
        payload: object = records
    else:
        holder[list_key] = records
        payload = holder
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(payload, Dumper=dumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def run_scale(ctx: RunContext) -> tuple[list[ScaleRun], list[ScaleServer]]:
    """The list queries at each size, against a mock started with that many project codes."""
    config = ctx.config
    runs: list[ScaleRun] = []
    servers: list[ScaleServer] = []
    target = TARGETS["mock"]
    if not DEFAULT_FIXTURES.is_dir():
        ctx.note(f"scale: no fixtures folder at {DEFAULT_FIXTURES}; skipped")
        return runs, servers
    for size in config.scale_sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-fixtures-{size}-") as tmp:
            # An empty cache of its own (spec/cache.py): every size starts as from a new checkout.
            env = {**os.environ, CACHE_ENV: str(Path(tmp) / "cache")}
            try:
                folder = write_fixtures(DEFAULT_FIXTURES, Path(tmp) / "fixtures", size)
                server, cold, base_url = start(
                    ctx,
                    target,
                    f"scale-{size}",
                    ("--fixtures", str(folder)),
                    timeout_s=config.scale_start_timeout_s,
                    env=env,
                )
            except (ScaleError, ServerStartError, OSError, yaml.YAMLError) as exc:
                ctx.note(f"scale: the mock with {size:,} project codes did not start ({exc}); skipped")
                continue
            ctx.log(f"scale: {size:,} project codes, first 200 after {cold:.2f} s")
            try:
                session = open_session(target, base_url)
                for repetition in range(1, config.scale_repetitions + 1):
                    for key, query in SCALE_QUERIES.items():
                        url = base_url + query.path.format(last=max(0, size - 10))
                        result = measure(
                            ctx,
                            server,
                            url,
                            "varied" if query.varied else "get",
                            headers=session.headers,
                            duration_s=config.scale_duration_s,
                            warmup_s=config.scale_warmup_s,
                            label=f"scale-{size}-{key}-rep{repetition}",
                            settings=config.scale_wrk,
                        ).result
                        runs.append(
                            ScaleRun(
                                size,
                                key,
                                repetition,
                                round(result.requests_per_s, 1),
                                round(result.p50_ms, 3),
                                round(result.p99_ms, 3),
                                result.non_2xx,
                                result.socket_errors,
                            )
                        )
                        ctx.log(
                            f"scale: {size:>7,} {query.label:<38} {result.requests_per_s:>8,.0f} req/s"
                            f"  p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f} ms"
                            f"  errors {result.errors}"
                        )
            except (ClientError, WrkError) as exc:
                ctx.note(f"scale: {size:,} project codes: {exc}; the rest of this size is skipped")
            finally:
                peak_kib = server.stop()
            servers.append(ScaleServer(size, round(cold, 4), round(peak_kib / 1024, 1)))
    return runs, servers
