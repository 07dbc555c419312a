"""What a fault rule says, read from a command-line option, a JSON body or a `Prefer` header.

Only reading and checking lives here (no HTTP, no state), so that the settings can turn
`--delay 100-400` or `--fault 'units_list:status=503'` into values before anything is built.
`FaultSpecError` names each bad field, for a one-line CLI error or a DRF-shaped 400.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# A delay longer than this is a typo more often than a test; ten minutes outlasts any client timeout.
MAX_DELAY_MS = 600_000
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
FIELDS = ("operation", "path", "method", "delay", "status", "drop", "rate", "times", "detail", "body")
TRUE = frozenset({"1", "true", "yes", "on"})


class FaultSpecError(ValueError):
    """A fault rule that cannot be used; `errors` maps each bad field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]], source: str = "") -> None:
        self.errors = dict(errors)
        text = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items())
        super().__init__(f"{source}: {text}" if source else text)


@dataclasses.dataclass(frozen=True)
class Delay:
    """A fixed delay (`low == high`) or a range to draw from, in milliseconds."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclasses.dataclass(frozen=True)
class FaultSpec:
    """One rule: which requests (an operation, a path pattern, or all) and what happens to them."""

    operation: str | None = None
    # A glob pattern on the request path (`/api/units/*`), optionally for one method.
    path: str | None = None
    method: str | None = None
    delay: Delay | None = None
    status: int | None = None
    drop: bool = False
    # The share of matching requests the rule applies to.
    rate: float = 1.0
    # How many more requests the rule applies to before it removes itself (None: no end).
    times: int | None = None
    detail: str | None = None
    # A whole answer body, as JSON text (kept as text so that settings stay hashable).
    body: str | None = None

    @property
    def is_global(self) -> bool:
        return self.operation is None and self.path is None

    def as_json(self) -> dict[str, Any]:
        """The rule as the control API shows it; posting this back makes the same rule."""
        return {
            "operation": self.operation,
            "path": self.path,
            "method": self.method,
            "delay": [self.delay.low, self.delay.high] if self.delay else None,
            "status": self.status,
            "drop": self.drop,
            "rate": self.rate,
            "times": self.times,
            "detail": self.detail,
            "body": json.loads(self.body) if self.body is not None else None,
        }


def parse_delay(value: object) -> Delay:
    """`200`, `"100-400"` or `[100, 400]` (milliseconds) as a Delay."""
    if isinstance(value, bool):
        raise ValueError("a delay is milliseconds: 200, or a range 100-400")
    if isinstance(value, int):
        low = high = value
    elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        low, high = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*(-\s*\d+\s*)?", value):
        low_text, _, high_text = value.partition("-")
        low = int(low_text)
        high = int(high_text) if high_text else low
    else:
        raise ValueError(f"{value!r} is not a delay: give milliseconds, 200, or a range, 100-400")
    if not 0 <= low <= high <= MAX_DELAY_MS:
        raise ValueError(f"a delay runs from 0 to {MAX_DELAY_MS} ms, the smaller bound first (got {low}-{high})")
    return Delay(low, high)


def parse_rate(value: object) -> float:
    """A share of requests, above 0 and at most 1."""
    try:
        rate = float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    except ValueError:
        rate = None
    if rate is None or not 0 < rate <= 1:
        raise ValueError(f"{value!r} is not a rate: give a share of requests above 0 and at most 1, e.g. 0.1")
    return rate


def parse_error_rate(value: str) -> float:
    """`--error-rate`: a share of requests answered 500; 0 (the default) for none."""
    try:
        if float(value) == 0:
            return 0.0
    except ValueError:
        pass
    return parse_rate(value)


def parse_status(value: object) -> int:
    """A status the mock can force: a client or server error."""
    try:
        status = int(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except ValueError:
        status = None
    if status is None or not 400 <= status <= 599:
        raise ValueError(f"{value!r} is not an error status: give one from 400 to 599 (the normal answer needs none)")
    return status


def parse_times(value: object) -> int:
    try:
        times = int(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except ValueError:
        times = None
    if times is None or times < 1:
        raise ValueError(f"{value!r} is not a count: give a whole number of requests, 1 or more")
    return times


def spec_from_json(data: object, source: str = "") -> FaultSpec:
    """A rule from the control API's JSON body (or `--fault '{...}'`); every bad field is named."""
    if not isinstance(data, dict):
        raise FaultSpecError({"non_field_errors": ["Expected an object with the rule's fields."]}, source)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in data:
        if name not in FIELDS:
            errors[name] = [f"Unknown field; a rule has {', '.join(FIELDS)}."]
    readers: dict[str, Callable[[object], object]] = {
        "delay": parse_delay,
        "status": parse_status,
        "rate": parse_rate,
        "times": parse_times,
    }
    for name, reader in readers.items():
        if data.get(name) is not None:
            try:
                values[name] = reader(data[name])
            except ValueError as error:
                errors[name] = [_sentence(error)]
    for name in ("operation", "path", "method", "detail"):
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and value.strip()):
            errors[name] = ["Expected a non-empty string."]
        elif value is not None:
            values[name] = value.strip()
    drop = data.get("drop", False)
    if not isinstance(drop, bool):
        errors["drop"] = ["Expected true or false."]
    values["drop"] = drop is True
    if data.get("body") is not None:
        values["body"] = json.dumps(data["body"])
    if errors:
        raise FaultSpecError(errors, source)
    return _checked(FaultSpec(**values), source)


def _checked(spec: FaultSpec, source: str) -> FaultSpec:
    errors: dict[str, list[str]] = {}
    if spec.operation and spec.path:
        errors["operation"] = ["Name an operation or a path, not both."]
    if spec.path is not None and not spec.path.startswith(("/", "*")):
        errors["path"] = ["A path pattern starts with '/', e.g. /api/units/*."]
    if spec.method is not None:
        if spec.path is None:
            errors["method"] = ["A method goes with a path (an operation has its own)."]
        elif spec.method.upper() not in METHODS:
            errors["method"] = [f"Expected one of {', '.join(sorted(METHODS))}."]
    if spec.delay is None and spec.status is None and not spec.drop:
        errors["non_field_errors"] = ["A rule needs an effect: a delay, a status, or drop."]
    if spec.status is not None and spec.drop:
        errors["drop"] = ["A dropped connection has no status; choose one."]
    if (spec.detail is not None or spec.body is not None) and spec.status is None:
        errors["detail" if spec.detail is not None else "body"] = ["An answer's text needs a status."]
    if spec.detail is not None and spec.body is not None:
        errors["detail"] = ["Give a detail or a whole body, not both."]
    if errors:
        raise FaultSpecError(errors, source)
    return dataclasses.replace(spec, method=spec.method.upper()) if spec.method else spec


def parse_fault_option(text: str) -> FaultSpec:
    """`--fault TARGET:key=value,...` (or a JSON object): TARGET is an operationId, `[METHOD] /path/glob` or `*`.

    Keys: `status=503`, `delay=200` or `delay=100-400`, `drop`, `rate=0.5`, `times=3`, `detail=TEXT`
    (last, as it may hold commas).
    """
    source = f"--fault {text!r}"
    if text.lstrip().startswith("{"):
        try:
            return spec_from_json(json.loads(text), source)
        except json.JSONDecodeError as error:
            raise FaultSpecError({"non_field_errors": [f"invalid JSON ({error.msg})"]}, source) from None
    target, separator, options = text.partition(":")
    if not separator:
        raise FaultSpecError({"non_field_errors": ["expected TARGET:EFFECT, e.g. units_list:status=503"]}, source)
    data: dict[str, object] = _target(target.strip())
    rest = options.strip()
    while rest:
        item, _, rest = rest.partition(",")
        key, has_value, value = (part.strip() for part in item.partition("="))
        if key == "detail":
            # The detail is free text: it takes the rest of the option, commas and all.
            data["detail"] = (value + ("," + rest if rest else "")).strip()
            break
        if key == "drop" and not has_value:
            data["drop"] = True
        elif key == "drop":
            data["drop"] = value.lower() in TRUE
        elif key in {"delay", "status", "rate", "times"} and has_value:
            data[key] = value
        else:
            raise FaultSpecError(
                {key or "non_field_errors": ["expected status=, delay=, drop, rate=, times= or detail="]}, source
            )
    return spec_from_json(data, source)


def _target(target: str) -> dict[str, object]:
    if target in {"", "*"}:
        return {}
    method, _, path = target.partition(" ")
    if path.strip().startswith("/"):
        return {"method": method, "path": path.strip()}
    if target.startswith("/"):
        return {"path": target}
    return {"operation": target}


def parse_prefer(values: Iterable[str]) -> FaultSpec | None:
    """The `code` and `delay` preferences of `Prefer` headers (RFC 7240, as Prism reads `code`).

    Other preferences (`return=minimal`, Prism's `example`) are left alone, as RFC 7240 asks; a
    `code` or `delay` the mock cannot honour is an error, so that a typo is not silently ignored.
    """
    found: dict[str, str] = {}
    for header in values:
        for preference in header.split(","):
            token = preference.split(";", 1)[0]
            name, _, value = (part.strip() for part in token.partition("="))
            if name.lower() in {"code", "delay"}:
                found[name.lower()] = value.strip('"')
    if not found:
        return None
    errors: dict[str, list[str]] = {}
    spec: dict[str, Any] = {}
    if "code" in found:
        try:
            spec["status"] = parse_status(found["code"])
        except ValueError as error:
            errors["code"] = [_sentence(error)]
    if "delay" in found:
        try:
            spec["delay"] = parse_delay(found["delay"])
        except ValueError as error:
            errors["delay"] = [_sentence(error)]
    if errors:
        raise FaultSpecError(errors, "Prefer")
    return FaultSpec(**spec)


def _sentence(error: ValueError) -> str:
    """A reader's message as DRF words a field error: a capitalised sentence."""
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def parse_fault_options(raw: str) -> tuple[FaultSpec, ...]:
    """`INVENTREE_MOCK_FAULTS`: `--fault` values separated by `;`, or a JSON list of rules (as `FaultSpec.as_json`)."""
    if raw.lstrip().startswith("["):
        try:
            rules = json.loads(raw)
        except json.JSONDecodeError as error:
            raise FaultSpecError({"non_field_errors": [f"invalid JSON ({error.msg})"]}) from None
        if not isinstance(rules, list):
            raise FaultSpecError({"non_field_errors": ["expected a list of rules"]})
        return tuple(
            spec_from_json({k: v for k, v in rule.items() if k != "id"} if isinstance(rule, dict) else rule)
            for rule in rules
        )
    return tuple(parse_fault_option(part) for part in raw.split(";") if part.strip())


def parse_origins(raw: str) -> tuple[str, ...]:
    """`INVENTREE_MOCK_CORS_ORIGINS`: origins separated by commas."""
    return tuple(origin.strip() for origin in raw.split(",") if origin.strip())


# How `Settings.from_env` reads the `INVENTREE_MOCK_*` variables of the control surface.
ENVIRONMENT_READERS: dict[str, Callable[[str], object]] = {
    "delay": parse_delay,
    "error_rate": parse_error_rate,
    "faults": parse_fault_options,
    "cors_origins": parse_origins,
}

# How the settings of the control surface are written back into those variables (for worker
# processes), where `str()` would not read back: the rules as a JSON list.
ENVIRONMENT_WRITERS: dict[str, Callable[[Any], str]] = {
    "faults": lambda specs: json.dumps([spec.as_json() for spec in specs]),
}
