"""Remember every object the suite creates, and delete what is left of them when the run ends.

A create is `POST` on a collection answering 201 with a `pk`; the object lives at the detail path
below it (`/api/units/` -> `/api/units/{id}/`), which is deleted with `DELETE`. Objects the suite
deleted itself answer 404 and count as gone.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from schemathesis import Case, HookContext, Response


@dataclass
class CreatedObjects:
    """Records created objects through an `after_call` hook; `delete_all()` removes them."""

    _urls: dict[str, str] = field(default_factory=dict)  # path -> operation label that created it
    _kept: list[str] = field(default_factory=list)  # created where the API offers no delete
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hook(self) -> Callable[[HookContext, Case[Any], Response], None]:
        """The `after_call` hook to register (Schemathesis marks hook functions, so not a bound method)."""

        def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
            self.record(case, response)

        return after_call

    def record(self, case: Case[Any], response: Response) -> None:
        if case.operation.method.upper() != "POST" or response.status_code != 201:
            return
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        if not isinstance(body, dict) or "pk" not in body:
            return
        detail = _detail_path(case.operation.path, case.operation.schema.raw_schema.get("paths", {}))
        with self._lock:
            if detail is None:
                self._kept.append(f"{case.operation.label} created pk {body['pk']}, which no operation deletes")
                return
            self._urls[re.sub(r"\{[^/{}]+\}", str(body["pk"]), detail)] = case.operation.label

    @property
    def kept(self) -> list[str]:
        with self._lock:
            return list(self._kept)

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return list(self._urls)

    def delete_all(
        self, root_url: str, headers: dict[str, str], *, timeout: float, transport: httpx.BaseTransport | None = None
    ) -> list[str]:
        """Delete every recorded object still present; one line per object that could not be deleted."""
        problems = []
        with httpx.Client(base_url=root_url, headers=headers, timeout=timeout, transport=transport) as client:
            for path in reversed(self.paths):
                try:
                    answer = client.delete(path)
                except httpx.HTTPError as exc:
                    problems.append(f"DELETE {path}: {type(exc).__name__}; delete it by hand")
                    continue
                if answer.status_code not in (200, 202, 204, 404):
                    problems.append(f"DELETE {path} answered {answer.status_code}; delete it by hand")
        return problems


def _detail_path(collection: str, paths: dict[str, Any]) -> str | None:
    for path, item in paths.items():
        if re.fullmatch(re.escape(collection) + r"\{[^/{}]+\}/", path) and "delete" in item:
            return str(path)
    return None
