"""What InvenTree's views and serializers declare that the contract's schemas do not say.

The published schema lists each component's properties alphabetically and does not tell which
views clean their input. InvenTree's serializers list their fields in their own order (`Meta.fields`),
which DRF keeps in validation errors and in OPTIONS metadata; and its views with CleanMixin clean
every string before the serializer reads it. `declare` writes both into the mock's prepared copy of
the contract, where the body validator and the metadata read them.
"""

from __future__ import annotations

from typing import Any

from mock_server.resources.serializers import CLEANED

_PROJECT_CODE = ("pk", "code", "description", "responsible", "responsible_detail")
_CUSTOM_UNIT = ("pk", "name", "symbol", "definition")
_NEWS = ("pk", "feed_id", "title", "link", "published", "author", "summary", "read")
_NOTIFICATION = (
    "pk",
    "target",
    "source",
    "user",
    "category",
    "name",
    "message",
    "creation",
    "age",
    "age_human",
    "read",
)
_ERROR = ("when", "info", "data", "path", "pk")
_MACHINE = (
    "pk",
    "name",
    "machine_type",
    "driver",
    "initialized",
    "active",
    "status",
    "status_model",
    "status_text",
    "machine_errors",
    "is_driver_available",
    "restart_required",
)
_SETTING = (
    "pk",
    "key",
    "value",
    "name",
    "description",
    "type",
    "choices",
    "model_name",
    "api_url",
    "typ",
    "required",
    "config_type",
)

# Component -> its serializer's `Meta.fields` (common/serializers.py, machine/serializers.py, ...).
SERIALIZER_FIELDS: dict[str, tuple[str, ...]] = {
    "ProjectCode": _PROJECT_CODE,
    "PatchedProjectCode": _PROJECT_CODE,
    "CustomUnit": _CUSTOM_UNIT,
    "PatchedCustomUnit": _CUSTOM_UNIT,
    "NewsFeedEntry": _NEWS,
    "PatchedNewsFeedEntry": _NEWS,
    "NotificationMessage": _NOTIFICATION,
    "PatchedNotificationMessage": _NOTIFICATION,
    "ErrorMessage": _ERROR,
    "PatchedErrorMessage": _ERROR,
    "NotesImage": ("pk", "image", "user", "date"),
    "ContentType": ("pk", "app_label", "model", "app_labeled_name", "is_plugin"),
    "MachineConfig": _MACHINE,
    "MachineConfigCreate": _MACHINE,
    "PatchedMachineConfig": _MACHINE,
    "MachineSetting": _SETTING,
    "PatchedMachineSetting": _SETTING,
}

# Body components of the views with InvenTree's CleanMixin (ListCreateAPI, RetrieveUpdateAPI,
# RetrieveUpdateDestroyAPI, InvenTree/mixins.py); the action, locate, search, e-mail and UI
# preference views read their body without it.
CLEANED_COMPONENTS = frozenset(
    {
        "ProjectCode",
        "PatchedProjectCode",
        "Metadata",
        "PatchedMetadata",
        "CustomUnit",
        "PatchedCustomUnit",
        "NewsFeedEntry",
        "PatchedNewsFeedEntry",
        "NotificationMessage",
        "PatchedNotificationMessage",
        "ErrorMessage",
        "PatchedErrorMessage",
        "NotesImage",
        "MachineConfigCreate",
        "MachineConfig",
        "PatchedMachineConfig",
        "MachineSetting",
        "PatchedMachineSetting",
    }
)


def declare(schemas: dict[str, Any]) -> None:
    """Put each component's properties in its serializer's order and mark the cleaned ones."""
    for component, fields in SERIALIZER_FIELDS.items():
        schema = schemas.get(component)
        if schema is None:
            continue
        properties: dict[str, Any] = schema.get("properties", {})
        rank = {name: index for index, name in enumerate(fields)}
        schema["properties"] = dict(sorted(properties.items(), key=lambda item: rank.get(item[0], len(rank))))
    for component in CLEANED_COMPONENTS:
        if component in schemas:
            schemas[component][CLEANED] = True
