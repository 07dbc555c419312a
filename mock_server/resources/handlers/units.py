"""Custom units: CRUD, with names and definitions checked by pint as InvenTree checks them."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from mock_server.pipeline.context import Call, staff_or_read_only
from mock_server.pipeline.errors import ValidationError
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews
from mock_server.state.fixtures import TableSpec, component_record
from mock_server.state.store import Record

if TYPE_CHECKING:
    import pint

    # pint's registry is generic in its magnitude type; custom units use plain floats.
    Units = pint.UnitRegistry[float]
CUSTOM_UNITS = TableSpec("custom_units", component_record("CustomUnit"))


class UnitRegistry:
    """pint's registry with the stored custom units defined, rebuilt when those units change.

    pint cannot forget a definition, so a rename or delete marks the registry stale and the next
    check builds a fresh one (about half a second; creating units needs no rebuild).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registry: Units | None = None
        self._base: Units | None = None
        self._defined: dict[str, str] = {}

    def _fresh(self) -> Units:
        # pint takes a third of a second to import: loaded with the first unit check, not at start-up.
        import pint  # noqa: PLC0415

        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)

    def base(self) -> Units:
        """The registry without custom units: what counts as "already defined"."""
        with self._lock:
            if self._base is None:
                self._base = self._fresh()
            return self._base

    def with_units(self, units: dict[str, str]) -> Units:
        """A registry holding exactly `units` (name -> pint definition line) besides pint's own."""
        with self._lock:
            if self._registry is None or any(units.get(name) != line for name, line in self._defined.items()):
                self._registry, self._defined = self._fresh(), {}
            for name, line in units.items():
                if name not in self._defined:
                    try:
                        self._registry.define(line)
                    except Exception:  # noqa: S112 - a stored unit pint rejects is left out
                        continue
                    self._defined[name] = line
            return self._registry


def _definition_line(name: str, symbol: str, definition: str) -> str:
    return f"{name} = {definition}" + (f" = {symbol}" if symbol else "")


def _defined(registry: Units, text: str) -> bool:
    """Whether pint defines `text` itself (a name, symbol or alias), not merely as prefix + unit."""
    try:
        candidates = registry.parse_unit_name(text, case_sensitive=True)
    except Exception:
        return False
    return any(prefix == "" and suffix == "" for prefix, _unit, suffix in candidates)


def _others(call: Call, instance: Record | None) -> list[Record]:
    return [r for r in call.store["custom_units"] if instance is None or r["pk"] != instance["pk"]]


def make_validator(units: UnitRegistry) -> Any:
    def validate(call: Call, data: dict[str, Any], instance: Record | None) -> dict[str, Any]:
        """InvenTree's CustomUnit.clean: a valid identifier, not a known unit, a definition pint parses."""
        merged = {**(instance or {}), **data}
        name = str(merged.get("name", "")).strip()
        symbol = str(merged.get("symbol", "") or "").strip()
        definition = str(merged.get("definition", "")).strip()
        if not name.isidentifier():
            raise ValidationError({"name": ["Unit name must be a valid identifier"]})
        base = units.base()
        if _defined(base, name):
            raise ValidationError({"name": [f"Unit name '{name}' is already defined in the unit registry"]})
        if symbol and _defined(base, symbol):
            raise ValidationError({"symbol": [f"Unit symbol '{symbol}' is already defined in the unit registry"]})
        others = {
            r["name"]: _definition_line(r["name"], r.get("symbol", ""), r["definition"])
            for r in _others(call, instance)
        }
        if symbol and any(r.get("symbol") == symbol for r in _others(call, instance)):
            raise ValidationError({"symbol": [f"Unit symbol '{symbol}' is already defined"]})
        registry = units.with_units(others)
        try:
            registry.Quantity(definition)
        except Exception as exc:
            raise ValidationError({"definition": [str(exc)]}) from None
        return data

    return validate


def register(registry: Registry) -> None:
    registry.table(CUSTOM_UNITS)
    units = UnitRegistry()
    views = ModelViews(
        Model(
            table="custom_units",
            verbose_name="Custom unit",
            serialize=lambda r, _call: {
                "pk": r["pk"],
                "name": r["name"],
                "symbol": r.get("symbol", ""),
                "definition": r["definition"],
            },
            options=ListOptions(
                search_fields=("name", "symbol", "definition"), ordering_fields=("name", "symbol", "definition")
            ),
            unique=("name",),
            validate=make_validator(units),
        )
    )
    for operation_id, view in {
        "units_list": views.list,
        "units_create": views.create,
        "units_retrieve": views.retrieve,
        "units_update": views.update,
        "units_partial_update": views.partial_update,
        "units_destroy": views.destroy,
    }.items():
        registry.add(operation_id, view, staff_or_read_only)
