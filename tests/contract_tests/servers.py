"""Serve any ASGI app (the mock, or the mock with a fault) on a free loopback port, and run the suite on it."""

from __future__ import annotations

import socket
from typing import Any

import httpx

from contract_tests import Report, Settings, run
from tests.plugins.live_server import serving

__all__ = ["ADMIN", "free_port", "reset", "serving", "suite"]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ADMIN = {"username": "admin", "password": "inventree"}


def reset(url: str) -> None:
    """Put the mock back to its fixtures (its control API, outside the contract)."""
    httpx.post(f"{url}/_mock/reset").raise_for_status()


def suite(url: str, **options: Any) -> Report:
    """Run the contract suite against `url` as the mock's admin; quiet, small and without drift unless told otherwise."""
    options = {"base_url": url, **ADMIN, "max_examples": 5, "drift": False, **options}
    return run(Settings.load(options, environ={}), progress=None)
