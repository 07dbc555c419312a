"""Django's field lookups (`info__icontains`, `pk__in`, ...) over stored records, for bulk deletes.

InvenTree's BulkDeleteMixin hands the request's `filters` to `queryset.filter(**filters)`
(InvenTree/api.py): any model field with any lookup Django knows. A filter Django cannot apply
(an unknown field or lookup, a value the field cannot hold) raises, and the view answers
"Invalid filters provided". Values are converted as the model field would convert them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mock_server.state.store import Record

# django.db.models.fields.BooleanField.to_python
BOOLEAN_WORDS = {"t": True, "True": True, "1": True, "f": False, "False": False, "0": False}
KEY_ALIASES = ("pk", "id")


class InvalidLookup(ValueError):
    """Django could not build this filter."""


Predicate = Callable[[Any], bool]


def _text(value: Any) -> str:
    return str(value)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(stored: Any, wanted: Any) -> bool:
        return stored is not None and compare(stored, wanted)

    return check


LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": lambda stored, wanted: stored == wanted,
    "iexact": lambda stored, wanted: stored is not None and _text(stored).lower() == _text(wanted).lower(),
    "contains": lambda stored, wanted: stored is not None and _text(wanted) in _text(stored),
    "icontains": lambda stored, wanted: stored is not None and _text(wanted).lower() in _text(stored).lower(),
    "startswith": lambda stored, wanted: stored is not None and _text(stored).startswith(_text(wanted)),
    "istartswith": lambda s, w: s is not None and _text(s).lower().startswith(_text(w).lower()),
    "endswith": lambda stored, wanted: stored is not None and _text(stored).endswith(_text(wanted)),
    "iendswith": lambda s, w: s is not None and _text(s).lower().endswith(_text(w).lower()),
    "gt": _ordered(lambda stored, wanted: stored > wanted),
    "gte": _ordered(lambda stored, wanted: stored >= wanted),
    "lt": _ordered(lambda stored, wanted: stored < wanted),
    "lte": _ordered(lambda stored, wanted: stored <= wanted),
    "in": lambda stored, wanted: stored in wanted,
    "isnull": lambda stored, wanted: (stored is None) is wanted,
    "regex": lambda stored, wanted: stored is not None and re.search(wanted, _text(stored)) is not None,
    "iregex": lambda stored, wanted: stored is not None and re.search(wanted, _text(stored), re.I) is not None,
}


def field_examples(records: Iterable[Record]) -> dict[str, Any]:
    """Each field of the table with a value it holds (None only where no record holds another)."""
    examples: dict[str, Any] = {}
    for record in records:
        for field, value in record.items():
            if examples.get(field) is None:
                examples[field] = value
    return examples


def key_values(items: list[Any]) -> set[Any]:
    """`id__in=items`: each item as an integer primary key; InvalidLookup for one Django cannot use."""
    return {_converted(item, 0) for item in items if item is not None}


def matcher(filters: Mapping[str, Any], sample: Record | None, key: str) -> Callable[[Record], bool]:
    """A test for records matching every filter; InvalidLookup where Django would raise.

    `sample` maps the model's fields to example values (`field_examples`), `key` is its primary key.
    """
    tests: list[Callable[[Record], bool]] = []
    for name, value in filters.items():
        field, _, lookup = str(name).partition("__")
        lookup = lookup or "exact"
        if field in KEY_ALIASES:
            field = key
        if lookup not in LOOKUPS or sample is None or field not in sample:
            raise InvalidLookup(name)
        wanted = _prepared(value, sample[field], lookup)
        tests.append(_test(field, LOOKUPS[lookup], wanted))
    return lambda record: all(test(record) for test in tests)


def _test(field: str, compare: Callable[[Any, Any], bool], wanted: Any) -> Callable[[Record], bool]:
    def test(record: Record) -> bool:
        try:
            return compare(record.get(field), wanted)
        except TypeError:
            return False

    return test


def _prepared(value: Any, example: Any, lookup: str) -> Any:
    """The value as the model field would take it (`get_prep_value`); InvalidLookup if it cannot."""
    if lookup == "isnull":
        if not isinstance(value, bool):
            raise InvalidLookup("isnull takes a boolean")
        return value
    if lookup in ("regex", "iregex"):
        try:
            return re.compile(str(value)).pattern
        except re.error as exc:
            raise InvalidLookup(str(exc)) from None
    if lookup == "in":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise InvalidLookup("in takes a list")
        return [_converted(item, example) for item in value if item is not None]
    if value is None:
        if lookup == "exact":
            return None  # Django turns `field=None` into `field__isnull=True`
        raise InvalidLookup("None is only allowed with exact")
    if lookup in ("contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "iexact"):
        return value if isinstance(value, (str, int, float, bool)) else _converted(value, example)
    return _converted(value, example)


def _converted(value: Any, example: Any) -> Any:
    if isinstance(example, bool):
        if isinstance(value, bool):
            return value
        if str(value) in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[str(value)]
        raise InvalidLookup(f"{value!r} is not a boolean")
    if isinstance(example, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InvalidLookup(f"{value!r} is not a number") from None
    # A text field's `to_python` takes anything as its `str()`.
    return str(value) if isinstance(example, str) else value
