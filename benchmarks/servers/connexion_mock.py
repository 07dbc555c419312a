"""Connexion's own mock mode on the contract, served by uvicorn (not `connexion run`, which forces reload).

This is `connexion run --mock=all` as a user would have to set it up for this contract to answer at all:
- every operation is secured, and Connexion answers 401 to all of them unless each security scheme
  names a function that checks credentials: here one that accepts any;
- required `readOnly` properties (such as `pk`) are demanded in request bodies (connexion issue 1907),
  so every create would be a 400: they are dropped from `required`;
- Connexion logs a warning on every request to an operation offering several media types: its logger
  is set to ERROR, the same quiet logging the other servers get.
Answers come from the schemas' examples, or are built from the schemas (leaves without an example
are null, since the `mock` extra with its faker is not installed).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import uvicorn
from connexion import AsyncApp
from connexion.mock import MockResolver

ACCEPT_ANY = "benchmarks.servers.connexion_mock.accept_any_credentials"


def accept_any_credentials(*args: object, **kwargs: object) -> dict[str, str]:
    """A security function that lets every caller in."""
    return {"sub": "bench"}


def prepare(document: dict[str, Any]) -> dict[str, Any]:
    """The contract with accept-any security functions and no required readOnly properties."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        if scheme.get("type") == "apiKey":
            scheme["x-apikeyInfoFunc"] = ACCEPT_ANY
        elif scheme.get("type") == "http" and scheme.get("scheme") == "basic":
            scheme["x-basicInfoFunc"] = ACCEPT_ANY
        elif scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            scheme["x-bearerInfoFunc"] = ACCEPT_ANY
    _drop_required_read_only(document)
    return document


def _drop_required_read_only(node: object) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        required = node.get("required")
        if isinstance(properties, dict) and isinstance(required, list):
            kept = [name for name in required if not properties.get(name, {}).get("readOnly")]
            if kept:
                node["required"] = kept
            else:
                del node["required"]
        for value in node.values():
            _drop_required_read_only(value)
    elif isinstance(node, list):
        for item in node:
            _drop_required_read_only(item)


def create_app(spec_path: Path) -> AsyncApp:
    """Connexion's AsyncApp with every operation mocked."""
    document = prepare(json.loads(spec_path.read_text(encoding="utf-8")))
    app = AsyncApp(__name__)
    app.add_api(document, resolver=MockResolver(mock_all=True))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.servers.connexion_mock", description=__doc__)
    parser.add_argument("--spec", type=Path, required=True, help="the resolved contract, as JSON")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8020)
    args = parser.parse_args(argv)
    logging.getLogger("connexion").setLevel(logging.ERROR)
    uvicorn.run(create_app(args.spec), host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
