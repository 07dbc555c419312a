"""A real InvenTree server for the opt-in tests: where it is, and how to seed, restart and dump it.

The tests that use it are opt-in: they run when INVENTREE_REAL_URL names the server (e.g.
http://127.0.0.1:8001, as .ci/run starts it). INVENTREE_REAL_HOME names its home (the folder with its
database, source and log; by default the script's own default, as .ci/run leaves it), and
INVENTREE_REAL_SCRIPT the `real-inventree` script (by default ../shared/real-inventree beside the
checkout, else on PATH). The server is theirs alone for the session: they seed it, restart it and dump
its data, and take the seeded data away at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SEED = Path(__file__).with_name("seed.py")
ROOT = Path(__file__).resolve().parents[2]
SCRIPT_BESIDE_CHECKOUT = ROOT.parent / "shared" / "real-inventree" / "real-inventree"
DEFAULT_HOME = "/tmp/real-inventree"  # the `real-inventree` script's default REAL_INVENTREE_HOME
MANAGE_TIMEOUT = 600  # seconds: a dump or a restart of InvenTree on a busy machine


@dataclass(frozen=True)
class RealServer:
    """A real InvenTree started by the `real-inventree` script, at `url`, with its data in `home`."""

    url: str
    home: Path
    script: str

    @property
    def log(self) -> Path:
        """The server's own log: one line per request it answered (Django's development server)."""
        return self.home / "data" / "server.log"

    def command(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """Run the script (`start`, `stop`, `manage ...`) for this server; raise with its output on failure."""
        port = str(urlsplit(self.url).port or 80)
        environment = {**os.environ, "PORT": port, "REAL_INVENTREE_HOME": str(self.home)}
        done = subprocess.run(
            [self.script, *arguments],
            env=environment,
            capture_output=True,
            text=True,
            timeout=MANAGE_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"real-inventree {' '.join(arguments)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        return done

    def seed(self) -> str:
        """Seed every family (tests/real_inventree/seed.py), then restart so the machine registry loads them."""
        done = self.command("manage", "shell", "-c", f"exec(open({str(SEED)!r}).read())")
        self.command("stop")
        self.command("start")
        return done.stdout

    @contextmanager
    def kept_as_found(self, aside: Path) -> Iterator[RealServer]:
        """Put the database and media files back as they were when this began (the server stopped for each copy).

        A file copy of the stopped server's SQLite database is exact, where a dump loaded back would
        renumber nothing but could miss what dumpdata leaves out (sessions, content types' caches).
        """
        data = self.home / "data"
        self.command("stop")
        for name in KEPT:
            if (data / name).exists():
                _copy(data / name, aside / name)
        self.command("start")
        try:
            yield self
        finally:
            self.command("stop")
            for name in KEPT:
                _remove(data / name)
                if (aside / name).exists():
                    _copy(aside / name, data / name)
            self.command("start")

    def dump(self, path: Path) -> Path:
        """The whole database as `manage dumpdata` writes it (the way to prove a run changed nothing)."""
        self.command("manage", "dumpdata", "--indent", "1", "--output", str(path))
        return path


# What the server's data is: the SQLite database (with its journal files, if any) and uploaded media.
KEPT = ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "db.sqlite3-journal", "media")


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def real_server() -> RealServer:
    """The server named by the environment; skips the test (saying how to enable it) when there is none."""
    url = os.environ.get("INVENTREE_REAL_URL")
    if not url:
        pytest.skip("needs a real InvenTree: set INVENTREE_REAL_URL (and INVENTREE_REAL_HOME) to run it")
    home = os.environ.get("INVENTREE_REAL_HOME") or DEFAULT_HOME
    if not Path(home, "data").is_dir():
        pytest.skip(
            f"needs the real InvenTree's home folder for its dumps and log: {home} has no data/; set INVENTREE_REAL_HOME"
        )
    beside = str(SCRIPT_BESIDE_CHECKOUT) if SCRIPT_BESIDE_CHECKOUT.is_file() else None
    script = os.environ.get("INVENTREE_REAL_SCRIPT") or beside or shutil.which("real-inventree")
    if not script:
        pytest.skip("needs the real-inventree script: set INVENTREE_REAL_SCRIPT or put it on PATH")
    return RealServer(url=url.rstrip("/"), home=Path(home), script=script)
