"""Where two answers to the same request differ: status, content type, the headers that matter, the body.

Bodies are compared structurally with DeepDiff, after the tolerances have been applied: each server's
address and each pattern-matching text replaced by a placeholder, the candidate's keys translated to
the reference's, and the ignored paths excluded. Items of a list are matched by their `pk` (or
`slug`, `key`) where they have one, so that one missing object is one difference, not a shifted list.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import CannotCompare, notpresent

IDENTITY_KEYS = ("pk", "slug", "key")  # what names a list item in InvenTree's answers
JSON_SUFFIX = "+json"
EXCERPT = 300


@dataclass(frozen=True)
class Answer:
    """A response, reduced to what is compared."""

    status: int
    media_type: str  # `type/subtype`, lower case; "" when none
    headers: Mapping[str, str]  # the compared headers, by lower-case name
    body: Any  # parsed JSON, or the text, or None when empty
    is_json: bool

    def excerpt(self) -> str:
        """`404 application/json {"detail": ...}`, the body shortened."""
        if self.body is None:
            body = ""
        elif self.is_json:
            body = json.dumps(self.body, ensure_ascii=False)
        else:
            body = str(self.body)
        body = body if len(body) <= EXCERPT else body[: EXCERPT - 3] + "..."
        return " ".join(part for part in (str(self.status), self.media_type, body) if part)


@dataclass(frozen=True)
class Difference:
    """One way the two answers differ. `path` is JSONPath-like with `[*]` for list positions."""

    kind: str  # status, content-type, header:<Name>, body:missing|extra|value|type|items|order|text|json
    path: str
    reference: str
    candidate: str
    concrete_path: str = ""  # the path with the list positions of this example

    def describe(self) -> str:
        where = f" at {self.concrete_path or self.path}" if self.path else ""
        return f"{self.kind}{where}: reference {self.reference}, candidate {self.candidate}"


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def is_json_type(media: str) -> bool:
    return media == "application/json" or media.endswith(JSON_SUFFIX)


def parse_body(content: bytes, media: str) -> tuple[Any, bool]:
    """The body as JSON where it is JSON, else as text; None when empty."""
    if not content:
        return None, False
    if is_json_type(media):
        try:
            return json.loads(content), True
        except ValueError:
            pass
    return content.decode("utf-8", errors="replace"), False


def compare(reference: Answer, candidate: Answer, excluded: Sequence[str] = ()) -> list[Difference]:
    """Every difference between two answers; a different status is the only one reported for them."""
    if reference.status != candidate.status:
        return [Difference("status", "", str(reference.status), str(candidate.status))]
    found: list[Difference] = []
    if reference.media_type != candidate.media_type:
        found.append(Difference("content-type", "", reference.media_type or "(none)", candidate.media_type or "(none)"))
    names = sorted(set(reference.headers) | set(candidate.headers))
    for name in names:
        ours, theirs = reference.headers.get(name), candidate.headers.get(name)
        if _header_value(name, ours) != _header_value(name, theirs):
            found.append(Difference(f"header:{_title(name)}", "", _shown(ours), _shown(theirs)))
    if reference.is_json and candidate.is_json:
        found += body_differences(reference.body, candidate.body, excluded)
    elif reference.is_json != candidate.is_json and not (reference.body is None and candidate.body is None):
        found.append(Difference("body:json", "$", _kind(reference), _kind(candidate)))
    elif reference.body != candidate.body:
        found.append(Difference("body:text", "$", _brief(reference.body), _brief(candidate.body)))
    return found


def body_differences(reference: Any, candidate: Any, excluded: Sequence[str] = ()) -> list[Difference]:
    """The differences between two JSON bodies, one per changed field, per list, per reordered list."""
    options: dict[str, Any] = {"exclude_regex_paths": list(excluded)} if excluded else {}
    strict = DeepDiff(reference, candidate, iterable_compare_func=same_item, verbose_level=2, view="tree", **options)
    if not strict:
        return []
    if not DeepDiff(reference, candidate, ignore_order=True, **options):
        return [Difference("body:order", "$", "one order", "another order of the same items")]
    found: list[Difference] = []
    lists: dict[tuple[str, str], list[Any]] = {}
    for change, levels in strict.items():
        for level in levels:
            steps = level.path(output_format="list")
            if change in ("iterable_item_added", "iterable_item_removed", "iterable_item_moved"):
                lists.setdefault((change, json_path(steps[:-1], generic=True)), []).append(level)
                continue
            kind = {
                "values_changed": "body:value",
                "type_changes": "body:type",
                "dictionary_item_removed": "body:missing",
                "dictionary_item_added": "body:extra",
            }.get(change, f"body:{change}")
            found.append(
                Difference(
                    kind,
                    json_path(steps, generic=True),
                    _brief(level.t1),
                    _brief(level.t2),
                    concrete_path=json_path(steps),
                )
            )
    for (change, path), levels in lists.items():
        if change == "iterable_item_moved":
            found.append(Difference("body:order", path, "one order", "another order of the same items"))
            continue
        side = "reference" if change == "iterable_item_removed" else "candidate"
        values = [level.t1 if side == "reference" else level.t2 for level in levels]
        shown = f"{len(values)} item(s) only here: {_brief(values)}"
        found.append(
            Difference(
                "body:items",
                path,
                shown if side == "reference" else "-",
                shown if side == "candidate" else "-",
            )
        )
    return found


def same_item(first: Any, second: Any, level: Any = None) -> bool:
    """DeepDiff's `iterable_compare_func`: list items are the same object when their pk (slug, key) is."""
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        for key in IDENTITY_KEYS:
            if key in first and key in second:
                return bool(first[key] == second[key])
    raise CannotCompare from None


def json_path(steps: Sequence[Any], *, generic: bool = False) -> str:
    """DeepDiff's path steps as `$.results[0].code` (`[*]` for positions when generic)."""
    text = "$"
    for step in steps:
        if isinstance(step, int):
            text += "[*]" if generic else f"[{step}]"
        elif isinstance(step, str) and step.isidentifier():
            text += f".{step}"
        else:
            text += f"[{json.dumps(str(step))}]"
    return text


def _header_value(name: str, value: str | None) -> Any:
    if value is None:
        return None
    if name == "allow":
        # DRF lists the methods in the order of its view's handlers; the set is what a client reads.
        return frozenset(method.strip().upper() for method in value.split(",") if method.strip())
    return value.strip()


def _title(name: str) -> str:
    return "WWW-Authenticate" if name == "www-authenticate" else "-".join(part.title() for part in name.split("-"))


def _shown(value: str | None) -> str:
    return "(absent)" if value is None else repr(value)


def _kind(answer: Answer) -> str:
    return "JSON" if answer.is_json else ("empty" if answer.body is None else "text")


def _brief(value: Any) -> str:
    if value is notpresent:
        return "(absent)"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = _visible(text)
    return text if len(text) <= 120 else text[:117] + "..."


def _visible(text: str) -> str:
    """Control and format characters (U+0085, U+200B, ...) as escapes: texts that look alike show their difference."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
