"""Request bodies parsed the way Django REST Framework parses them: JSON, form-urlencoded, multipart.

Connexion's own JSON validator answers 500 on a body that is not UTF-8 and does not know DRF's
error wording; these parsers give the DRF answers instead (400 "JSON parse error - ...", 415).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from mock_server.pipeline.errors import ParseError, UnsupportedMediaType

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
PARSED_MEDIA_TYPES = (JSON, FORM, MULTIPART)


@dataclasses.dataclass
class UploadedFile:
    """A file from a multipart body, read into memory."""

    filename: str
    content_type: str
    content: bytes


@dataclasses.dataclass
class Body:
    """A parsed body: `data` as DRF's `request.data` sees it, and whether it came from a form."""

    data: Any
    is_form: bool = False

    def get_list(self, name: str) -> list[Any]:
        """All values of a form field (DRF's `getlist`), or the JSON value as a one-item list."""
        if self.is_form and isinstance(self.data, FormFields):
            return self.data.get_list(name)
        value = self.data.get(name) if isinstance(self.data, dict) else None
        return [] if value is None else [value]


class FormFields(dict[str, Any]):
    """Form fields: the last value of each name, like Django's QueryDict, plus every value."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self._all: dict[str, list[Any]] = {}
        for name, value in pairs:
            self[name] = value
            self._all.setdefault(name, []).append(value)

    def get_list(self, name: str) -> list[Any]:
        return list(self._all.get(name, []))


def media_type_of(headers: Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


async def parse_body(raw: bytes, headers: Headers, *, max_depth: int) -> Body:
    """Parse `raw` by its Content-Type; an empty body is DRF's empty `request.data`."""
    media_type = media_type_of(headers)
    if not raw:
        return Body({}, is_form=media_type in (FORM, MULTIPART))
    if media_type == JSON:
        return Body(parse_json(raw, max_depth=max_depth))
    if media_type == FORM:
        text = raw.decode("utf-8", errors="replace")
        return Body(FormFields(parse_qsl(text, keep_blank_values=True)), is_form=True)
    if media_type == MULTIPART:
        return Body(await _parse_multipart(raw, headers), is_form=True)
    raise UnsupportedMediaType(headers.get("content-type", ""))


def parse_json(raw: bytes, *, max_depth: int) -> Any:
    """JSON exactly as DRF's JSONParser reads it, with its error wording."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    _check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None


def _reject_constant(name: str) -> Any:
    # DRF's parser is strict: NaN and Infinity are not JSON.
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse pathological nesting before the decoder recurses into it.

    The count ignores brackets inside strings only approximately (it does not track escapes
    perfectly), which errs on the side of refusing: a body this deep is not a real client's.
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > max_depth:
                raise ParseError(f"JSON parse error - nesting deeper than {max_depth} levels")
        elif char in "]}":
            depth -= 1


async def _parse_multipart(raw: bytes, headers: Headers) -> FormFields:
    async def stream() -> Any:
        yield raw
        yield b""

    try:
        form: FormData = await MultiPartParser(headers, stream()).parse()
    except (MultiPartException, ValueError, KeyError) as exc:
        raise ParseError(f"Multipart form parse error - {exc}") from None
    pairs: list[tuple[str, Any]] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            await value.close()
            pairs.append((name, UploadedFile(value.filename or "", value.content_type or "", content)))
        else:
            pairs.append((name, value))
    return FormFields(pairs)
