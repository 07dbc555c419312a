"""What OPTIONS tells of each InvenTree view beyond its fields: its name, description and model.

DRF names a view after its class (`get_view_name`: `ProjectCodeList` is "Project Code List",
`APISearchView` "Api Search") and describes it with the class docstring (`get_view_description`);
InvenTree's metadata adds the view's model (InvenTree/metadata.py). A plain APIView has no
serializer, so its OPTIONS has no `actions`; a serializer that declares no fields lists `{}`.
Everything here is read from the view classes of InvenTree 0.18 (common/api.py, machine/api.py,
InvenTree/api.py, plugin/base/*/api.py, generic/states/api.py, InvenTree/magic_login.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class ViewFacts:
    """One view class: DRF's name and description of it, its model, and what its serializer describes."""

    name: str
    description: str
    # `model` in the metadata (the model's `model_name`); such views also list `DELETE: {}`.
    model: str | None = None
    # False for a plain APIView: no serializer, so no `actions` at all.
    serializer: bool = True
    # The component whose fields describe GET when the contract's answer is not the serializer's.
    get_component: str | None = None
    # A serializer without declared fields: its actions list `{}` for each method.
    fieldless: bool = False
    # GET's fields as DRF describes them, for a serializer the contract does not describe at all.
    get_fields: Mapping[str, Any] | None = None


def _field(kind: str, label: str, *, required: bool, read_only: bool = False, **extra: Any) -> dict[str, Any]:
    """One field as DRF's SimpleMetadata describes it."""
    return {"type": kind, "required": required, "read_only": read_only, "label": label, **extra}


# generic/states/serializers.py: GenericStateClassSerializer, its `values` a DictField of
# GenericStateValueSerializer. The contract's status answers say "No response body".
_STATE_CLASS_FIELDS = {
    "status_class": _field("string", "Class", required=False, read_only=True),
    "values": _field(
        "nested object",
        "Values",
        required=True,
        child={
            "type": "nested object",
            "required": True,
            "read_only": False,
            "children": {
                "key": _field("integer", "Key", required=True),
                "logical_key": _field("string", "Logical Key", required=False),
                "name": _field("string", "Name", required=True),
                "label": _field("string", "Label", required=True),
                "color": _field("string", "Color", required=False),
                "custom": _field("boolean", "Custom", required=False),
            },
        },
    ),
}


_MACHINE_LIST = """API endpoint for list of Machine objects.

- GET: Return a list of all Machine objects
- POST: create a MachineConfig"""
_MACHINE_DETAIL = """API detail endpoint for MachineConfig object.

- GET: return a single MachineConfig
- PUT: update a MachineConfig
- PATCH: partial update a MachineConfig
- DELETE: delete a MachineConfig"""
_SETTING_DETAIL = """Detail endpoint for a machine-specific setting.

- GET: Get machine setting detail
- PUT: Update machine setting
- PATCH: Update machine setting

(Note that these cannot be created or deleted via API)"""
_STATUS = """Generic API endpoint for discovering information on 'status codes' for a particular model.

This class should be implemented as a subclass for each type of status.
For example, the API endpoint /stock/status/ will have information about
all available 'StockStatus' codes"""
_SEARCH = """A general-purpose 'search' API endpoint.

Returns hits against a number of different models simultaneously,
to consolidate multiple API requests into a single query.

Is much more efficient and simplifies code!"""

VIEWS: dict[str, ViewFacts] = {
    "/api/action/": ViewFacts("Action Plugin", "Endpoint for running custom action plugins."),
    "/api/admin/config/": ViewFacts("Config List", "List view for all accessed configurations.", fieldless=True),
    "/api/admin/config/{key}/": ViewFacts(
        "Config Detail", "Detail view for an individual configuration.", fieldless=True
    ),
    "/api/contenttype/": ViewFacts("Content Type List", "List view for ContentTypes.", "contenttype"),
    "/api/contenttype/{id}/": ViewFacts("Content Type Detail", "Detail view for a ContentType model.", "contenttype"),
    "/api/contenttype/{model}/": ViewFacts(
        "Content Type Model Detail", "Detail view for a ContentType model.", "contenttype"
    ),
    "/api/currency/exchange/": ViewFacts(
        "Currency Exchange", "API endpoint for displaying currency information.", serializer=False
    ),
    "/api/currency/refresh/": ViewFacts(
        "Currency Refresh",
        "API endpoint for manually refreshing currency exchange rates.\n\n"
        "User must be a 'staff' user to access this endpoint",
        serializer=False,
    ),
    "/api/email/generate/": ViewFacts("Get Simple Login", "View to send a simple login link."),
    "/api/error-report/": ViewFacts("Error Message List", "List view for server error messages.", "error"),
    "/api/error-report/{id}/": ViewFacts("Error Message Detail", "Detail view for a single error message.", "error"),
    "/api/flags/": ViewFacts("Flag List", "List view for feature flags.", fieldless=True),
    "/api/flags/{key}/": ViewFacts("Flag Detail", "Detail view for an individual feature flag.", fieldless=True),
    "/api/generic/status/": ViewFacts(
        "All Status Views", "Endpoint for listing all defined status models.", fieldless=True
    ),
    "/api/generic/status/{statusmodel}/": ViewFacts("Status", _STATUS, get_fields=_STATE_CLASS_FIELDS),
    "/api/license/": ViewFacts("License", "Simple JSON endpoint for InvenTree license information.", serializer=False),
    "/api/locate/": ViewFacts(
        "Locate Plugin", "Endpoint for using a custom plugin to identify or 'locate' a stock item or location."
    ),
    "/api/news/": ViewFacts("News Feed Entry List", "List view for all news items.", "newsfeedentry"),
    "/api/news/{id}/": ViewFacts(
        "News Feed Entry Detail", "Detail view for an individual news feed object.", "newsfeedentry"
    ),
    "/api/notes-image-upload/": ViewFacts("Notes Image List", "List view for all notes images.", "notesimage"),
    "/api/notifications/": ViewFacts(
        "Notification List", "List view for all notifications of the current user.", "notificationmessage"
    ),
    "/api/notifications/readall/": ViewFacts(
        "Notification Read All",
        "API endpoint to mark all notifications as read.",
        "notificationmessage",
        get_component="NotificationMessage",
    ),
    "/api/notifications/{id}/": ViewFacts(
        "Notification Detail",
        "Detail view for an individual notification object.\n\n"
        "- User can only view / delete their own notification objects",
        "notificationmessage",
    ),
    "/api/project-code/": ViewFacts("Project Code List", "List view for all project codes.", "projectcode"),
    "/api/project-code/{id}/": ViewFacts(
        "Project Code Detail", "Detail view for a particular project code.", "projectcode"
    ),
    "/api/project-code/{id}/metadata/": ViewFacts(
        "Metadata", "Generic API endpoint for reading and editing metadata for a model.", "projectcode"
    ),
    "/api/search/": ViewFacts("Api Search", _SEARCH),
    "/api/units/": ViewFacts("Custom Unit List", "List view for custom units.", "customunit"),
    "/api/units/{id}/": ViewFacts("Custom Unit Detail", "Detail view for a particular custom unit.", "customunit"),
    "/api/version-text": ViewFacts("Version Text", "Simple JSON endpoint for InvenTree version text."),
    "/api/version/": ViewFacts("Version", "Simple JSON endpoint for InvenTree version information.", serializer=False),
    "/api/webhook/{endpoint}/": ViewFacts("Webhook", "Endpoint for receiving webhooks.", serializer=False),
    "/api/machine/": ViewFacts("Machine List", _MACHINE_LIST, "machineconfig"),
    "/api/machine/drivers/": ViewFacts(
        "Machine Driver List",
        "List API Endpoint for all discovered machine drivers.\n\n- GET: List all machine drivers",
        serializer=False,
    ),
    "/api/machine/status/": ViewFacts(
        "Registry Status",
        "Status API endpoint for the machine registry.\n\n- GET: Provide status data for the machine registry",
        serializer=False,
    ),
    "/api/machine/types/": ViewFacts(
        "Machine Types List",
        "List API Endpoint for all discovered machine types.\n\n- GET: List all machine types",
        serializer=False,
    ),
    "/api/machine/{id}/": ViewFacts("Machine Detail", _MACHINE_DETAIL, "machineconfig"),
    "/api/machine/{id}/restart/": ViewFacts(
        "Machine Restart",
        "Endpoint for performing a machine restart.\n\n- POST: restart machine by pk",
        serializer=False,
    ),
    "/api/machine/{id}/settings/": ViewFacts(
        "Machine Setting List",
        "List endpoint for all machine related settings.\n\n- GET: return all settings for a machine config",
        serializer=False,
    ),
    "/api/machine/{id}/settings/{config_type}/{key}/": ViewFacts("Machine Setting Detail", _SETTING_DETAIL),
}
