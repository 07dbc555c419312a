"""Send each request the engine sent to the reference to the candidate as well, and compare the answers.

The Schemathesis engine runs against the reference alone, with every phase the suite runs (explicit
examples, coverage, fuzzing, and stateful sequences through the contract's links). This module is
its `after_call` hook: once the reference has answered, the same case goes to the candidate, with the
object it names translated to the candidate's key (compare.ids), through the candidate's own guard
of its data (contract_tests.staging.guard), and the two answers are compared (compare.diff).

Why the engine and a hook, not a sequence generator of our own: the stateful phase already walks the
contract's links (spec/overlays/20-links.yaml) create -> read -> update -> delete, machine -> settings
-> restart, choosing and shrinking sequences as Hypothesis does; its link values come from the
reference's answers, which is exactly what a pairing of keys needs (the reference's pk 7 is the
candidate's pk 12 from the moment both creates answered). A generator of our own would repeat that
walk, with fewer sequences and none of the coverage phase's boundary and negative requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import requests
from schemathesis import Response

from contract_tests.compare.diff import Answer, Difference, compare, media_type, parse_body
from contract_tests.compare.heal import Healer
from contract_tests.compare.identities import Identity
from contract_tests.compare.ids import IdMap
from contract_tests.compare.report import Comparison, Example
from contract_tests.compare.tolerances import Tolerances
from contract_tests.staging.cleanup import CreatedObjects
from contract_tests.staging.guard import Guard, concrete_path

if TYPE_CHECKING:
    from schemathesis import Case, HookContext

FILTERED = "'Authorization: [Filtered]'"  # how Schemathesis writes a credential in a curl line
WRITES = ("PUT", "PATCH")
UNSAFE = ("POST", *WRITES, "DELETE")


class Writes:
    """The updates each object got, to tell the guard which snapshots need no writing back.

    The guard reads an object before the first update of it; when every update was refused (a user
    without the permission, a 400), nothing changed, and writing the snapshot back would be refused too.
    """

    def __init__(self) -> None:
        self.answered: set[str] = set()
        self.succeeded: set[str] = set()

    def note(self, case: Case[Any], status: int) -> None:
        if case.method.upper() in WRITES:
            path = concrete_path(case)
            self.answered.add(path)
            if 200 <= status < 300:
                self.succeeded.add(path)

    def forget_unchanged(self, guard: Guard) -> None:
        """Drop the guard's snapshots of objects no update reached."""
        for path in self.answered - self.succeeded:
            guard.originals.pop(path, None)


class Replay:
    """The `after_call` hook of a comparison as one identity."""

    def __init__(
        self,
        *,
        identity: Identity,
        ids: IdMap,
        tolerances: Tolerances,
        comparison: Comparison,
        guards: tuple[Guard | None, Guard | None],
        created: CreatedObjects,
    ) -> None:
        self.identity = identity
        self.ids = ids
        self.tolerances = tolerances
        self.comparison = comparison
        self.guard = guards[1]
        self.created = created
        self.healers = Healer("reference", guards[0], ids), Healer("candidate", guards[1], ids)
        self.reference_root = identity.reference_settings.root_url
        self.candidate_root = identity.candidate_settings.root_url
        self.timeout = identity.candidate_settings.request_timeout
        self.down: str | None = None  # set when the candidate stopped answering: the run cannot go on
        self.writes = Writes(), Writes()  # reference, candidate
        self._session = requests.Session()
        self._lock = threading.Lock()

    def hook(self) -> Callable[[HookContext, Case[Any], Response], None]:
        """The function to register (Schemathesis marks hook functions, so not a bound method)."""

        def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
            with self._lock:
                self.replay(case, response)

        return after_call

    def close(self) -> None:
        self._session.close()

    def replay(self, case: Case[Any], reference: Response) -> None:
        if self.down is not None:
            return
        self.writes[0].note(case, reference.status_code)
        operation = case.operation
        translation = self.ids.translate(operation.path, case.path_parameters or {})
        if translation is None:
            self.comparison.skipped[self.identity.name] += 1
            return
        twin = self._twin(case, translation.parameters)
        if self.guard is not None:
            self.guard.before_call(twin)
        candidate = self._send(twin)
        label, operation_id = operation.label, str(operation.definition.raw.get("operationId", operation.label))
        self.comparison.compared(self.identity.name, label)
        if isinstance(candidate, str):
            difference = self._no_answer(reference, candidate)
            self._record(
                case=case, twin=twin, origins=translation.origins, differences=[difference], reference=reference
            )
            return
        self.created.record(twin, candidate)
        self.writes[1].note(twin, candidate.status_code)
        reference_body = parse_body(reference.content, media_type(_header(reference, "content-type")))
        candidate_body = parse_body(candidate.content, media_type(_header(candidate, "content-type")))
        if case.method.upper() == "POST":
            self.ids.learn_create(
                operation.path,
                (reference.status_code, reference_body[0]),
                (candidate.status_code, candidate_body[0]),
                (self._curl(case, "reference"), self._curl(twin, "candidate")),
            )
        ours = self._answer(reference, parsed=reference_body, root=self.reference_root)
        theirs = self._answer(
            candidate, parsed=candidate_body, root=self.candidate_root, template=operation.path, case=case, twin=twin
        )
        differences = compare(ours, theirs, self.tolerances.excluded(operation_id, label))
        if differences:
            self._record(
                case=case,
                twin=twin,
                origins=translation.origins,
                differences=differences,
                reference=reference,
                candidate=candidate,
            )
        if case.method.upper() in UNSAFE and _succeeded(reference.status_code) != _succeeded(candidate.status_code):
            if _succeeded(reference.status_code):
                self.healers[0].undo(case, reference.status_code, reference_body[0])
            else:
                self.healers[1].undo(twin, candidate.status_code, candidate_body[0])

    def _twin(self, case: Case[Any], parameters: dict[str, Any]) -> Case[Any]:
        """The case for the candidate: its own keys, and without the reference's credentials."""
        headers = case.headers.copy() if case.headers is not None else None
        if headers is not None:
            for name, value in self.identity.reference.headers().items():
                if headers.get(name) == value:
                    del headers[name]
        twin = case.derive(headers=headers)
        if parameters != case.path_parameters:
            twin.path_parameters = parameters
        return twin

    def _send(self, twin: Case[Any]) -> Response | str:
        """The candidate's answer, or why there is none."""
        kwargs = twin.as_transport_kwargs(base_url=self.candidate_root, headers=self.identity.candidate.headers())
        try:
            answer = self._session.request(**kwargs, timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            return f"no answer within {self.timeout:g}s"
        except requests.RequestException as exc:
            if not self._candidate_up():
                self.down = f"the candidate {self.candidate_root} stopped answering during the comparison"
            return f"no answer ({type(exc).__name__})"
        finally:
            # Each request carries its own credentials only: a cookie the server set stays out of the next.
            self._session.cookies.clear()
        return Response.from_requests(answer, verify=True)

    def _candidate_up(self) -> bool:
        try:
            httpx.get(f"{self.candidate_root}/api/", timeout=self.timeout)
        except httpx.HTTPError:
            return False
        return True

    def _answer(
        self,
        response: Response,
        *,
        parsed: tuple[Any, bool],
        root: str,
        template: str | None = None,
        case: Case[Any] | None = None,
        twin: Case[Any] | None = None,
    ) -> Answer:
        """An answer with the tolerances applied; the candidate's keys and paths written as the reference's."""
        body, is_json = parsed
        if template is not None and case is not None and twin is not None:
            body = self.ids.to_reference(template, body) if is_json else body
            ours, theirs = _request_path(case, self.reference_root), _request_path(twin, self.candidate_root)
            if ours != theirs:
                body = _replace(body, theirs, ours)
        headers = {
            name.lower(): self.tolerances.normalize_text(_header(response, name) or "", root)
            for name in self.tolerances.headers
            if _header(response, name) is not None
        }
        return Answer(
            status=response.status_code,
            media_type=media_type(_header(response, "content-type")),
            headers=headers,
            body=self.tolerances.normalize(body, root),
            is_json=is_json,
        )

    def _no_answer(self, reference: Response, reason: str) -> Difference:
        return Difference("no-answer", "", str(reference.status_code), reason)

    def _record(
        self,
        *,
        case: Case[Any],
        twin: Case[Any],
        origins: tuple[int, ...],
        differences: list[Difference],
        reference: Response,
        candidate: Response | None = None,
    ) -> None:
        before = [self.ids.origins[index] for index in origins]
        example = Example(
            reference_steps=(*(steps[0] for steps in before), self._curl(case, "reference")),
            candidate_steps=(*(steps[1] for steps in before), self._curl(twin, "candidate")),
            reference_answer=_excerpt(reference),
            candidate_answer=_excerpt(candidate) if candidate is not None else differences[0].candidate,
        )
        operation = case.operation
        operation_id = str(operation.definition.raw.get("operationId", operation.label))
        for difference in differences:
            method = case.method.upper()
            self.comparison.add(
                self.identity.name,
                operation_id=operation_id,
                label=operation.label,
                method=method,
                difference=difference,
                example=example,
            )

    def _curl(self, case: Case[Any], side: str) -> str:
        login = self.identity.reference if side == "reference" else self.identity.candidate
        root = self.reference_root if side == "reference" else self.candidate_root
        line = case.as_curl_command(headers=login.headers(), base_url=root)
        return line.replace(FILTERED, f'"Authorization: Token ${{{side.upper()}_TOKEN}}"')


def _succeeded(status: int) -> bool:
    return 200 <= status < 300


def _header(response: Response, name: str) -> str | None:
    for key, values in response.headers.items():
        if key.lower() == name.lower():
            return ", ".join(values)
    return None


def _request_path(case: Case[Any], root: str) -> str:
    return urlsplit(str(case.as_transport_kwargs(base_url=root)["url"])).path


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, old, new) for key, item in value.items()}
    return value


def _excerpt(response: Response) -> str:
    content_type = media_type(_header(response, "content-type"))
    body, is_json = parse_body(response.content, content_type)
    return Answer(response.status_code, content_type, {}, body, is_json).excerpt()
