"""What may legitimately differ between two servers' answers: value patterns, ignored fields, compared headers.

The defaults are `tolerances.yaml` beside this module; a user adds a file of the same shape
(`--tolerances FILE`) and single paths (`--ignore [OPERATION:]PATH`). Paths are JSONPath-like
(`$.results[*].updated`, `$..creation_date`, `$['odd key']`) and become the regular expressions over
DeepDiff's paths (`root['results'][0]['updated']`) that DeepDiff excludes: python-jsonpath, which the
contract's overlays use, finds values in a document but cannot match a path DeepDiff reports, so this
small translation is written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contract_tests.errors import UsageError

DEFAULTS = Path(__file__).with_name("tolerances.yaml")
SERVER = "<server>"  # what each server's own root URL is written as
# `..name`, `.name`, `.*`, `[3]`, `[*]`, `['name']`, `["name"]`
_STEP = re.compile(
    r"""\.\.(?P<deep>[A-Za-z_][\w-]*|\*)|\.(?P<name>[A-Za-z_][\w-]*|\*)"""
    r"""|\[(?:(?P<index>\d+|\*)|'(?P<quoted>[^']*)'|"(?P<dquoted>[^"]*)")\]"""
)
_ANY_STEP = r"\[[^\]]+\]"
_ANY_INDEX = r"\[\d+\]"
_OPERATION_AND_PATH = re.compile(r"(?:(?P<operation>[^$.\[][^$]*?):)?(?P<path>[$.\[].*)")


@dataclass(frozen=True)
class IgnoredPath:
    """A body field left out of the comparison, everywhere or in one operation."""

    path: str
    regex: str  # over DeepDiff paths
    operation: str | None = None
    reason: str = ""

    def applies_to(self, operation_id: str, label: str) -> bool:
        return self.operation is None or self.operation in (operation_id, label)


@dataclass(frozen=True)
class ValuePattern:
    """Texts that are equal to each other whatever their value when both match (two timestamps)."""

    name: str
    pattern: re.Pattern[str]
    reason: str = ""


@dataclass(frozen=True)
class Tolerances:
    ignored: tuple[IgnoredPath, ...] = ()
    values: tuple[ValuePattern, ...] = ()
    headers: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def load(
        cls, files: Sequence[Path] = (), ignore: Iterable[str] = (), operations: Iterable[str] | None = None
    ) -> Tolerances:
        """The defaults, then each file, then each `--ignore`; operations named must be in `operations`."""
        ignored: list[IgnoredPath] = []
        values: list[ValuePattern] = []
        headers: list[str] = []
        for path in (DEFAULTS, *files):
            data = _read(path)
            where = str(path)
            ignored += [_ignored(entry, f"{where}, ignore entry {n}") for n, entry in enumerate(data["ignore"], 1)]
            values += [_value(entry, f"{where}, values entry {n}") for n, entry in enumerate(data["values"], 1)]
            headers += [str(name) for name in data["headers"]]
        for text in ignore:
            match = _OPERATION_AND_PATH.fullmatch(text.strip())
            if match is None:
                raise UsageError(
                    f"--ignore takes [OPERATION:]PATH with a JSONPath-like path such as $..updated, not {text!r}"
                )
            ignored.append(_ignored({"path": match["path"], "operation": match["operation"]}, f"--ignore {text!r}"))
        if operations is not None:
            known = set(operations)
            unknown = sorted({item.operation for item in ignored if item.operation and item.operation not in known})
            if unknown:
                raise UsageError(
                    f"an ignored path names no operation of the contract: {', '.join(unknown)} "
                    "(use operationIds such as units_list, or labels such as 'GET /api/units/')"
                )
        return cls(
            ignored=tuple(ignored),
            values=tuple(values),
            headers=tuple(dict.fromkeys(headers)),
            sources=tuple(str(path) for path in (DEFAULTS, *files)),
        )

    def excluded(self, operation_id: str, label: str) -> list[str]:
        """DeepDiff's `exclude_regex_paths` for one operation."""
        return [item.regex for item in self.ignored if item.applies_to(operation_id, label)]

    def normalize(self, value: Any, root_url: str) -> Any:
        """`value` with the server's root URL written as <server>, and pattern-matching texts as <name>."""
        if isinstance(value, str):
            return self.normalize_text(value, root_url)
        if isinstance(value, list):
            return [self.normalize(item, root_url) for item in value]
        if isinstance(value, dict):
            return {key: self.normalize(item, root_url) for key, item in value.items()}
        return value

    def normalize_text(self, text: str, root_url: str) -> str:
        text = text.replace(root_url, SERVER) if root_url else text
        for pattern in self.values:
            if pattern.pattern.search(text):
                return f"<{pattern.name}>"
        return text


def path_regex(path: str) -> str:
    """A JSONPath-like path as a regular expression over DeepDiff's paths; ValueError when it is not one."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    elif not text.startswith((".", "[")):
        text = "." + text
    parts = ["^root"]
    position = 0
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise ValueError(f"{path!r} is not a JSONPath-like path (at {text[position:]!r})")
        if match["deep"] is not None:
            parts.append(f"(?:{_ANY_STEP})*" + _key(match["deep"]))
        elif match["name"] is not None:
            parts.append(_key(match["name"]))
        elif match["index"] is not None:
            parts.append(_ANY_INDEX if match["index"] == "*" else re.escape(f"[{match['index']}]"))
        else:
            parts.append(_key(match["quoted"] if match["quoted"] is not None else match["dquoted"]))
        position = match.end()
    return "".join(parts) + "$"


def _key(name: str) -> str:
    return _ANY_STEP if name == "*" else re.escape(f"[{name!r}]")


def _read(path: Path) -> dict[str, list[Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read the tolerances in {path}: {type(exc).__name__}: {exc}") from None
    if not isinstance(data, Mapping):
        raise UsageError(f"{path} must hold a mapping with `values`, `ignore` and `headers` lists")
    found = {key: data.get(key) or [] for key in ("values", "ignore", "headers")}
    for key, value in found.items():
        if not isinstance(value, list):
            raise UsageError(f"{path}: `{key}` must be a list, not {type(value).__name__}")
    unknown = sorted(set(data) - set(found))
    if unknown:
        raise UsageError(f"{path}: unknown key(s) {', '.join(unknown)}; a tolerance file has values, ignore, headers")
    return found


def _ignored(entry: Any, where: str) -> IgnoredPath:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
        raise UsageError(f"{where}: give a `path` such as $..updated (and optionally `operation` and `reason`)")
    try:
        regex = path_regex(entry["path"])
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None
    operation = entry.get("operation")
    return IgnoredPath(entry["path"], regex, str(operation) if operation else None, str(entry.get("reason") or ""))


def _value(entry: Any, where: str) -> ValuePattern:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str) or "pattern" not in entry:
        raise UsageError(f"{where}: give a `name` and a `pattern` (a regular expression), and a `reason`")
    try:
        pattern = re.compile(str(entry["pattern"]))
    except re.error as exc:
        raise UsageError(f"{where}: the pattern is not a regular expression: {exc}") from None
    return ValuePattern(entry["name"], pattern, str(entry.get("reason") or ""))
