"""Undo a write that succeeded on one server only, so that one difference does not become many.

When one server accepts a write the other refuses (a missing permission check, a validation rule
only one of them has), that difference is reported, and from then on the two servers hold different
data: every later list and read would differ too, burying the one real difference under its
consequences. So the write is undone at once where it succeeded, with what the staging guard already
holds: a created object is deleted, an updated one is written back from the guard's snapshot. A
delete cannot be undone; the object is then forgotten by the key pairing, and requests naming it are
not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from contract_tests.compare.ids import IdMap
from contract_tests.staging.guard import Guard, concrete_path

if TYPE_CHECKING:
    from schemathesis import Case


@dataclass
class Healer:
    """Undoes, on one server, the writes the other refused; counts what it did for the report."""

    side: str  # "reference" or "candidate"
    guard: Guard | None
    ids: IdMap
    undone: int = 0
    problems: list[str] = field(default_factory=list)

    def undo(self, case: Case[Any], status: int, body: Any) -> None:
        """Undo the write `case` made on this side (it answered `status` with `body`)."""
        if self.guard is None or not 200 <= status < 300:
            return  # without the guard the user asked to keep what the run does (--no-cleanup)
        method, template = case.method.upper(), case.operation.path
        if method == "POST" and template in self.ids.collections and isinstance(body, dict) and "pk" in body:
            self._send("DELETE", f"{template}{body['pk']}/", None)
        elif method in ("PUT", "PATCH"):
            original = self.guard.originals.get(concrete_path(case))
            if original is not None:
                self._send(original.method, original.path, original.body)
        elif method == "DELETE":
            self.ids.forget(template, case.path_parameters or {}, self.side)

    def _send(self, method: str, path: str, body: Any) -> None:
        assert self.guard is not None
        try:
            answer = self.guard.client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            self._problem(f"{method} {path}: {type(exc).__name__}")
            return
        if 200 <= answer.status_code < 300 or (method == "DELETE" and answer.status_code == 404):
            self.undone += 1
        else:
            self._problem(f"{method} {path} answered {answer.status_code}")

    def _problem(self, text: str) -> None:
        self.problems.append(f"could not undo a write that succeeded on the {self.side} only: {text}")
