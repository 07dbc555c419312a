"""The InvenTree API contract: split OpenAPI files, resolved by prance, with optional overlays."""

from __future__ import annotations

from spec.errors import OverlayError, SpecError
from spec.loader import OVERLAY_DIR, ROOT_DOCUMENT, load_spec, operations

__all__ = ["OVERLAY_DIR", "ROOT_DOCUMENT", "OverlayError", "SpecError", "load_spec", "operations"]
