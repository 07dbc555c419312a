"""Project codes: CRUD with a case-sensitively unique `code`, and per-code metadata."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.pipeline.context import Call, DefaultPermissions, json_response, staff_or_read_only
from mock_server.pipeline.errors import ValidationError
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews
from mock_server.state.fixtures import TableSpec, component_record
from mock_server.state.store import Record, Store

PROJECT_CODES = TableSpec(
    "project_codes",
    component_record("ProjectCode", computed=("responsible_detail",), extra={"metadata": {"type": "object"}}),
    references={"responsible": "owners"},
)


def owner_detail(store: Store, pk: Any) -> dict[str, Any] | None:
    """InvenTree's OwnerSerializer: a user or a group that can be responsible for something."""
    owner = store["owners"].get(pk) if pk is not None else None
    if owner is None:
        return None
    return {"pk": owner["pk"], "owner_id": owner["owner_id"], "name": owner["name"], "label": owner["owner_type"]}


def serialize(record: Record, call: Call) -> dict[str, Any]:
    return {
        "pk": record["pk"],
        "code": record["code"],
        "description": record.get("description", ""),
        "responsible": record.get("responsible"),
        "responsible_detail": owner_detail(call.store, record.get("responsible")),
    }


MODEL = Model(
    table="project_codes",
    verbose_name="Project Code",
    serialize=serialize,
    options=ListOptions(search_fields=("code", "description"), ordering_fields=("code",)),
    unique=("code",),
    labels={"code": "Project Code"},
)


class MetadataViews:
    """GET shows a code's metadata; PATCH merges keys into it; PUT replaces it."""

    def __init__(self, views: ModelViews) -> None:
        self.views = views

    async def retrieve(self, call: Call) -> Response:
        return json_response({"metadata": self.views.get_object(call).get("metadata") or {}})

    async def update(self, call: Call) -> Response:
        return self._save(call, merge=False)

    async def partial_update(self, call: Call) -> Response:
        return self._save(call, merge=True)

    def _save(self, call: Call, *, merge: bool) -> Response:
        with call.store.transaction():
            record = self.views.get_object(call)
            metadata = dict(record.get("metadata") or {})
            if "metadata" in call.data:
                given = call.data["metadata"]
                if not isinstance(given, dict):
                    # MetadataMixin.validate_metadata (InvenTree/models.py). A PATCH with a value that is
                    # not an object is a 500 on InvenTree 0.18 (its merge calls dict.update first).
                    raise ValidationError({"metadata": ["Metadata must be a python dict object"]})
                metadata = {**metadata, **given} if merge else dict(given)
            call.store["project_codes"].update(record["pk"], {"metadata": metadata})
        return json_response({"metadata": metadata})


def register(registry: Registry) -> None:
    registry.table(PROJECT_CODES)
    views = ModelViews(MODEL)
    metadata = MetadataViews(views)
    for operation_id, view in {
        "project_code_list": views.list,
        "project_code_create": views.create,
        "project_code_retrieve": views.retrieve,
        "project_code_update": views.update,
        "project_code_partial_update": views.partial_update,
        "project_code_destroy": views.destroy,
    }.items():
        registry.add(operation_id, view, staff_or_read_only)
    # InvenTree/api.py MetadataView keeps InvenTree's default permission classes.
    for operation_id, view in {
        "project_code_metadata_retrieve": metadata.retrieve,
        "project_code_metadata_update": metadata.update,
        "project_code_metadata_partial_update": metadata.partial_update,
    }.items():
        registry.add(operation_id, view, DefaultPermissions(staff_or_read_only))
