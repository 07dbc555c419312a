"""Server error reports: staff only; every field is read-only, so updates change nothing."""

from __future__ import annotations

from mock_server.pipeline.context import staff
from mock_server.resources.handlers import Registry
from mock_server.resources.listing import ListOptions
from mock_server.resources.views import Model, ModelViews, stored_fields
from mock_server.state.fixtures import TableSpec, component_record

ERROR_REPORTS = TableSpec("error_reports", component_record("ErrorMessage"))

MODEL = Model(
    table="error_reports",
    verbose_name="Error message",
    serialize=stored_fields("when", "info", "data", "path", "pk"),
    options=ListOptions(search_fields=("info", "data"), ordering_fields=("when", "info"), default_ordering=("-when",)),
)


def register(registry: Registry) -> None:
    registry.table(ERROR_REPORTS)
    views = ModelViews(MODEL)
    for operation_id, view in {
        "error_report_list": views.list,
        "error_report_retrieve": views.retrieve,
        "error_report_update": views.update,
        "error_report_partial_update": views.partial_update,
        "error_report_destroy_2": views.destroy,
        "error_report_destroy": views.bulk_destroy,
    }.items():
        registry.add(operation_id, view, staff)
