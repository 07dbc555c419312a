"""The outside tools: wrk from Debian, Prism from npm, and the contract written by `python -m spec`."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

PRISM_PACKAGE = "@stoplight/prism-cli@5"
Log = Callable[[str], None]


def ensure_wrk(log: Log) -> str | None:
    """The path of wrk, installed with apt-get when missing; None (said in one line) when it cannot be had."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        log("wrk is not installed and cannot be installed here (needs root and apt-get): load tests are skipped")
        return None
    log("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in (
        ["apt-get", "install", "-y", "-q", "wrk"],
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "wrk"],
    ):
        subprocess.run(attempt, env=env, capture_output=True, check=False, timeout=600)
        found = shutil.which("wrk")
        if found:
            return found
    log("wrk could not be installed with apt-get: load tests are skipped")
    return None


def prism_entry(tools_dir: Path) -> Path:
    return tools_dir / "prism" / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"


def ensure_prism(tools_dir: Path, log: Log) -> tuple[str, Path] | None:
    """Node and Prism's entry script, installed under tools_dir with npm when missing; None when it cannot be."""
    node = shutil.which("node")
    entry = prism_entry(tools_dir)
    if node is None:
        log("node is not installed: Prism is skipped (and no ratio against it can be given)")
        return None
    if entry.exists():
        return node, entry
    npm = shutil.which("npm")
    if npm is None:
        log("npm is not installed: Prism is skipped (and no ratio against it can be given)")
        return None
    target = tools_dir / "prism"
    target.mkdir(parents=True, exist_ok=True)
    log(f"installing {PRISM_PACKAGE} into {target}")
    completed = subprocess.run(
        [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", PRISM_PACKAGE],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if completed.returncode != 0 or not entry.exists():
        log(f"npm could not install {PRISM_PACKAGE}: Prism is skipped ({completed.stderr.strip()[-200:]})")
        return None
    return node, entry


def export_spec(path: Path, published: bool) -> None:
    """Write the resolved contract with `python -m spec`, the command other tools rely on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "spec", "--output", str(path)] + (["--published"] if published else [])
    completed = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
    if completed.returncode != 0:
        raise RuntimeError(f"python -m spec failed: {completed.stderr.strip()}")


def write_excerpt(source: Path, target: Path, prefix: str) -> int:
    """Write the contract with only the paths under `prefix` (components kept whole); the paths kept."""
    document = json.loads(source.read_text(encoding="utf-8"))
    document["paths"] = {path: item for path, item in document.get("paths", {}).items() if path.startswith(prefix)}
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(document["paths"])


def _version_of(args: list[str]) -> str | None:
    try:
        completed = subprocess.run(args, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (completed.stdout + completed.stderr).strip()
    # `wrk -v` prints its version and its copyright on one line, then its usage.
    return text.splitlines()[0].split(" Copyright")[0].strip() if text else None


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts(tools_dir: Path) -> dict[str, object]:
    """What the figures were taken on: the machine and the version of every tool involved."""
    entry = prism_entry(tools_dir)
    prism = None
    package = entry.parent.parent / "package.json"
    if package.exists():
        prism = json.loads(package.read_text(encoding="utf-8")).get("version")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": _version_of(["wrk", "-v"]) if shutil.which("wrk") else None,
        "node": _version_of(["node", "--version"]) if shutil.which("node") else None,
        "prism": prism,
        "connexion": _package_version("connexion"),
        "starlette": _package_version("starlette"),
        "uvicorn": _package_version("uvicorn"),
        "uvloop": _package_version("uvloop"),
        "httptools": _package_version("httptools"),
    }
