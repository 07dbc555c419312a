"""Which object on the candidate is which on the reference: primary keys paired per collection.

The servers assign their own keys: a create answered with pk 7 on one may be pk 12 on the other, and
the objects both held before the run need not have the same keys either. The requests are generated
against the reference (its keys, from its lists and its create answers), so before one goes to the
candidate the object it names is translated to the candidate's key, and the candidate's keys in its
answer are translated back before the two answers are compared.

- Objects both servers held before the run are paired by position in each server's list (InvenTree
  lists by primary key by default): two servers with the same data pair up object by object.
- A create answered 201 on both servers pairs the two new objects.
- An object only one server has is not paired. A request naming one the reference alone has is not
  compared (the difference is already in the lists or in the create that made it); one the candidate
  alone has is sent to an id that names nothing there, as the reference's answer is about nothing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests.staging.guard import missing_id

PARAMETER = re.compile(r"\{([^/{}]+)\}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass(frozen=True)
class Translation:
    """The candidate's path parameters for one request, and the creates that made the objects it names."""

    parameters: dict[str, Any]
    origins: tuple[int, ...]  # indexes into IdMap.origins, oldest first


@dataclass
class IdMap:
    """Pairs of primary keys, `collection -> reference key -> candidate key`, both keys as text."""

    collections: frozenset[str]
    pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    reverse: dict[str, dict[str, Any]] = field(default_factory=dict)
    only_reference: dict[str, set[str]] = field(default_factory=dict)
    only_candidate: dict[str, set[str]] = field(default_factory=dict)
    # The requests that created paired objects, as (reference, candidate) curl lines to reproduce them.
    origins: list[tuple[str, str]] = field(default_factory=list)
    _origin_of: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def from_servers(cls, document: Mapping[str, Any], reference: httpx.Client, candidate: httpx.Client) -> IdMap:
        """Pair the objects each collection lists on both servers, by position."""
        ids = cls(frozenset(collections(document)))
        for collection in sorted(ids.collections):
            ids.pair_lists(collection, _keys(reference, collection), _keys(candidate, collection))
        return ids

    def pair_lists(self, collection: str, reference: list[Any], candidate: list[Any]) -> None:
        for ours, theirs in zip(reference, candidate, strict=False):
            self.pair(collection, ours, theirs)
        self.only_reference.setdefault(collection, set()).update(str(key) for key in reference[len(candidate) :])
        self.only_candidate.setdefault(collection, set()).update(str(key) for key in candidate[len(reference) :])

    def pair(self, collection: str, reference: Any, candidate: Any, origin: tuple[str, str] | None = None) -> None:
        self.pairs.setdefault(collection, {})[str(reference)] = candidate
        self.reverse.setdefault(collection, {})[str(candidate)] = reference
        if origin is not None:
            self.origins.append(origin)
            self._origin_of[(collection, str(reference))] = len(self.origins) - 1

    def learn_create(
        self,
        template: str,
        reference: tuple[int, Any],
        candidate: tuple[int, Any],
        origin: tuple[str, str],
    ) -> None:
        """Pair what a create made on both servers; remember what it made on one only."""
        if template not in self.collections:
            return
        made = [_created_key(status, body) for status, body in (reference, candidate)]
        if made[0] is not None and made[1] is not None:
            self.pair(template, made[0], made[1], origin)
        elif made[0] is not None:
            self.only_reference.setdefault(template, set()).add(str(made[0]))
        elif made[1] is not None:
            self.only_candidate.setdefault(template, set()).add(str(made[1]))

    def forget(self, template: str, parameters: Mapping[str, Any], side: str) -> None:
        """The object a request names was deleted on `side` only: it is now on the other server alone."""
        found = self.object_parameter(template)
        if found is None or found[1] not in parameters:
            return
        collection, key = found[0], str(parameters[found[1]])
        pairs, reverse = self.pairs.get(collection, {}), self.reverse.get(collection, {})
        if side == "candidate":
            key = str(reverse.get(key, key))
        if key not in pairs:
            return
        theirs = pairs.pop(key)
        reverse.pop(str(theirs), None)
        if side == "reference":
            self.only_candidate.setdefault(collection, set()).add(str(theirs))
        else:
            self.only_reference.setdefault(collection, set()).add(key)

    def translate(self, template: str, parameters: Mapping[str, Any]) -> Translation | None:
        """The candidate's path parameters; None when the request names an object only the reference has."""
        found = self.object_parameter(template)
        if found is None or found[1] not in parameters:
            return Translation(dict(parameters), ())
        collection, name = found
        value = parameters[name]
        key = str(value)
        translated: Any = value
        if key in self.pairs.get(collection, {}):
            translated = self.pairs[collection][key]
        elif key in self.only_reference.get(collection, set()):
            return None
        elif key in self.only_candidate.get(collection, set()) or key in self.reverse.get(collection, {}):
            # The key names another object (or one the reference lacks) on the candidate.
            translated = missing_id(value)
        if isinstance(value, str) and not isinstance(translated, str):
            translated = str(translated)
        origin = self._origin_of.get((collection, key))
        return Translation({**parameters, name: translated}, (origin,) if origin is not None else ())

    def object_parameter(self, template: str) -> tuple[str, str] | None:
        """`(collection, parameter)` when the path's first parameter is the key of an object of a collection."""
        match = PARAMETER.search(template)
        if match is None or template[: match.start()] not in self.collections:
            return None
        return template[: match.start()], match.group(1)

    def to_reference(self, template: str, body: Any) -> Any:
        """The candidate's answer with its keys replaced by the reference's, where they are paired."""
        collection = template if template in self.collections else None
        if collection is None:
            found = self.object_parameter(template)
            collection = found[0] if found is not None else None
        # A UUID names one object wherever it appears (a machine's pk in its settings); a number only in `pk`.
        texts = {key: value for pairs in self.reverse.values() for key, value in pairs.items() if _is_uuid(key)}
        body = _replace_texts(copy.deepcopy(body), texts)
        if collection is None:
            return body
        reverse = self.reverse.get(collection, {})
        for item in _items(body):
            if "pk" in item and str(item["pk"]) in reverse and not isinstance(item["pk"], bool):
                item["pk"] = reverse[str(item["pk"])]
        return body


def collections(document: Mapping[str, Any]) -> Iterator[str]:
    """The listed collections whose objects have a path of their own (`/api/units/` for `/api/units/{id}/`)."""
    paths = document.get("paths", {})
    for path, item in paths.items():
        if "get" in item and any(re.fullmatch(re.escape(path) + r"\{[^/{}]+\}/", other) for other in paths):
            yield str(path)


def _keys(client: httpx.Client, collection: str) -> list[Any]:
    """The primary keys a collection lists, in the server's order; none when it does not answer a list."""
    try:
        answer = client.get(collection)
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        return []
    items = body.get("results") if isinstance(body, Mapping) else body
    if answer.status_code != 200 or not isinstance(items, list):
        return []
    return [item["pk"] for item in items if isinstance(item, Mapping) and isinstance(item.get("pk"), (int, str))]


def _created_key(status: int, body: Any) -> Any:
    if status != 201 or not isinstance(body, Mapping) or "pk" not in body:
        return None
    return body["pk"]


def _items(body: Any) -> list[dict[str, Any]]:
    """The objects of an answer: the object itself, the items of a plain list, or the results of a page."""
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        body = body["results"]
    items = body if isinstance(body, list) else [body]
    return [item for item in items if isinstance(item, dict)]


def _replace_texts(value: Any, texts: Mapping[str, Any]) -> Any:
    """`value` with each UUID that is a key of `texts` replaced, also inside longer texts (error messages)."""
    if not texts:
        return value
    if isinstance(value, str):
        return UUID.sub(lambda match: str(texts.get(match.group(), match.group())), value)
    if isinstance(value, list):
        return [_replace_texts(item, texts) for item in value]
    if isinstance(value, dict):
        return {key: _replace_texts(item, texts) for key, item in value.items()}
    return value


def _is_uuid(text: str) -> bool:
    return UUID.fullmatch(text) is not None
