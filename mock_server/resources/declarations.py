"""What InvenTree's views and serializers declare that the contract's schemas do not say.

The published schema lists each component's properties alphabetically and does not tell which
views clean their input. InvenTree's serializers list their fields in their own order (`Meta.fields`),
which DRF keeps in validation errors and in OPTIONS metadata; and its views with CleanMixin clean
every string before the serializer reads it. `declare` writes both into the mock's prepared copy of
the contract, where the body validator and the metadata read them.
"""

from __future__ import annotations

from typing import Any

from mock_server.resources.cleaning import CLEANED

# Marks a property whose DRF field does not allow blank text even where no value is required.
NOT_BLANK = "x-mock-not-blank"
# The model field's default, which InvenTree's serializers give their fields (InvenTreeModelSerializer):
# DRF then reads a form that leaves the field out (an unticked checkbox) as that default.
MODEL_DEFAULT = "x-mock-model-default"

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
    "Owner": ("pk", "owner_id", "name", "label"),
    "LocatePlugin": ("plugin", "item", "location"),
    "APISearchView": ("search", "search_regex", "search_whole", "limit", "offset"),
    "VersionInformation": ("version", "date", "gh", "text", "latest"),
}

_NOTIFICATION_FACTS: dict[str, dict[str, Any]] = {
    "user": {"type": "field", "filters": {}, "help_text": "User"},
    "category": {"max_length": 250},
    "name": {"max_length": 250},
    "message": {"max_length": 250},
    "read": {"default": False},
}
_NEWS_FACTS: dict[str, dict[str, Any]] = {
    "published": {"max_length": 250},
    "read": {"default": False, "help_text": "Was this news item read?"},
}
_MACHINE_FACTS: dict[str, dict[str, Any]] = {
    "machine_type": {"label": "Machine Type", "max_length": 255},
    "driver": {"max_length": 255},
    "active": {"default": True},
}
_SETTING_FACTS: dict[str, dict[str, Any]] = {
    "key": {"help_text": "Settings key", "max_length": 50},
    "value": {"type": "field", "help_text": "Settings value", "max_length": 2000},
    "config_type": {"max_length": 1, "choices": None},
}
_METADATA_FACTS: dict[str, dict[str, Any]] = {
    "metadata": {
        "type": "field",
        "label": "Plugin Metadata",
        "help_text": "JSON metadata field, for use by external plugins",
    }
}

# What DRF's metadata says of a field that the contract cannot tell: attributes InvenTree's metadata
# copies from the model field (`max_length`, `default`, `help_text`, the verbose name as `label`),
# the extras of a related field (`filters`, `pk_field`), or a generic type. None removes one.
FIELD_FACTS: dict[str, dict[str, dict[str, Any]]] = {
    "ProjectCode": {"responsible": {"pk_field": "pk", "filters": {}}},
    "PatchedProjectCode": {"responsible": {"pk_field": "pk", "filters": {}}},
    "ContentType": {"app_label": {"max_length": 100}, "model": {"label": "python model class name", "max_length": 100}},
    "NewsFeedEntry": _NEWS_FACTS,
    "PatchedNewsFeedEntry": _NEWS_FACTS,
    "NotificationMessage": _NOTIFICATION_FACTS,
    "PatchedNotificationMessage": _NOTIFICATION_FACTS,
    "NotesImage": {
        "image": {"help_text": "Image file", "max_length": 100},
        "user": {"type": "field", "filters": {}},
    },
    "MachineConfig": _MACHINE_FACTS,
    "MachineConfigCreate": _MACHINE_FACTS,
    "PatchedMachineConfig": _MACHINE_FACTS,
    "MachineSetting": _SETTING_FACTS,
    "PatchedMachineSetting": _SETTING_FACTS,
    "Metadata": _METADATA_FACTS,
    "PatchedMetadata": _METADATA_FACTS,
    "ActionPlugin": {"data": {"child": {"type": "field", "required": True, "read_only": False}}},
}

_NOTIFICATION_COMPUTED = frozenset({"target", "source", "age", "age_human"})
_MACHINE_COMPUTED = frozenset(
    {
        "initialized",
        "status",
        "status_model",
        "status_text",
        "machine_errors",
        "is_driver_available",
        "restart_required",
    }
)
# SerializerMethodFields: DRF's metadata calls their type "field" and has no help text for them.
COMPUTED_FIELDS: dict[str, frozenset[str]] = {
    "NotificationMessage": _NOTIFICATION_COMPUTED,
    "PatchedNotificationMessage": _NOTIFICATION_COMPUTED,
    "ContentType": frozenset({"is_plugin"}),
    "MachineConfig": _MACHINE_COMPUTED,
    "MachineConfigCreate": _MACHINE_COMPUTED,
    "PatchedMachineConfig": _MACHINE_COMPUTED,
    "MachineSetting": frozenset({"choices"}),
    "PatchedMachineSetting": frozenset({"choices"}),
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
    for component, facts in FIELD_FACTS.items():
        properties = schemas.get(component, {}).get("properties", {})
        for name, fact in facts.items():
            if name in properties and "default" in fact:
                properties[name][MODEL_DEFAULT] = fact["default"]
    # A PATCH requires nothing, yet DRF's `allow_blank` is the field's own: a field the full
    # serializer requires may not be blank in a partial update either.
    for component, schema in schemas.items():
        full = schemas.get(component.removeprefix("Patched")) if component.startswith("Patched") else None
        for name in (full or {}).get("required", []):
            if name in schema.get("properties", {}):
                schema["properties"][name][NOT_BLANK] = True
