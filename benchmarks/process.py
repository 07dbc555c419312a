"""Run one server process: spawn it, time it to its first 200, sample its memory, stop it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import urlsplit


class ServerStartError(Exception):
    """A server did not answer 200 in time, or exited while starting."""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, headers: dict[str, str] | None = None, timeout_s: float = 2.0) -> int | None:
    """The status of one GET, or None when nothing answers."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout_s)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path or "/", headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_seconds(pids: set[int]) -> float:
    """User plus system CPU time used so far by these processes (from /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command name: state is field 3 of stat(5), utime 14 and stime 15.
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def descendants(root: int) -> set[int]:
    """The process and every process below it (read from /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                # The command name may hold spaces and parentheses: the parent id follows the last ')'.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found = {root}
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


@dataclass
class RssSampler:
    """Samples the resident memory of a process tree in a background thread and keeps the peak."""

    pid: int
    interval_s: float = 0.1
    tree_refresh_s: float = 1.0
    peak_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"rss-{self.pid}", daemon=True)
        self._thread.start()

    def stop(self) -> int:
        """Stop sampling; the peak in KiB."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        return self.peak_kib

    def sample(self, pids: set[int]) -> int:
        total = sum(_rss_kib(pid) for pid in pids)
        self.peak_kib = max(self.peak_kib, total)
        return total

    def _run(self) -> None:
        # The tree is re-read once a second only: scanning /proc is the costly part, and the
        # 2-core machine is shared with the server and the load generator.
        pids = descendants(self.pid)
        refreshed = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - refreshed >= self.tree_refresh_s:
                pids = descendants(self.pid)
                refreshed = time.monotonic()
            self.sample(pids)
            self._stop.wait(self.interval_s)


class ServerProcess:
    """A server started in its own process group, timed from spawn to its first 200 on a GET."""

    def __init__(
        self,
        name: str,
        args: list[str],
        probe_url: str,
        *,
        probe_headers: dict[str, str] | None = None,
        log_path: Path | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.args = args
        self.probe_url = probe_url
        self.probe_headers = probe_headers or {}
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.sampler: RssSampler | None = None
        self.cold_start_s: float | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout_s: float = 60.0, poll_s: float = 0.02) -> float:
        """Spawn the server and wait for a 200; the cold start time in seconds."""
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("wb")
        output = self._log if self._log is not None else subprocess.DEVNULL
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.args,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        self.sampler = RssSampler(self.process.pid)
        self.sampler.start()
        deadline = started + timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise ServerStartError(
                    f"{self.name} exited with {self.process.returncode} before answering; see {self.log_path}"
                )
            if http_status(self.probe_url, self.probe_headers, timeout_s=1.0) == 200:
                self.cold_start_s = time.perf_counter() - started
                return self.cold_start_s
            time.sleep(poll_s)
        self.stop()
        raise ServerStartError(
            f"{self.name} gave no 200 on GET {self.probe_url} within {timeout_s:.0f} s; see {self.log_path}"
        )

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and everything it started."""
        return cpu_seconds(descendants(self.pid))

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerStartError(f"{self.name} is not running")
        return self.process.pid

    def stop(self, grace_s: float = 10.0, signum: int = signal.SIGTERM) -> int:
        """Stop the server and everything it started; the peak RSS in KiB."""
        peak = self.sampler.stop() if self.sampler is not None else 0
        process = self.process
        if process is not None and process.poll() is None:
            # The server leads its own process group (start_new_session), so this reaches a node or
            # uvicorn child it forked, and nothing else.
            _signal_group(process.pid, signum)
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=grace_s)
        if self._log is not None:
            self._log.close()
            self._log = None
        return peak

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)
