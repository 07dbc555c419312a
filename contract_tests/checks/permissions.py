"""Which operations InvenTree keeps from an ordinary user, by its views' permission classes (API 303).

The published schema names the three authentication schemes of every operation and nothing about
authorization: which user may do what is each view's `permission_classes` in InvenTree's source.
The table below states them for the operations of the contract; the checks in
contract_tests.checks.authorization send the same request as a second, ordinary user and expect
DRF's 403 wherever the table says the user lacks what the view asks for.

A requirement is one of:
- `staff`: `rest_framework.permissions.IsAdminUser` (`is_staff`), or InvenTree's `IsStaffOrReadOnly`
  for the unsafe methods (InvenTree/permissions.py:116-124);
- `superuser`: InvenTree's `IsSuperuser` (InvenTree/permissions.py:97-102);
- `role admin`: InvenTree's `RolePermission` on a table of the `admin` rule set (InvenTree/permissions.py:24-95,
  users/models.py:225-250), which the user's groups must grant for the method (view, add, change, delete);
- `permission <app>.<codename>`: DRF's `DjangoModelPermissions`, InvenTree's default permission class
  (InvenTree/settings.py:540-544), for views that keep the defaults.
Paths are relative to src/backend/InvenTree of InvenTree's source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STAFF, SUPERUSER, ADMIN_ROLE = "staff", "superuser", "role admin"
# RolePermission's rolemap (InvenTree/permissions.py:55-62): the role permission each method needs.
ROLE_PERMISSIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change"}
ROLE_PERMISSIONS |= {"PATCH": "change", "DELETE": "delete"}

_NEWS = "common/api.py:435-440 NewsFeedMixin.permission_classes = [IsAdminUser]"
_ERRORS = "common/api.py:568-589 ErrorMessageList/Detail: [IsAuthenticated, IsAdminUser]"
_CONFIG = "common/api.py:459-471 ConfigList/ConfigDetail: [IsSuperuser]"
_PROJECT_CODES = "common/api.py:500-518 ProjectCodeList/Detail: [IsAuthenticated, IsStaffOrReadOnly]"
_UNITS = "common/api.py:521-535 CustomUnitList/Detail: [IsAuthenticated, IsStaffOrReadOnly]"
_METADATA = (
    "InvenTree/api.py:565-597 MetadataView keeps the default DjangoModelPermissions, on the ProjectCode "
    "model (get_permission_model)"
)
_MACHINES = (
    "machine/api.py:18-56,106-115 MachineList/MachineDetail/MachineSettingDetail keep the default "
    "RolePermission; machine_machineconfig and machine_machinesetting are `admin` role tables (users/models.py:249-250)"
)

# operationId -> (requirement, InvenTree source). Operations not listed are open to any authenticated
# user (notifications are per user: see contract_tests.checks.authorization), or to anyone.
REQUIREMENTS: dict[str, tuple[str, str]] = {
    **{f"news_{name}": (STAFF, _NEWS) for name in ("list", "destroy", "retrieve", "update", "destroy_2")},
    "news_partial_update": (STAFF, _NEWS),
    **{
        f"error_report_{name}": (STAFF, _ERRORS)
        for name in ("list", "destroy", "retrieve", "update", "destroy_2", "partial_update")
    },
    "version_retrieve": (STAFF, "InvenTree/api.py:134-137 VersionView.permission_classes = [IsAdminUser]"),
    "version_text_list": (STAFF, "InvenTree/api.py:185-190 VersionTextView.permission_classes = [IsAdminUser]"),
    "currency_refresh_create": (STAFF, "common/api.py:175-181 CurrencyRefreshView: [IsAuthenticated, IsAdminUser]"),
    "admin_config_list": (SUPERUSER, _CONFIG),
    "admin_config_retrieve": (SUPERUSER, _CONFIG),
    **{f"project_code_{name}": (STAFF, _PROJECT_CODES) for name in ("create", "update", "partial_update", "destroy")},
    **{f"units_{name}": (STAFF, _UNITS) for name in ("create", "update", "partial_update", "destroy")},
    "project_code_metadata_update": ("permission common.change_projectcode", _METADATA),
    "project_code_metadata_partial_update": ("permission common.change_projectcode", _METADATA),
    **{
        f"machine_{name}": (ADMIN_ROLE, _MACHINES)
        for name in ("list", "create", "retrieve", "update", "partial_update", "destroy")
    },
    "machine_settings_update": (ADMIN_ROLE, _MACHINES),
    "machine_settings_partial_update": (ADMIN_ROLE, _MACHINES),
}
# IsStaffOrReadOnly lets any authenticated user read; those operations are listed for their writes only.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Identity:
    """What the server says a user may do: `/api/user/me/` and, where served, `/api/user/roles/`."""

    username: str | None = None
    is_staff: bool = False
    is_superuser: bool = False
    roles: Mapping[str, Any] = field(default_factory=dict)  # role -> its permissions, or None
    permissions: Mapping[str, Any] = field(default_factory=dict)  # model -> its Django permissions

    def holds(self, requirement: str, method: str) -> bool:
        """Whether this user meets `requirement` for `method`."""
        if self.is_superuser:
            return True  # superusers pass IsAdminUser (staff), RolePermission and DjangoModelPermissions
        if requirement == STAFF:
            return self.is_staff
        if requirement == ADMIN_ROLE:
            return ROLE_PERMISSIONS.get(method.upper(), "view") in (self.roles.get("admin") or [])
        if requirement.startswith("permission "):
            app_codename = requirement.split(" ", 1)[1]
            action, model = app_codename.split(".", 1)[1].split("_", 1)
            return action in (self.permissions.get(model) or [])
        return False


def requirement(operation_id: str, method: str) -> tuple[str, str] | None:
    """What the view asks of a user for this operation, with its source; None when any user may."""
    found = REQUIREMENTS.get(operation_id)
    if found is None:
        return None
    if found[1] in (_PROJECT_CODES, _UNITS) and method.upper() in SAFE_METHODS:
        return None
    return found
