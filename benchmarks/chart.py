"""Draw requests/s and p99 latency per server and request as one PNG (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.analysis import summarise_load
from benchmarks.results import BenchResults

COLOURS = {
    "mock": "#d62728",
    "mock-file": "#ff7f0e",
    "mock-file-2w": "#ffbb78",
    "prism": "#1f77b4",
    "prism-default": "#aec7e8",
    "prism-excerpt": "#9467bd",
    "connexion-mock": "#2ca02c",
    "starlette": "#7f7f7f",
}


def render_chart(results: BenchResults, path: Path) -> bool:
    """Write the chart; False when there is nothing to draw or matplotlib is missing."""
    try:
        import matplotlib  # noqa: PLC0415 - optional: only the bench dependency group has it

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return False
    summary = summarise_load(results.load)
    servers = [key for key in results.servers if any(key == s for s, _ in summary)]
    scenarios = [key for key in results.scenarios if any(key == sc for _, sc in summary)]
    if not servers or not scenarios:
        return False
    figure, (rate_axis, p99_axis) = plt.subplots(1, 2, figsize=(13, 5.6), constrained_layout=True)
    width = 0.8 / len(servers)
    positions = range(len(scenarios))
    for index, server in enumerate(servers):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        rates = [summary[(server, sc)].requests_per_s.median if (server, sc) in summary else 0.0 for sc in scenarios]
        p99s = [summary[(server, sc)].p99_ms.median if (server, sc) in summary else 0.0 for sc in scenarios]
        colour = COLOURS.get(server)
        label = results.servers[server]
        bars = rate_axis.bar(offsets, rates, width, label=label, color=colour)
        rate_axis.bar_label(bars, labels=[f"{r:,.0f}" if r else "" for r in rates], fontsize=6, rotation=90, padding=2)
        p99_axis.bar(offsets, p99s, width, label=label, color=colour)
    names = [results.scenarios[sc] for sc in scenarios]
    for axis in (rate_axis, p99_axis):
        axis.set_xticks(list(positions), names, fontsize=8)
        axis.grid(axis="y", alpha=0.3)
        axis.set_axisbelow(True)
    rate_axis.set_ylabel("requests/s (median)")
    rate_axis.set_title("Throughput (higher is better)")
    rate_axis.margins(y=0.12)
    p99_axis.set_ylabel("p99 latency, ms (median, log scale)")
    p99_axis.set_yscale("log")
    p99_axis.set_title("p99 latency (lower is better)")
    handles, labels = rate_axis.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(servers), fontsize=9, frameon=False)
    settings = results.meta.get("settings", {})
    figure.suptitle(
        f"wrk -t{settings.get('threads')} -c{settings.get('connections')} -d{settings.get('duration_s', 0):g}s,"
        f" {settings.get('repetitions')} repetitions, {results.meta.get('machine', {}).get('cores', '?')} cores"
        f" ({results.meta.get('taken', '')})",
        fontsize=10,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
