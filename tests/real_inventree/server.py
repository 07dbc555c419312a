"""A real InvenTree server for the opt-in tests: where it is, and how to seed, restart and dump it.

The tests that use it are opt-in: they run when INVENTREE_REAL_URL names the server (e.g.
http://127.0.0.1:8002) and INVENTREE_REAL_HOME its home (the folder with its database, source and
log, as the `real-inventree` script sets it up); INVENTREE_REAL_SCRIPT names that script when it is
not on PATH. The server is theirs alone for the session: they seed it, restart it and dump its data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SEED = Path(__file__).with_name("seed.py")
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

    def dump(self, path: Path) -> Path:
        """The whole database as `manage dumpdata` writes it (the way to prove a run changed nothing)."""
        self.command("manage", "dumpdata", "--indent", "1", "--output", str(path))
        return path


def real_server() -> RealServer:
    """The server named by the environment; skips the test (saying how to enable it) when there is none."""
    url = os.environ.get("INVENTREE_REAL_URL")
    if not url:
        pytest.skip("needs a real InvenTree: set INVENTREE_REAL_URL (and INVENTREE_REAL_HOME) to run it")
    home = os.environ.get("INVENTREE_REAL_HOME")
    if not home or not Path(home, "data").is_dir():
        pytest.skip("needs the real InvenTree's home folder for its dumps and log: set INVENTREE_REAL_HOME")
    script = os.environ.get("INVENTREE_REAL_SCRIPT") or shutil.which("real-inventree")
    if not script:
        pytest.skip("needs the real-inventree script: put it on PATH or set INVENTREE_REAL_SCRIPT")
    return RealServer(url=url.rstrip("/"), home=Path(home), script=script)
