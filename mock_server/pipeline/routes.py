"""Which methods each path of the contract serves, for 405 answers and their `Allow` header."""

from __future__ import annotations

import re
from typing import Any

from starlette.convertors import StringConvertor, register_url_convertor
from starlette.routing import compile_path

from spec.loader import HTTP_METHODS

# The order of Django REST Framework's `http_method_names`, which its Allow header follows.
DRF_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")
CONVERTERS = {"integer": "int", "number": "float"}


class DjangoUUIDConvertor(StringConvertor):
    """Django's `<uuid:pk>`: only the lower-case, hyphenated form (Starlette's `uuid` takes more)."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


register_url_convertor("django_uuid", DjangoUUIDConvertor())


def starlette_path(path: str, parameters: list[dict[str, Any]]) -> str:
    """The Starlette template of a contract path: integer ids match digits, UUIDs Django's form.

    An id of another form then matches no route, and InvenTree's catch-all answers.
    """
    schemas = {p["name"]: p.get("schema", {}) for p in parameters if p.get("in") == "path"}

    def converted(match: re.Match[str]) -> str:
        schema = schemas.get(match[1], {})
        converter = "django_uuid" if schema.get("format") == "uuid" else CONVERTERS.get(schema.get("type") or "")
        return "{" + match[1] + (":" + converter if converter else "") + "}"

    return re.sub(r"{(\w+)}", converted, path)


class PathIndex:
    """The contract's path templates, compiled with Starlette's own path compiler."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._entries: list[tuple[re.Pattern[str], list[str], bool]] = []
        for path, item in document["paths"].items():
            operations = [item[m] for m in HTTP_METHODS if m in item]
            parameters = [p for op in operations for p in op.get("parameters", [])]
            regex, _, _ = compile_path(starlette_path(path, parameters))
            methods = {m.upper() for m in HTTP_METHODS if m in item}
            if "GET" in methods:
                methods.add("HEAD")
            methods.add("OPTIONS")
            anonymous = any({} in op.get("security", [{}]) or op.get("security") == [] for op in operations)
            self._entries.append((regex, [m for m in DRF_ORDER if m in methods], anonymous))

    def _match(self, path: str) -> tuple[list[str], bool] | None:
        for regex, methods, anonymous in self._entries:
            if regex.match(path):
                return methods, anonymous
        return None

    def allowed_methods(self, path: str) -> list[str]:
        found = self._match(path)
        return found[0] if found else []

    def allows_anonymous(self, path: str) -> bool:
        found = self._match(path)
        return bool(found and found[1])
