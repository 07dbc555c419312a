"""OpenAPI Overlay 1.0: apply a list of JSONPath-targeted `update` / `remove` actions to a document.

No maintained Python library applies Overlay documents, so the action semantics are written here;
JSONPath evaluation itself is python-jsonpath's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from spec.errors import OverlayError, display_path


def read_overlay(path: Path) -> dict[str, Any]:
    """Read one overlay file and check the fields every overlay must have."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise OverlayError(display_path(path), f"invalid YAML: {_one_line(str(exc))}") from None
    if not isinstance(document, dict) or not str(document.get("overlay", "")).startswith("1."):
        raise OverlayError(display_path(path), "not an Overlay 1.x document: the top-level 'overlay' field is missing")
    info = document.get("info") or {}
    if not info.get("title") or not info.get("x-reason"):
        raise OverlayError(display_path(path), "every overlay states why it exists: add info.title and info.x-reason")
    actions = document.get("actions")
    if not isinstance(actions, list) or not actions:
        raise OverlayError(display_path(path), "an overlay needs a non-empty 'actions' list")
    return document


def apply_overlay(document: dict[str, Any], overlay: Mapping[str, Any], source: Path | str = "") -> None:
    """Apply the overlay's actions to `document` in place, in order."""
    for number, action in enumerate(overlay["actions"], start=1):
        target = action.get("target")
        if not isinstance(target, str):
            raise OverlayError(source, f"action {number} has no JSONPath 'target'")
        try:
            matches = list(jsonpath.finditer(target, document))
        except jsonpath.JSONPathError as exc:
            raise OverlayError(source, f"action {number}: bad JSONPath: {exc}", target) from None
        if not matches:
            # The Overlay spec allows zero matches; here it always means the overlay went stale.
            raise OverlayError(source, f"action {number} matches nothing in the document", target)
        for match in matches:
            if action.get("remove"):
                _remove(match)
            elif "update" in action:
                if not isinstance(match.obj, dict) or not isinstance(action["update"], dict):
                    raise OverlayError(source, f"action {number}: 'update' needs an object target", target)
                _merge(match.obj, action["update"])
            else:
                raise OverlayError(source, f"action {number} has neither 'update' nor 'remove'", target)


def _remove(match: jsonpath.JSONPathMatch) -> None:
    parent = match.parent.obj if match.parent else None
    key = match.parts[-1]
    if isinstance(parent, dict):
        del parent[key]
    elif isinstance(parent, list):
        parent.remove(match.obj)


def _merge(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Overlay 1.0 merge: objects merge recursively, arrays append, other values replace."""
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(_copy(value))
        else:
            target[key] = _copy(value)


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())
