"""Version drift: how the schema a server publishes of itself differs from the contract, and what it explains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_tests.drift.classify import Change
from contract_tests.drift.compare import Drift, compare
from contract_tests.drift.explain import explain, render_drift
from contract_tests.drift.source import SchemaUnavailable, fetch_schema
from spec import load_spec

__all__ = ["Change", "Drift", "SchemaUnavailable", "compare", "detect", "explain", "fetch_schema", "render_drift"]


def detect(root_url: str, timeout: float, overlaid: Mapping[str, Any] | None = None) -> Drift:
    """The drift of the server at `root_url` from the contract; `unavailable` says why there is none.

    The server's schema is compared with the contract as InvenTree published it; what `overlaid` (the
    contract with its overlays) already says is not drift (see `compare`).
    """
    try:
        server = fetch_schema(root_url, timeout)
    except SchemaUnavailable as error:
        return Drift.not_available(str(error))
    try:
        return compare(load_spec(published=True), server, overlaid=overlaid)
    except Exception as error:  # a schema prance or DeepDiff cannot take: the run goes on without drift
        return Drift.not_available(f"the server's schema could not be compared ({type(error).__name__}: {error})")
