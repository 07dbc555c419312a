"""The views of every operation, collected family by family into one registry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from mock_server.pipeline.context import Permission, View, authenticated
from mock_server.state.fixtures import TableSpec
from mock_server.state.store import Store


@dataclasses.dataclass
class Registry:
    """operationId -> view and permission; the tables the views use; hooks run after each reset."""

    views: dict[str, View] = dataclasses.field(default_factory=dict)
    permissions: dict[str, Permission] = dataclasses.field(default_factory=dict)
    tables: list[TableSpec] = dataclasses.field(default_factory=list)
    reset_hooks: list[Callable[[Store], None]] = dataclasses.field(default_factory=list)

    def add(self, operation_id: str, view: View, permission: Permission = authenticated) -> None:
        if operation_id in self.views:
            raise ValueError(f"operation {operation_id} registered twice")
        self.views[operation_id] = view
        self.permissions[operation_id] = permission

    def table(self, *specs: TableSpec) -> None:
        self.tables.extend(specs)


def build_registry() -> Registry:
    """Every family's views and tables."""
    # The families import this module for Registry, so they are imported when the registry is built.
    from mock_server.resources.handlers import (  # noqa: PLC0415
        bootstrap,
        contenttype,
        error_report,
        machine,
        news,
        notes_image,
        notifications,
        plugins,
        project_code,
        system,
        units,
    )

    registry = Registry()
    families = (
        bootstrap,
        project_code,
        units,
        notifications,
        news,
        error_report,
        notes_image,
        contenttype,
        system,
        plugins,
        machine,
    )
    for family in families:
        family.register(registry)
    return registry
