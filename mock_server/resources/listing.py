"""List endpoints the DRF way: search, ordering, exact filters, and limit/offset pagination.

InvenTree sets no default page size: without `limit` a list is a plain array; with a positive
integer `limit` it is `{"count", "next", "previous", "results"}` with absolute URLs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.datastructures import URL, QueryParams

from mock_server.state.store import Record, Table

Getter = Callable[[Record], Any]


@dataclasses.dataclass(frozen=True)
class ListOptions:
    """How one list endpoint searches, orders and filters."""

    search_fields: tuple[str, ...] = ()
    ordering_fields: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ()
    # Query parameter -> "bool" or "exact": django-filter's BooleanFilter and exact-match filters.
    filters: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Fields not stored on the record (computed ones) -> how to read them for search and ordering.
    getters: Mapping[str, Getter] = dataclasses.field(default_factory=dict)

    def value(self, record: Record, field: str) -> Any:
        getter = self.getters.get(field)
        return getter(record) if getter else record.get(field)


def select(
    records: Sequence[Record],
    options: ListOptions,
    query: QueryParams,
    haystack: Callable[[Record], tuple[str, ...]] | None = None,
) -> list[Record]:
    """Filter, search and order `records` as the query asks; unknown or invalid values are ignored.

    `haystack` gives a record's lower-cased search fields (the caller may cache them).
    """
    selected = list(records)
    for name, kind in options.filters.items():
        if name in query:
            wanted = _filter_value(query[name], kind)
            if wanted is not None:
                selected = [r for r in selected if _matches(options.value(r, name), wanted)]
    terms = search_terms(query.get("search", ""))
    if terms and options.search_fields:
        texts = haystack or (lambda record: search_texts(record, options))
        selected = [r for r in selected if all(any(term in text for text in texts(r)) for term in terms)]
    return order(selected, ordering_of(query, options), options)


def selection_key(options: ListOptions, query: QueryParams) -> tuple[tuple[str, str], ...]:
    """The parameters that decide what `select` returns: filters, search and ordering, not paging."""
    names = (*options.filters, "search", "ordering")
    return tuple((name, query[name]) for name in names if name in query)


def search_terms(text: str) -> list[str]:
    """DRF's SearchFilter: terms split on whitespace and commas, each must match some field."""
    return [term.lower() for term in text.replace("\x00", "").replace(",", " ").split()]


def search_texts(record: Record, options: ListOptions) -> tuple[str, ...]:
    return tuple(str(options.value(record, field) or "").lower() for field in options.search_fields)


def ordering_of(query: QueryParams, options: ListOptions) -> tuple[str, ...]:
    """DRF's OrderingFilter: comma-separated fields, `-` for descending, unknown fields dropped."""
    requested = [f.strip() for f in query.get("ordering", "").split(",") if f.strip()]
    valid = tuple(f for f in requested if f.lstrip("-") in options.ordering_fields)
    return valid or options.default_ordering


def order(records: list[Record], ordering: Sequence[str], options: ListOptions) -> list[Record]:
    # Stable sorts from the last key to the first give a multi-key sort with mixed directions.
    # NULLs sort first ascending and last descending, as SQLite orders them.
    for field in reversed(ordering):
        name = field.lstrip("-")
        records.sort(key=lambda r: _sort_key(options.value(r, name)), reverse=field.startswith("-"))
    return records


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, str(value))


def _filter_value(raw: str, kind: str) -> Any:
    if kind == "bool":
        # django-filter's BooleanWidget: anything else means "no filter".
        return {"true": True, "1": True, "false": False, "0": False}.get(raw.strip().lower())
    # django-filter skips a filter whose value is empty (`?driver=` filters nothing).
    return raw if raw != "" else None


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool):
        return bool(value) is wanted
    return str(value) == wanted if value is not None else False


def _positive_int(raw: str | None, *, strict: bool) -> int | None:
    try:
        number = int(raw) if raw is not None else None
    except ValueError:
        return None
    if number is None or number < 0 or (strict and number == 0):
        return None
    return number


@dataclasses.dataclass(frozen=True)
class Page:
    count: int
    items: list[Record]
    next: str | None
    previous: str | None


def paginate(records: Sequence[Record], query: QueryParams, url: URL | Callable[[], URL]) -> Page | None:
    """LimitOffsetPagination without a default limit: None means "answer a plain array".

    `url` may be given as a callable: the request's URL is then built only for a `next` or `previous` link.
    """
    limit = _positive_int(query.get("limit"), strict=True)
    if limit is None:
        return None
    offset = _positive_int(query.get("offset"), strict=False) or 0
    count = len(records)
    items = list(records[offset : offset + limit]) if offset < count else []
    if offset + limit >= count and offset <= 0:
        return Page(count, items, None, None)
    absolute = str(url() if callable(url) else url)
    next_url = None
    if offset + limit < count:
        next_url = _replace(_replace(absolute, "limit", str(limit)), "offset", str(offset + limit))
    previous_url = None
    if offset > 0:
        with_limit = _replace(absolute, "limit", str(limit))
        previous_url = (
            _replace(with_limit, "offset", None)
            if offset - limit <= 0
            else _replace(with_limit, "offset", str(offset - limit))
        )
    return Page(count, items, next_url, previous_url)


def _replace(url: str, key: str, value: str | None) -> str:
    """DRF's replace_query_param / remove_query_param: parameters come back sorted."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [value]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


class ListCache:
    """Remembers the last few selections of a table, and its records' search texts, until it changes.

    A list request over 100,000 records costs a full scan; repeating it (the next page, a refresh
    of the same view) then costs only the page. Any change to the table (its `version`) clears all.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._version = -1
        self._entries: dict[tuple[Any, ...], list[Record]] = {}
        self._texts: dict[int, tuple[str, ...]] = {}

    def _check(self, table: Table) -> None:
        if table.version != self._version:
            self._entries.clear()
            self._texts.clear()
            self._version = table.version

    def search_texts(self, table: Table, options: ListOptions) -> Callable[[Record], tuple[str, ...]]:
        """A record's lower-cased search fields, computed once per record while the table is unchanged."""
        self._check(table)
        texts = self._texts

        def lookup(record: Record) -> tuple[str, ...]:
            found = texts.get(id(record))
            if found is None:
                found = texts[id(record)] = search_texts(record, options)
            return found

        return lookup

    def get_or_compute(self, table: Table, key: tuple[Any, ...], compute: Callable[[], list[Record]]) -> list[Record]:
        self._check(table)
        if key not in self._entries:
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = compute()
        return self._entries[key]


def page_body(page: Page | None, items: list[Any]) -> Any:
    if page is None:
        return items
    return {"count": page.count, "next": page.next, "previous": page.previous, "results": items}


__all__ = ["ListCache", "ListOptions", "Page", "page_body", "paginate", "select", "selection_key"]
