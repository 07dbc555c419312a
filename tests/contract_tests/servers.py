"""Run the contract suite on a server the tests serve (see tests/plugins/live_server.py for serving)."""

from __future__ import annotations

from typing import Any

import httpx

from contract_tests import Report, Settings, run
from tests.plugins.live_server import free_port, serving

__all__ = ["ADMIN", "free_port", "reset", "serving", "suite"]

ADMIN = {"username": "admin", "password": "inventree"}


def reset(url: str) -> None:
    """Put the mock back to its fixtures (its control API, outside the contract)."""
    httpx.post(f"{url}/_mock/reset").raise_for_status()


def suite(url: str, **options: Any) -> Report:
    """Run the contract suite against `url` as the mock's admin; quiet, small and without drift unless told otherwise."""
    options = {"base_url": url, **ADMIN, "max_examples": 5, "drift": False, **options}
    return run(Settings.load(options, environ={}), progress=None)
