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
        self._defined: dict[str, str] = {}

    def _fresh(self) -> Units:
        # pint takes a third of a second to import: loaded with the first unit check, not at start-up.
        import pint  # noqa: PLC0415

        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)

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


def _others(call: Call, instance: Record | None) -> list[Record]:
    return [r for r in call.store["custom_units"] if instance is None or r["pk"] != instance["pk"]]


def make_validator(units: UnitRegistry) -> Any:
    def validate(call: Call, data: dict[str, Any], instance: Record | None) -> dict[str, Any]:
        """InvenTree's CustomUnit.clean and validate_unique (common/models.py).

        A valid identifier, a definition pint parses, and a symbol no other custom unit has. pint
        only warns when a unit redefines one of its own units or symbols, so InvenTree accepts
        such a unit (`meter = 2 m`), and so does the mock.
        """
        merged = {**(instance or {}), **data}
        name = str(merged.get("name", "")).strip()
        symbol = str(merged.get("symbol", "") or "").strip()
        definition = str(merged.get("definition", "")).strip()
        others = _others(call, instance)
        # Django's full_clean collects clean()'s first error, then validate_unique's.
        errors: dict[str, list[str]] = {}
        if not name.isidentifier():
            errors["name"] = ["Unit name must be a valid identifier"]
        else:
            registry = units.with_units(
                {r["name"]: _definition_line(r["name"], r.get("symbol", ""), r["definition"]) for r in others}
            )
            try:
                registry.Quantity(definition)
            except Exception as exc:
                errors["definition"] = [str(exc)]
        if symbol and any(r.get("symbol") == symbol for r in others):
            errors["symbol"] = ["Unit symbol must be unique"]
        if errors:
            raise ValidationError(errors)
        return data

    return validate


def register(registry: Registry) -> None:
    registry.table(CUSTOM_UNITS)
    units = UnitRegistry()
    views = ModelViews(
        Model(
            table="custom_units",
            verbose_name="Custom Unit",
            serialize=lambda r, _call: {
                "pk": r["pk"],
                "name": r["name"],
                "symbol": r.get("symbol", ""),
                "definition": r["definition"],
            },
            # CustomUnitList sets DRF's search and ordering filters but no `search_fields` (so a search
            # finds everything) and no `ordering_fields` (so every serializer field orders).
            options=ListOptions(ordering_fields=("pk", "name", "symbol", "definition")),
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
