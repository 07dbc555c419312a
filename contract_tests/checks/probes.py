"""InvenTree checks that ask the server a question of their own, once per operation (or filter) and run.

Generated requests rarely ask the revealing question: a random search term matches nothing, a random
driver name filters out everything, and the suite's own token is always valid. These checks take a
value from a real answer and ask again: the search term an item holds, the driver a machine has, the
same request without credentials. They are classes because Schemathesis builds one instance per run,
which remembers what it has asked already.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.core.transport import Response

from contract_tests.checks.exchange import PAGINATION_PARAMETERS, expect, follow_up, is_list, json_body, short
from contract_tests.checks.list_fields import ORDERING_FIELDS, SEARCH_FIELDS

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext

TOKEN = re.compile(r"[A-Za-z0-9]{3,}")
# Well-formed (InvenTree's `inv-<40 hex>-<date>`), but never issued by any server.
UNKNOWN_TOKEN = "inv-" + "0" * 40 + "-20000101"
DRF_DETAIL_DOCUMENTED = 'Documented: a DRF detail, e.g. {"detail": "Invalid token."}'


@schemathesis.check
class unauthenticated_request_refused:
    """Without credentials, or with a token the server never issued, a request answers 401 the DRF way.

    DRF answers `{"detail": "Authentication credentials were not provided."}` or `{"detail": "Invalid
    token."}`, both with `WWW-Authenticate: Token` (shared facts: "Authentication and permissions").
    """

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        security = operation.definition.raw.get("security", operation.schema.raw_schema.get("security", []))
        if (
            response.request.method != operation.method.upper()
            or not 200 <= response.status_code < 300
            or not security
            or any(requirement == {} for requirement in security)  # anonymous callers are allowed
            or operation.label in self.asked
        ):
            return True
        self.asked.add(operation.label)
        for credentials, what in ((None, "without credentials"), (f"Token {UNKNOWN_TOKEN}", "with an unknown token")):
            answer = follow_up(ctx, case, operation, repeat=case, credentials=credentials)
            body = json_body(answer)
            request = f"{operation.method.upper()} {answer.request.url} {what}"
            expect(
                answer.status_code == 401,
                f"Received: {answer.status_code} for {request}\n"
                'Documented: 401 {"detail": "Authentication credentials were not provided."} or "Invalid token."',
                answer,
            )
            expect(
                "www-authenticate" in answer.headers,
                f"Received: 401 without a WWW-Authenticate header for {request}\n"
                "Documented: WWW-Authenticate naming the scheme to use (Token)",
                answer,
            )
            expect(
                isinstance(body, Mapping) and isinstance(body.get("detail"), str),
                f"Received: 401 {short(body)} for {request}\n" + DRF_DETAIL_DOCUMENTED,
                answer,
            )
        return None


@schemathesis.check
class search_results_match:
    """Every object `?search=term` answers holds the term (case-insensitively) in one of its text fields."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        # Only views whose search fields are known: DRF documents `search` for any view with a
        # SearchFilter, and one without search fields answers everything, rightly.
        searched = str(operation.definition.raw.get("operationId")) in SEARCH_FIELDS
        if operation.label in self.asked or not searched or not _takes(case, "search") or response.status_code != 200:
            return True
        items = _items(json_body(response))
        term = next(_revealing_terms(items), None)
        if term is None:
            return True  # too few items to tell a search from no search
        self.asked.add(operation.label)
        answer = follow_up(ctx, case, operation, query={"search": term})
        found = _items(json_body(answer))
        wrong = [item for item in found if not _holds(item, term)]
        assert answer.status_code == 200 and not wrong, (
            f"Received: {answer.status_code}, {len(wrong)} of {len(found)} results without {term!r} for "
            f"GET {answer.request.url}, e.g. {short(wrong[0] if wrong else None)}\n"
            "Documented: a case-insensitive search over the objects' text fields"
        )
        self._finds_its_source(ctx, case, items)
        return None

    def _finds_its_source(self, ctx: CheckContext, case: Case[Any], items: list[Any]) -> None:
        """A word of an object's own search field, in the other case, finds that object (a plain list is all)."""
        fields = SEARCH_FIELDS.get(str(case.operation.definition.raw.get("operationId")), ())
        source = next(
            (
                (item, word)
                for item in items
                if isinstance(item, Mapping) and "pk" in item
                for name in fields
                if isinstance(item.get(name), str)
                for word in TOKEN.findall(item[name])
                if word.isascii() and word.swapcase() != word
            ),
            None,
        )
        if source is None:
            return
        item, word = source
        answer = follow_up(ctx, case, case.operation, query={"search": word.swapcase()})
        found = [other.get("pk") for other in _items(json_body(answer)) if isinstance(other, Mapping)]
        assert answer.status_code == 200 and item["pk"] in found, (
            f"Received: {answer.status_code}, {len(found)} results without pk {short(item['pk'])} for "
            f"GET {answer.request.url}\n"
            f"Documented: the search finds the object whose {'/'.join(fields)} holds {word!r}, whatever the case"
        )


@schemathesis.check
class ordering_applied:
    """`?ordering=f` and `?ordering=-f` answer the same objects, sorted by `f` one way and the other.

    The two answers are compared with each other, not with a sort of our own: how a database collates
    text (case, accents, where nulls go) is its own business, but whatever it is, descending is the
    reverse of ascending. A server that ignores `ordering` answers both alike, which is caught as soon
    as the field has two different values.
    """

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        fields = ORDERING_FIELDS.get(str(operation.definition.raw.get("operationId")), ())
        if operation.label in self.asked or not fields or not _takes(case, "ordering") or response.status_code != 200:
            return True
        items = [item for item in _items(json_body(response)) if isinstance(item, Mapping)]
        field = next((name for name in fields if len({repr(item.get(name)) for item in items}) > 1), None)
        if field is None:
            return True  # every object has the same value: any order is both orders
        self.asked.add(operation.label)
        # Without `limit` a list is all of it, so both answers hold the same objects.
        ascending = follow_up(ctx, case, operation, query={"ordering": field})
        descending = follow_up(ctx, case, operation, query={"ordering": f"-{field}"})
        up = [item.get(field) for item in _items(json_body(ascending)) if isinstance(item, Mapping)]
        down = [item.get(field) for item in _items(json_body(descending)) if isinstance(item, Mapping)]
        assert ascending.status_code == descending.status_code == 200 and up == down[::-1] and up != down, (
            f"Received: {field} in the order {short(up, 120)} for ?ordering={field} and {short(down, 120)} "
            f"for ?ordering=-{field} (GET {ascending.request.url})\n"
            f"Documented: `-{field}` sorts the same objects by {field} the other way round"
        )
        return None


@schemathesis.check
class filter_results_match:
    """A list filtered by a value one of its objects has (`?driver=...`, `?active=true`) holds only such objects."""

    def __init__(self) -> None:
        self.asked: set[tuple[str, str]] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        if response.status_code != 200 or not is_list(operation):
            return True
        items = [item for item in _items(json_body(response)) if isinstance(item, Mapping)]
        asked = False
        for name, kind in _filters(case):
            if (operation.label, name) in self.asked:
                continue
            values = [item[name] for item in items if name in item]
            if len(set(map(repr, values))) < 2:
                continue  # every object has the same value: a filter that is ignored looks the same
            wanted = values[0]
            if kind == "boolean" and not isinstance(wanted, bool):
                continue
            if kind != "boolean" and (not isinstance(wanted, str) or not wanted):
                continue
            self.asked.add((operation.label, name))
            asked = True
            wire = ("true" if wanted else "false") if kind == "boolean" else wanted
            answer = follow_up(ctx, case, operation, query={name: wire})
            found = [item for item in _items(json_body(answer)) if isinstance(item, Mapping)]
            wrong = [item for item in found if item.get(name) != wanted]
            assert answer.status_code == 200 and not wrong, (
                f"Received: {answer.status_code}, {len(wrong)} of {len(found)} objects with {name} != {wanted!r} "
                f"for GET {answer.request.url}, e.g. {short(wrong[0] if wrong else None)}\n"
                f"Documented: the filter `{name}` keeps only matching objects"
            )
        return None if asked else True


def _takes(case: Case[Any], name: str) -> bool:
    parameters = case.operation.definition.raw.get("parameters", [])
    return is_list(case.operation) and any(p.get("in") == "query" and p.get("name") == name for p in parameters)


def _filters(case: Case[Any]) -> Iterator[tuple[str, str]]:
    for parameter in case.operation.definition.raw.get("parameters", []):
        name, kind = parameter.get("name"), (parameter.get("schema") or {}).get("type")
        skipped = ("search", "ordering", *PAGINATION_PARAMETERS)
        if parameter.get("in") == "query" and name not in skipped and kind in ("boolean", "string"):
            yield str(name), str(kind)


def _items(body: Any) -> list[Any]:
    if isinstance(body, Mapping) and isinstance(body.get("results"), list):
        return list(body["results"])
    return list(body) if isinstance(body, list) else []


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _holds(item: Any, term: str) -> bool:
    return any(term.casefold() in text.casefold() for text in _texts(item))


def _revealing_terms(items: list[Any]) -> Iterator[str]:
    """ASCII words of three or more characters that some listed objects hold and others do not.

    ASCII only: SQLite's LIKE folds the case of ASCII letters alone, and DRF splits a search on spaces
    and commas, so a plain word means the same to every server.
    """
    for item in items:
        for text in _texts(item):
            for term in TOKEN.findall(text):
                if not all(_holds(other, term) for other in items):
                    yield term.lower()
