"""The control API's token: needed when the mock binds beyond loopback."""

from __future__ import annotations

import dataclasses
import ipaddress
import secrets

from mock_server.settings import Settings

TOKEN_HEADER = "X-Mock-Token"  # noqa: S105 - a header's name, not a secret


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address; any other name or address may be reached from elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def with_control_token(settings: Settings) -> Settings:
    """The settings with a made-up control token when the mock binds beyond loopback and none was set."""
    if settings.control_token or is_loopback(settings.host):
        return settings
    return dataclasses.replace(settings, control_token=secrets.token_urlsafe(18))
