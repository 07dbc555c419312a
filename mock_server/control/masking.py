"""Secrets masked before a request or an answer is kept in the journal.

Headers that carry credentials keep their shape (the scheme, the cookie names and attributes) and
lose their values; in bodies and query strings, any field whose name speaks of a password, token,
secret, CSRF value or session key is masked at any depth. A body that holds such a word but cannot
be read field by field is withheld whole rather than shown with a secret in it.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

MASK = "**********"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-csrftoken", "x-mock-token"})
SECRET_NAME = re.compile(r"password|token|secret|csrf|session|api_?key", re.IGNORECASE)
SECRET_TEXT = re.compile(rb"password|token|secret|csrf|session|api_?key", re.IGNORECASE)
SECRET_PARAMETER = re.compile(r"([?&][^=&#\s]*(?:password|token|secret|csrf|session|api_?key)[^=&#\s]*=)[^&#\s]*", re.I)
TEXT_TYPES = frozenset({"application/yaml", "application/x-yaml", "application/xml", "application/vnd.oai.openapi"})


def mask_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str | list[str]]:
    """Headers by lower-case name (a list when repeated), credentials masked."""
    headers: dict[str, str | list[str]] = {}
    for name_bytes, value_bytes in raw:
        name = name_bytes.decode("latin-1").lower()
        value = _mask_header(name, value_bytes.decode("latin-1"))
        existing = headers.get(name)
        if existing is None:
            headers[name] = value
        else:
            headers[name] = [*(existing if isinstance(existing, list) else [existing]), value]
    return headers


def _mask_header(name: str, value: str) -> str:
    if name in SECRET_HEADERS:
        scheme, _, credentials = value.partition(" ")
        # `Token abc` / `Basic abc` keep the scheme: which kind of credentials came is worth seeing.
        return f"{scheme} {MASK}" if name.endswith("authorization") and credentials else MASK
    if name == "cookie":
        return "; ".join(f"{c.partition('=')[0].strip()}={MASK}" for c in value.split(";") if c.strip())
    if name == "set-cookie":
        cookie, _, attributes = value.partition(";")
        return f"{cookie.partition('=')[0]}={MASK}" + (f";{attributes}" if attributes else "")
    return value


def mask_query(query: str) -> str:
    if not SECRET_NAME.search(query):
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, MASK if SECRET_NAME.search(k) else v) for k, v in pairs])


def mask_value(value: Any) -> Any:
    """A JSON value with every secret-named field masked, at any depth (and in the URLs it holds)."""
    if isinstance(value, str):
        # A list's `next` and `previous` repeat the request's query string, secrets and all.
        return SECRET_PARAMETER.sub(lambda match: match[1] + MASK, value)
    if isinstance(value, dict):
        return {
            k: (MASK if SECRET_NAME.search(str(k)) and v not in (None, "") else mask_value(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    return value


def mask_body(content: bytes, content_type: str) -> tuple[bytes | None, str]:
    """The body with its secrets masked (None when not shown), and its kind: json, text, withheld or binary."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        if not SECRET_TEXT.search(content):
            return content, "json"
        try:
            document = json.loads(content)
        except ValueError:
            return None, "withheld"
        return json.dumps(mask_value(document), ensure_ascii=False).encode(), "json"
    if media_type == "application/x-www-form-urlencoded":
        return mask_query(content.decode("latin-1")).encode("latin-1"), "text"
    if media_type.startswith("text/") or media_type in TEXT_TYPES or (not media_type and _is_utf8(content)):
        return (None, "withheld") if SECRET_TEXT.search(content) else (content, "text")
    return None, "binary"


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
