"""A small on-disk cache of JSON results, keyed by a digest of everything the result depends on.

Resolving and validating the contract takes most of a second, parsing a large fixture file many;
their results change only when their inputs do. An entry is one file: a header line (format, key,
SHA-256 of the payload) and the payload as JSON. An entry whose header, key or digest does not
match is ignored and rebuilt, never trusted. Writes go to a temporary file in the same folder and
are renamed into place, so concurrent starts see a whole entry or none. A cache folder that cannot
be written (a read-only install, a read-only home) only means nothing is cached.

The folder is `$INVENTREE_KIT_CACHE_DIR`, else the user's cache folder (platformdirs); setting
`INVENTREE_KIT_CACHE_DIR=off` turns caching off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ENV_VAR = "INVENTREE_KIT_CACHE_DIR"
OFF = "off"
FORMAT = 1
APP_NAME = "inventree-contract-kit"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where entries live; None when caching is turned off."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENV_VAR)
    if chosen is not None:
        return None if chosen.strip().lower() in {OFF, ""} else Path(chosen)
    from platformdirs import user_cache_dir  # noqa: PLC0415 - only when the cache is used

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def digest(parts: Iterable[str | bytes]) -> str:
    """A SHA-256 over the parts, each length-prefixed so that no two sequences collide."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def files_digest(files: Iterable[Path], *extra: str) -> str:
    """A digest of files' names and contents, plus extra text (library versions, options)."""
    parts: list[str | bytes] = list(extra)
    for file in files:
        parts += [str(file), file.read_bytes()]
    return digest(parts)


class DiskCache:
    """Entries of one kind (`namespace`) in the cache folder."""

    def __init__(self, namespace: str, directory: Path | None = None, *, enabled: bool = True, keep: int = 8) -> None:
        self.namespace = namespace
        # Entries of this namespace kept; older ones are removed when a new one is written.
        self.keep = keep
        self.directory = directory if directory is not None or not enabled else cache_dir()
        self.enabled = enabled and self.directory is not None

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{self.namespace}-{key[:40]}.json"

    def load(self, key: str) -> Any | None:
        """The payload stored under `key`, or None when it is missing, stale or damaged."""
        if not self.enabled:
            return None
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        header_line, _, payload = raw.partition(b"\n")
        try:
            header = json.loads(header_line)
            if header != {"format": FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
                return None
            return json.loads(payload)
        except ValueError:
            return None

    def store(self, key: str, payload: Any) -> None:
        """Write `payload` under `key` atomically; an unwritable folder is silently skipped."""
        if not self.enabled:
            return
        try:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        except (TypeError, ValueError):
            return  # not JSON: nothing is cached
        header = json.dumps({"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()})
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header.encode("ascii") + b"\n" + body)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return
        self._prune(target)

    def _prune(self, newest: Path) -> None:
        """Remove all but the `keep` most recently written entries (a reader mid-way keeps its open file)."""
        with contextlib.suppress(OSError):
            entries = sorted(
                newest.parent.glob(f"{self.namespace}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in entries[self.keep :]:
                if old != newest:
                    old.unlink(missing_ok=True)
