"""Generic list / create / retrieve / update / destroy / bulk-delete views over one store table.

Written once; each resource family supplies a `Model` that says how its records are shown,
searched, checked and scoped, and nothing else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.responses import Response

from mock_server.pipeline.bodies import Body
from mock_server.pipeline.context import Call, json_response, no_content
from mock_server.pipeline.errors import (
    APIError,
    EndpointNotFound,
    FieldErrors,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mock_server.resources.listing import ListCache, ListOptions, page_body, paginate, select, selection_key
from mock_server.resources.lookups import InvalidLookup, field_examples, key_values, matcher
from mock_server.state.store import Record, Table

Serializer = Callable[[Record, Call], dict[str, Any]]


def stored_fields(*names: str) -> Serializer:
    """A serializer that shows these stored fields as they are (None where a record has none)."""
    return lambda record, _call: {name: record.get(name) for name in names}


Validator = Callable[[Call, dict[str, Any], Record | None], dict[str, Any]]
Scoper = Callable[[Call], Mapping[str, Any]]


@dataclasses.dataclass(frozen=True)
class Model:
    """One resource: its table, how a record is shown, and its rules."""

    table: str
    verbose_name: str
    serialize: Serializer
    options: ListOptions = dataclasses.field(default_factory=ListOptions)
    # Fields that must be unique (case-sensitively, as the database compares them).
    unique: tuple[str, ...] = ()
    # Field labels for messages, where the schema's title or the field name is not the label.
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Business rules beyond the schema: receive cleaned data and the current record (None on create).
    validate: Validator | None = None
    # Restrict lists and bulk deletes to some records (notifications belong to one user) and stamp
    # new ones; a detail outside the scope exists but is refused (InvenTree's object permission,
    # e.g. UserSettingsPermissions: 403, not 404).
    scope: Scoper | None = None
    # How a path id becomes a key; ValueError when the id has the wrong form (a 404 like an unknown path).
    parse_key: Callable[[Any], Any] = int


class ModelViews:
    """The views of one `Model`, ready to be registered against operationIds."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._cache = ListCache()

    def table(self, call: Call) -> Table:
        return call.store[self.model.table]

    def records(self, call: Call) -> list[Record]:
        """Every record this caller may see, in insertion order."""
        table = self.table(call)
        if self.model.scope is None:
            return list(table)
        conditions = self.model.scope(call)
        return list(table.filter(**conditions))

    def get_object(self, call: Call) -> Record:
        try:
            key = self.model.parse_key(call.path["id"])
        except ValueError:
            # An id of the wrong form never matches InvenTree's URL patterns: the catch-all answers.
            raise EndpointNotFound(call.absolute_uri) from None
        record = self.table(call).get(key)
        if record is None:
            raise NotFound()
        if self.model.scope is not None:
            conditions = self.model.scope(call)
            if any(record.get(k) != v for k, v in conditions.items()):
                raise PermissionDenied()
        return record

    def show(self, record: Record, call: Call) -> dict[str, Any]:
        return self.model.serialize(record, call)

    async def list(self, call: Call) -> Response:
        table, options = self.table(call), self.model.options
        key = (call.user_pk, selection_key(options, call.query))
        haystack = self._cache.search_texts(table, options)
        selected = self._cache.get_or_compute(
            table, key, lambda: select(self.records(call), options, call.query, haystack)
        )
        page = paginate(selected, call.query, lambda: call.url)
        items = page.items if page is not None else selected
        return json_response(page_body(page, [self.show(r, call) for r in items]))

    async def retrieve(self, call: Call) -> Response:
        return json_response(self.show(self.get_object(call), call))

    async def create(self, call: Call) -> Response:
        with call.store.transaction():
            data = self._checked(call, None)
            if self.model.scope is not None:
                data.update(self.model.scope(call))
            record = self.table(call).insert(data)
        return json_response(self.show(record, call), status=201)

    async def update(self, call: Call) -> Response:
        return self._save(call)

    async def partial_update(self, call: Call) -> Response:
        return self._save(call)

    def _save(self, call: Call) -> Response:
        with call.store.transaction():
            record = self.get_object(call)
            changes = self._checked(call, record)
            record = self.table(call).update(record[self.table(call).key], changes)
        return json_response(self.show(record, call))

    async def destroy(self, call: Call) -> Response:
        with call.store.transaction():
            record = self.get_object(call)
            self.table(call).delete(record[self.table(call).key])
        return no_content()

    async def bulk_destroy(self, call: Call) -> Response:
        """InvenTree's BulkDeleteMixin: `items` (primary keys) and/or `filters` (Django lookups).

        Its refusals after the arguments are checked are plain messages, not lists
        (`ValidationError({"non_field_errors": _("...")})`, InvenTree/api.py), and so are they here.
        """
        items, filters = _bulk_arguments(call.body)
        with call.store.transaction():
            table = self.table(call)
            doomed = self.records(call)
            if items:
                try:
                    wanted = key_values(items)
                except InvalidLookup:
                    raise _refused("Invalid items list provided") from None
                doomed = [r for r in doomed if r[table.key] in wanted]
            if filters:
                try:
                    matches = matcher(filters, field_examples(table), table.key)
                except InvalidLookup:
                    raise _refused("Invalid filters provided") from None
                doomed = [r for r in doomed if matches(r)]
            if not doomed:
                raise _refused("No items found to delete")
            for record in doomed:
                table.delete(record[table.key])
        return no_content()

    def _checked(self, call: Call, instance: Record | None) -> dict[str, Any]:
        """The body as the serializer validates it: each field, its uniqueness, then the model's own checks."""
        try:
            cleaned = dict(call.data)
        except FieldErrors as failed:
            # DRF's UniqueValidator is one of the field's validators: a taken value is reported with
            # the other fields' errors (a duplicate name beside a missing machine type).
            raise failed.adding(self._unique_errors(call, failed.valid, instance)) from None
        errors = self._unique_errors(call, cleaned, instance)
        if errors:
            raise ValidationError(errors)
        if self.model.validate is not None:
            cleaned = self.model.validate(call, cleaned, instance)
        return cleaned

    def _unique_errors(self, call: Call, data: Mapping[str, Any], instance: Record | None) -> dict[str, Sequence[str]]:
        errors: dict[str, Sequence[str]] = {}
        for field in self.model.unique:
            if field in data and self._taken(call, field, data[field], instance):
                label = self.model.labels.get(field, field.replace("_", " ").capitalize())
                errors[field] = [f"{self.model.verbose_name} with this {label} already exists."]
        return errors

    def _taken(self, call: Call, field: str, value: Any, instance: Record | None) -> bool:
        table = self.table(call)
        own = instance[table.key] if instance is not None else None
        return bool(table.keys_where(field, value) - {own})


def _refused(message: str) -> APIError:
    """A 400 whose message is a string, not a list, as DRF renders `ValidationError({key: "text"})`."""
    return APIError({"non_field_errors": message})


def _bulk_arguments(body: Body) -> tuple[list[Any] | None, dict[str, Any] | None]:
    if body.is_form:
        items: Any = body.get_list("items") or None
        filters: Any = body.get_list("filters") or None
    elif isinstance(body.data, dict):
        items = body.data.get("items")
        filters = body.data.get("filters")
    else:
        items = filters = None
    if not items and not filters:
        raise ValidationError({"non_field_errors": ["List of items or filters must be provided for bulk deletion"]})
    if items and not isinstance(items, list):
        raise ValidationError({"items": ["'items' must be supplied as a list object"]})
    if filters and not isinstance(filters, dict):
        raise ValidationError({"filters": ["'filters' must be supplied as a dict object"]})
    return items, filters
