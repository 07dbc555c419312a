"""Summaries of the raw runs: medians over repetitions, and ratios taken pair by pair.

A ratio against the reference server is computed within one repetition of one scenario (two runs
taken minutes apart on the same machine) and only then summarised, so that a slow spell of the
noisy 2-core machine moves both sides of a ratio instead of one.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from benchmarks.results import LoadRun, ScaleRun, ServerRun


@dataclass(frozen=True)
class Spread:
    """The median of some repeated measurements, with their smallest and largest value."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        items = sorted(values)
        if not items:
            raise ValueError("a spread needs at least one value")
        return cls(statistics.median(items), items[0], items[-1], len(items))


@dataclass(frozen=True)
class LoadSummary:
    """One server on one scenario over all repetitions."""

    requests_per_s: Spread
    p50_ms: Spread
    p99_ms: Spread
    non_2xx: int
    socket_errors: int
    requests: int
    cpu_us_per_request: Spread | None = None


def summarise_load(runs: Iterable[LoadRun]) -> dict[tuple[str, str], LoadSummary]:
    """(server, scenario) -> medians and error totals over the repetitions."""
    grouped: dict[tuple[str, str], list[LoadRun]] = defaultdict(list)
    for run in runs:
        grouped[(run.server, run.scenario)].append(run)
    summaries = {}
    for key, group in grouped.items():
        summaries[key] = LoadSummary(
            requests_per_s=Spread.of(r.requests_per_s for r in group),
            p50_ms=Spread.of(r.p50_ms for r in group),
            p99_ms=Spread.of(r.p99_ms for r in group),
            non_2xx=sum(r.non_2xx for r in group),
            socket_errors=sum(r.socket_errors for r in group),
            requests=sum(r.requests for r in group),
            cpu_us_per_request=_spread_of_known(r.cpu_us_per_request for r in group),
        )
    return summaries


def _spread_of_known(values: Iterable[float | None]) -> Spread | None:
    known = [value for value in values if value is not None]
    return Spread.of(known) if known else None


def pairwise_ratios(runs: Iterable[LoadRun], reference: str, metric: str) -> dict[tuple[str, str], list[float]]:
    """(server, scenario) -> the metric divided by the reference's, one ratio per shared repetition."""
    by_key: dict[tuple[str, str, int], float] = {}
    for run in runs:
        value = getattr(run, metric)
        if value is not None:
            by_key[(run.server, run.scenario, run.repetition)] = float(value)
    ratios: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (server, scenario, repetition), value in sorted(by_key.items()):
        base = by_key.get((reference, scenario, repetition))
        if base is None or base <= 0:
            continue
        ratios[(server, scenario)].append(value / base)
    return dict(ratios)


def ratio_summaries(runs: Sequence[LoadRun], reference: str, metric: str) -> dict[tuple[str, str], Spread]:
    """(server, scenario) -> median, low and high of the pairwise ratios against the reference."""
    return {key: Spread.of(values) for key, values in pairwise_ratios(runs, reference, metric).items()}


@dataclass(frozen=True)
class ServerSummary:
    """One server over its lives: cold start (median) and memory (the highest peak)."""

    cold_start_s: Spread
    peak_rss_mib: float


def summarise_servers(runs: Iterable[ServerRun]) -> dict[str, ServerSummary]:
    grouped: dict[str, list[ServerRun]] = defaultdict(list)
    for run in runs:
        grouped[run.server].append(run)
    result = {}
    for server, group in grouped.items():
        result[server] = ServerSummary(
            cold_start_s=Spread.of(r.cold_start_s for r in group),
            peak_rss_mib=max(r.peak_rss_mib for r in group),
        )
    return result


@dataclass(frozen=True)
class ScaleSummary:
    """One list query at one store size: medians over the repetitions."""

    requests_per_s: Spread
    p50_ms: Spread
    p99_ms: Spread
    errors: int


def summarise_scale(runs: Iterable[ScaleRun]) -> dict[tuple[str, int], ScaleSummary]:
    """(query, size) -> medians over the repetitions."""
    grouped: dict[tuple[str, int], list[ScaleRun]] = defaultdict(list)
    for run in runs:
        grouped[(run.query, run.size)].append(run)
    result = {}
    for key, group in grouped.items():
        result[key] = ScaleSummary(
            requests_per_s=Spread.of(r.requests_per_s for r in group),
            p50_ms=Spread.of(r.p50_ms for r in group),
            p99_ms=Spread.of(r.p99_ms for r in group),
            errors=sum(r.non_2xx + r.socket_errors for r in group),
        )
    return result


def scale_multiples(runs: Sequence[ScaleRun], metric: str = "p50_ms") -> dict[tuple[str, int], float]:
    """(query, size) -> the median metric at that size divided by the median at the smallest size."""
    summaries = summarise_scale(runs)
    result = {}
    for query in {q for q, _ in summaries}:
        sizes = sorted(size for q, size in summaries if q == query)
        base = getattr(summaries[(query, sizes[0])], metric).median
        if base <= 0:
            continue
        for size in sizes:
            result[(query, size)] = getattr(summaries[(query, size)], metric).median / base
    return result
