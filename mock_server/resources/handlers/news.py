"""News feed entries (staff only): listed, filtered by `read`, marked read, deleted one by one or in bulk."""

from __future__ import annotations

from typing import Any

from mock_server.pipeline.context import staff
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews, stored_fields
from mock_server.state.fixtures import TableSpec, component_record

NEWS = TableSpec("news", component_record("NewsFeedEntry"))

MODEL = Model(
    table="news",
    # NewsFeedEntry has no verbose_name: Django's default, lower-case, names it in the unique message.
    verbose_name="news feed entry",
    serialize=stored_fields("pk", "feed_id", "title", "link", "published", "author", "summary", "read"),
    options=ListOptions(ordering_fields=("published", "author", "read"), filters={"read": "bool"}),
    unique=("feed_id",),
    labels={"feed_id": "Id"},
)


def register(registry: Registry) -> None:
    registry.table(NEWS)
    views = ModelViews(MODEL)
    operations: dict[str, Any] = {
        "news_list": views.list,
        "news_retrieve": views.retrieve,
        "news_update": views.update,
        "news_partial_update": views.partial_update,
        "news_destroy_2": views.destroy,
        "news_destroy": views.bulk_destroy,
    }
    for operation_id, view in operations.items():
        # NewsFeedMixin: `permission_classes = [IsAdminUser]`, for reading too (common/api.py).
        registry.add(operation_id, view, staff)
