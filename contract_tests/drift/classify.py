"""What each difference DeepDiff finds means to a client: which part moved, and whether a client breaks.

A client *sends* requests and *reads* responses, so the same change cuts opposite ways on the two
sides: a field that becomes nullable is harmless in a request (the client need not send null) and
breaking in a response (the client may now read a null it does not expect). The rules:

- breaking: an operation, parameter, request field or response field removed; a parameter or request
  field added as required, or made required; a type or format changed; in a request, an enum value
  removed, a lower maxLength, nullable or writable no more; in a response, an enum value added, a field
  that may now be missing (no longer required) or null, a status code the contract does not know.
- not breaking: the opposite of each, and any added operation or optional field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deepdiff.helper import NotPresent

# The schema keywords a client depends on; other keyword changes are reported as "schema changed".
ATTRIBUTES = (
    *("type", "format", "nullable", "readOnly", "writeOnly", "required", "enum"),
    *("maxLength", "minLength", "pattern", "minimum", "maximum"),
)
# What an absent keyword means, so that `required: false` and no `required` at all are the same.
DEFAULTS = {"required": False, "nullable": False, "readOnly": False, "writeOnly": False}
COMBINATORS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class Change:
    """One difference of an operation: where it is (request, response 200, a parameter), what moved, and how."""

    operation: str  # the contract's label, `METHOD /path`
    kind: str  # e.g. "field removed", "maxLength changed"
    where: str  # "operation", "request", "response 200", "query parameter"
    subject: str  # the field path (`results[].name`), parameter name or status code; "" for the operation
    old: Any
    new: Any
    breaking: bool

    @property
    def names(self) -> set[str]:
        """The names a failure message would use for the drifted part (a field's own name, a parameter's)."""
        parts = self.subject.replace("[]", "").split(".")
        return {part for part in parts[-1:] if part}

    def describe(self) -> str:
        """One line: `GET /api/x/: response 200 field name: maxLength changed (50 -> 100) [breaking]`."""
        subject = f" {self.subject}" if self.subject else ""
        values = ""
        if self.old is not None or self.new is not None:
            values = f" ({_short(self.old)} -> {_short(self.new)})"
        impact = "breaking" if self.breaking else "not breaking"
        place = "" if self.where == "operation" else f"{self.where}{subject}: "
        return f"{self.operation}: {place}{self.kind}{values} [{impact}]"


def changes_of(operation: str, difference: Any) -> list[Change]:
    """Turn a DeepDiff tree (contract operation vs server operation) into classified Changes."""
    changes: list[Change] = []
    for report_type, items in difference.items():
        for item in items:
            path = item.path(output_format="list")
            if report_type == "values_changed" and len(path) > 1 and path[-2] in ("required", "enum"):
                # DeepDiff pairs one list item for another; for a client it is one gone and one new.
                found = [
                    _change(operation, "iterable_item_removed", item),
                    _change(operation, "iterable_item_added", item),
                ]
            else:
                found = [_change(operation, report_type, item)]
            for change in found:
                if change is not None and change not in changes:
                    changes.append(change)
    return sorted(changes, key=lambda change: (change.where, change.subject, change.kind))


def _change(operation: str, report_type: str, item: Any) -> Change | None:
    path = item.path(output_format="list")
    old, new = _value(item.t1), _value(item.t2)
    where, direction, rest = _place(path)
    subject, attribute = _field(rest)
    if report_type in ("iterable_item_added", "iterable_item_removed"):
        added = report_type == "iterable_item_added"
        value = new if added else old
        if attribute == "required":  # a name in an object schema's `required` list
            field = f"{subject}.{value}" if subject else str(value)
            kind = "now required" if added else "no longer required"
            breaking = added == (direction == "request")
            return Change(operation, kind, where, field, None, None, breaking)
        if attribute == "enum":
            kind = "enum value added" if added else "enum value removed"
            breaking = added == (direction == "response")
            return Change(operation, kind, where, subject, old, new, breaking)
        return Change(operation, "schema changed", where, subject, old, new, breaking=True)
    if path == ["requestBody"] or (report_type.startswith("dictionary_item") and attribute is None):
        added = new not in (None, {}) if path == ["requestBody"] else report_type == "dictionary_item_added"
        return _presence(operation, added, (where, direction, subject), path, item)
    if attribute is None or attribute not in ATTRIBUTES:
        return Change(operation, "schema changed", where, subject, old, new, breaking=True)
    if attribute in DEFAULTS:
        old, new = (DEFAULTS[attribute] if value is None else value for value in (old, new))
        if old == new:
            return None
    return Change(
        operation, f"{attribute} changed", where, subject, old, new, _breaking(direction, attribute, old, new)
    )


def _presence(operation: str, added: bool, place: tuple[str, str, str], path: list[Any], item: Any) -> Change:
    """A whole part appeared or went: an operation's status, body, parameter or media type, or a field."""
    where, direction, subject = place
    verb = "added" if added else "removed"
    if path[0] == "responses" and len(path) == 2:
        return Change(operation, f"status {verb}", "response", str(path[1]), None, None, breaking=added)
    if path[0] == "parameters" and len(path) == 2:
        required = bool((item.t2 if added else item.t1).get("required"))
        kind = f"parameter {verb}" + (" (required)" if added and required else "")
        return Change(operation, kind, where, subject, None, None, breaking=not added or required)
    if len(path) <= 4 and "properties" not in path:  # a body, or a media type of one
        media_type = next((str(part) for part in path[path.index("content") + 1 :]), "") if "content" in path else ""
        kind = f"media type {media_type} {verb}" if media_type else f"body {verb}"
        return Change(operation, kind, where, "", None, None, breaking=not added)
    required = added and direction == "request" and subject.rsplit(".", maxsplit=1)[-1] in _required_of(item)
    kind = f"field {verb}" + (" (required)" if required else "")
    return Change(operation, kind, where, subject, None, None, breaking=not added or required)


def _required_of(item: Any) -> list[str]:
    """The `required` list of the object schema that holds an added property (two levels up)."""
    holder = item.up.up.t2 if item.up is not None and item.up.up is not None else None
    names = holder.get("required", []) if isinstance(holder, dict) else []
    return [str(name) for name in names]


def _breaking(direction: str, attribute: str, old: Any, new: Any) -> bool:
    if attribute in ("type", "format", "required", "writeOnly", "minLength"):
        # `required` here is a parameter's own flag (true/false)
        return attribute != "required" or bool(new) == (direction == "request")
    if direction == "response" and attribute in ("maxLength", "pattern", "minimum", "maximum"):
        return False  # a tighter or looser bound on what the server sends asks nothing new of a client
    if attribute == "maxLength":
        return new is not None and (old is None or new < old)
    if attribute == "minimum":
        return new is not None and (old is None or new > old)
    if attribute == "maximum":
        return new is not None and (old is None or new < old)
    if attribute == "pattern":
        return new is not None
    if attribute == "nullable":
        return bool(new) == (direction == "response")
    if attribute == "readOnly":
        return bool(new) == (direction == "request")
    return True  # enum replaced as a whole


def _place(path: list[Any]) -> tuple[str, str, list[Any]]:
    """Where in the operation a DeepDiff path points: (label, request|response, the path inside the schema)."""
    section = path[0]
    if section == "parameters":
        location = str(path[1]).split(" ", 1) if len(path) > 1 else ["", ""]
        rest = [*(["properties", location[1]] if len(location) > 1 else []), *path[2:]]
        rest = [part for part in rest if part != "schema"]
        return f"{location[0]} parameter", "request", rest
    if section == "requestBody":
        return "request", "request", _schema_part(path[1:])
    status = str(path[1]) if len(path) > 1 else ""
    return f"response {status}".strip(), "response", _schema_part(path[2:])


def _schema_part(path: list[Any]) -> list[Any]:
    """Drop `content`, the media type and `schema`: what is left walks the schema itself."""
    if path[:1] == ["content"]:
        path = path[2:]
    return path[1:] if path[:1] == ["schema"] else path


def _field(path: list[Any]) -> tuple[str, str | None]:
    """A schema path as a field name (`results[].name`) and the keyword it ends on (None for a whole field)."""
    names: list[str] = []
    index = 0
    while index < len(path):
        part = path[index]
        if part == "properties" and index + 1 < len(path):
            names.append(str(path[index + 1]))
            index += 2
        elif part == "items":
            names[-1:] = [f"{names[-1]}[]"] if names else ["[]"]
            index += 1
        elif part in COMBINATORS:
            index += 2
        else:
            return ".".join(names), str(part)
    return ".".join(names), None


def _value(value: Any) -> Any:
    return None if isinstance(value, NotPresent) else value


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."
