"""Machine management: types, drivers, machines, their settings, restart and the registry's status.

Permissions (machine/api.py): machines themselves (list, detail, create, change, delete) keep
InvenTree's default permission classes, and the `machine_machineconfig` table belongs to the admin
role, so a user without it (a plain reader) is refused even reading them; reading settings, types,
drivers and the registry status, and restarting a machine, need only an authenticated user
(`IsAuthenticated`); writing a setting needs staff.
"""

from __future__ import annotations

from mock_server.pipeline.context import DefaultPermissions, authenticated, staff, staff_or_read_only
from mock_server.resources.handlers import Registry
from mock_server.resources.handlers.machine import registry as machine_registry
from mock_server.resources.handlers.machine import setting_views, views
from mock_server.resources.handlers.machine.tables import TABLES


def register(registry: Registry) -> None:
    registry.table(*TABLES)
    registry.reset_hooks.append(machine_registry.load)
    machines = views.MachineViews(views.MODEL)
    registry.add("machine_types_list", views.types_list, authenticated)
    registry.add("machine_drivers_list", views.drivers_list, authenticated)
    registry.add("machine_status_retrieve", views.registry_status, authenticated)
    registry.add("machine_restart_create", views.restart, authenticated)
    for operation_id, view in {
        "machine_list": machines.list,
        "machine_create": machines.create,
        "machine_retrieve": machines.retrieve,
        "machine_update": machines.update,
        "machine_partial_update": machines.partial_update,
        "machine_destroy": machines.destroy,
    }.items():
        registry.add(operation_id, view, DefaultPermissions(staff))
    # MachineSettingList has IsAuthenticated alone; MachineSettingDetail the default classes.
    registry.add("machine_settings_list", setting_views.settings_list, authenticated)
    for operation_id, view in {
        "machine_settings_retrieve": setting_views.setting_retrieve,
        "machine_settings_update": setting_views.setting_update,
        "machine_settings_partial_update": setting_views.setting_update,
    }.items():
        registry.add(operation_id, view, DefaultPermissions(staff_or_read_only))
