"""Request bodies parsed the way Django REST Framework parses them: JSON, form-urlencoded, multipart.

Connexion's own JSON validator answers 500 on a body that is not UTF-8 and does not know DRF's
error wording; these parsers give the DRF answers instead (400 "JSON parse error - ...", 415).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import collapse_rfc2231_value
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers

from mock_server.pipeline.errors import ParseError, UnsupportedMediaType

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
PARSED_MEDIA_TYPES = (JSON, FORM, MULTIPART)
DJANGO_BOUNDARY = re.compile(r"[ -~]{0,200}[!-~]")  # MultiPartParser.boundary_re


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
        return Body(_parse_multipart(raw, headers), is_form=True)
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


def _check_multipart_type(content_type: str) -> None:
    """Refuse a Content-Type as Django's MultiPartParser does, before it reads the body.

    The checks and their wording are django/http/multipartparser.py's (its boundary pattern too).
    """
    try:
        content_type.encode("ascii")
    except UnicodeEncodeError:
        raise ParseError(
            f"Multipart form parse error - Invalid non-ASCII Content-Type in multipart: {content_type}"
        ) from None
    header = Message()
    header["Content-Type"] = content_type
    found = header.get_param("boundary")  # not get_boundary(): that strips trailing spaces, Django does not
    boundary = None if found is None else str(collapse_rfc2231_value(found))
    if not boundary or not DJANGO_BOUNDARY.fullmatch(boundary):
        raise ParseError(f"Multipart form parse error - Invalid boundary in multipart: {boundary}")


def _parse_multipart(raw: bytes, headers: Headers) -> FormFields:
    """The parts of a multipart body as Django's MultiPartParser reads them.

    Django is lenient where Starlette's parser is strict: text before the first boundary, a part
    without headers or without a name, a missing closing boundary are skipped or read as far as
    they go, never an error. The standard library's MIME parser is lenient the same way (it records
    such defects instead of raising), so it splits the body; Django's rules for each part follow.
    """
    content_type = headers.get("content-type", "")
    _check_multipart_type(content_type)
    envelope = b"Content-Type: " + content_type.encode("ascii") + b"\r\n\r\n"
    message = BytesParser(policy=compat32).parsebytes(envelope + raw)
    parts = message.get_payload() if message.is_multipart() else []
    pairs: list[tuple[str, Any]] = []
    for part in parts:
        if not isinstance(part, Message):
            continue
        name = _disposition_param(part, "name")
        if name is None:  # Django skips a part it cannot name
            continue
        name = name.strip()
        content = _part_content(part)
        given = _disposition_param(part, "filename")
        if not given:  # Django reads a part as a file only when it has a file name
            pairs.append((name, content.decode("utf-8", errors="replace")))
            continue
        filename = _sanitized_file_name(given)
        if filename is not None:  # a file whose name sanitizes away is skipped
            media = (part.get("content-type") or "").split(";")[0].strip()
            pairs.append((name, UploadedFile(filename, media, content)))
    return FormFields(pairs)


def _sanitized_file_name(given: str) -> str | None:
    """MultiPartParser.sanitize_file_name: the last path segment, printable characters only."""
    name = html.unescape(given).rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(char for char in name if char.isprintable())
    return None if name in {"", ".", ".."} else name


def _disposition_param(part: Message, param: str) -> str | None:
    value = part.get_param(param, header="content-disposition")
    if value is None:
        return None
    return str(collapse_rfc2231_value(value, errors="replace"))


def _part_content(part: Message) -> bytes:
    """The part's bytes, base64 decoded as Django decodes it.

    (The MIME parser also decodes quoted-printable and uuencode, which Django leaves as sent: no
    browser or HTTP client encodes a form part that way.)
    """
    content = part.get_payload(decode=True)
    return content if isinstance(content, bytes) else b""
