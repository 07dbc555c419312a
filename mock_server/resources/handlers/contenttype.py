"""Content types: the models InvenTree knows, by id or by model name."""

from __future__ import annotations

from starlette.responses import Response

from mock_server.pipeline.context import Call, authenticated, json_response
from mock_server.pipeline.errors import NotFound
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews, stored_fields
from mock_server.state.fixtures import TableSpec, component_record

CONTENT_TYPES = TableSpec("content_types", component_record("ContentType"))

MODEL = Model(
    table="content_types",
    verbose_name="Content type",
    serialize=stored_fields("pk", "app_label", "model", "app_labeled_name", "is_plugin"),
    # ContentTypeList: `search_fields = ['app_label', 'model']` and no `ordering_fields`, so DRF orders
    # by any serializer field; of those only the database columns can order (a property cannot).
    options=ListOptions(search_fields=("app_label", "model"), ordering_fields=("pk", "app_label", "model")),
)


def register(registry: Registry) -> None:
    registry.table(CONTENT_TYPES)
    views = ModelViews(MODEL)

    async def by_model(call: Call) -> Response:
        record = call.store["content_types"].find(model=call.path["model"])
        if record is None:
            raise NotFound()
        return json_response(views.show(record, call))

    registry.add("contenttype_list", views.list, authenticated)
    registry.add("contenttype_retrieve", views.retrieve, authenticated)
    registry.add("contenttype_retrieve_2", by_model, authenticated)
