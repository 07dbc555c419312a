"""A stateful stand-in InvenTree server, built with Connexion 3 from the contract in `spec/`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mock_server.settings import Settings

if TYPE_CHECKING:
    from mock_server.app import StartupError, create_app

__all__ = ["Settings", "StartupError", "create_app"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that the command line can set up warnings before Connexion loads.
    if name in {"create_app", "StartupError"}:
        from mock_server import app  # noqa: PLC0415

        return getattr(app, name)
    raise AttributeError(name)
