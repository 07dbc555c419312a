"""InvenTree checks of the server's state after a write: created, changed and deleted objects, restarts.

Each asks the server again after a successful write (read the created object, read the changed one,
read the deleted one) and compares, ignoring the fields InvenTree computes at request time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.core.transport import Response

from contract_tests.checks import serializer
from contract_tests.checks.exchange import (
    compare_objects,
    delete_created,
    detail_path,
    follow_up,
    json_body,
    operation_at,
    own_requests,
    request_schema,
    request_url,
    short,
)

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext

# InvenTree converts a setting's value by the setting's own type (a boolean becomes "True").
CONVERTED_FIELDS = {"machine_settings_update": {"value"}, "machine_settings_partial_update": {"value"}}


@schemathesis.check
@own_requests
def created_object_retrievable(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """An object a create answers 201 for can be retrieved, and equals what the create answered."""
    body = json_body(response)
    detail = detail_path(case.operation)
    if case.operation.method.upper() != "POST" or response.status_code != 201 or detail is None:
        return True
    if not isinstance(body, Mapping) or "pk" not in body:
        return True
    path, parameter = detail
    retrieve = operation_at(case.operation, path, "GET")
    if retrieve is None:
        return True
    answer = follow_up(ctx, case, retrieve, path_parameters={parameter: body["pk"]})
    assert answer.status_code == 200, (
        f"Received: {answer.status_code} for GET {request_url(answer)} right after the create answered 201 "
        f"with pk {body['pk']!r}\nDocumented: 200 and the created object"
    )
    differences = compare_objects(body, json_body(answer))
    assert not differences, (
        f"GET {request_url(answer)} right after the create differs from what the create answered: "
        + "; ".join(differences)
    )
    return None


@schemathesis.check
@own_requests
def deleted_object_gone(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a successful delete of one object, reading it answers 404."""
    if case.operation.method.upper() != "DELETE" or not 200 <= response.status_code < 300:
        return True
    if not case.path_parameters:
        return True  # a bulk delete names no single object
    retrieve = operation_at(case.operation, case.operation.path, "GET")
    if retrieve is None:
        return True
    answer = follow_up(ctx, case, retrieve, path_parameters=dict(case.path_parameters))
    assert answer.status_code == 404, (
        f"Received: {answer.status_code} for GET {request_url(answer)} after DELETE answered {response.status_code}\n"
        "Documented: 404, the object is gone"
    )
    return None


@schemathesis.check
@own_requests
def write_persisted(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a successful update of one object, reading it gives what the update answered."""
    body = json_body(response)
    if case.operation.method.upper() not in ("PUT", "PATCH") or response.status_code != 200:
        return True
    if not case.path_parameters or not isinstance(body, Mapping):
        return True
    retrieve = operation_at(case.operation, case.operation.path, "GET")
    if retrieve is None:
        return True
    answer = follow_up(ctx, case, retrieve, path_parameters=dict(case.path_parameters))
    differences = compare_objects(body, json_body(answer)) if answer.status_code == 200 else ["not found"]
    if differences:
        # Another client may have written in between: repeat the (idempotent) update and read again.
        again = follow_up(ctx, case, case.operation, path_parameters=dict(case.path_parameters), repeat=case)
        body = json_body(again)
        answer = follow_up(ctx, case, retrieve, path_parameters=dict(case.path_parameters))
        differences = compare_objects(body, json_body(answer)) if answer.status_code == 200 else differences
    assert not differences, (
        f"Received: GET {request_url(answer)} answered {answer.status_code} after {case.operation.method.upper()} "
        f"answered 200, differing: {'; '.join(differences)}\nDocumented: the object as the update answered it"
    )
    return None


@schemathesis.check
@own_requests
def answer_reflects_request(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A successful create or update answers the values it was sent, as DRF stores them (trimmed, coerced)."""
    method = case.operation.method.upper()
    # A POST answering 200 is an action (locate, search, an action plugin), not a create: its answer
    # repeats raw request values, if any, rather than a stored object.
    if not (method == "POST" and response.status_code == 201) and not (
        method in ("PUT", "PATCH") and 200 <= response.status_code < 300
    ):
        return True
    sent, answer = case.body, json_body(response)
    form = case.media_type in serializer.FORM_MEDIA_TYPES
    if not isinstance(sent, Mapping) or not isinstance(answer, Mapping):
        return True
    schema = request_schema(case)
    if schema is None:
        return True
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    skipped = CONVERTED_FIELDS.get(operation_id, set())
    fields = serializer.properties(schema, case.operation.schema.raw_schema)
    as_text = {name: serializer.form_value(value) if form else value for name, value in sent.items()}
    try:
        # What the serializer got where the view cleans text first (InvenTree's CleanMixin, drf.text).
        cleaned = serializer.cleaned(as_text, operation_id)
    except serializer.Rejected:
        return True  # InvenTree refuses such a body; a 2xx for it is judged by other checks
    differences = []
    for name, value in sent.items():
        field = fields.get(name)
        if field is None or not serializer.is_writable(field) or name in skipped or name not in answer:
            continue
        if form and not _spelled_alike(value, field):
            continue  # a form carries text; only a value of the field's own type reads back unambiguously
        try:
            # The value as DRF stores it, or as it stores it after InvenTree's cleaning: either is the value
            # sent (a server that does not clean, like InvenTree before CleanMixin, stores the first).
            expected = [serializer.normalized(as_text[name], field), serializer.normalized(cleaned[name], field)]
        except serializer.Rejected:
            continue
        if answer[name] not in expected:
            alternatives = " or ".join(dict.fromkeys(_shown(item) for item in expected))
            differences.append(
                f"{name}: sent {_shown(value)}, answered {_shown(answer[name])}, expected {alternatives}"
            )
    assert not differences, (
        f"Received: an answer that does not hold the values sent ({'; '.join(differences)})\n"
        "Documented: the object as written (InvenTree removes non-printable characters and surrounding space "
        "where its view cleans input; DRF trims text and stores numbers sent as text)"
    )
    return None


def _shown(value: Any, limit: int = 80) -> str:
    """A value as Python writes it (repr), so that invisible characters show escaped; cut to `limit`."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _spelled_alike(value: Any, field: Mapping[str, Any]) -> bool:
    """Whether a value of this type reads back as itself from a form, whatever text the encoder chose."""
    kind = field.get("type")
    if isinstance(value, bool):
        return kind == "boolean"
    return (kind == "string" and isinstance(value, str)) or (kind == "integer" and isinstance(value, int))


@schemathesis.check
@own_requests
def restart_clears_restart_required(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a machine restart answers 200, the machine no longer requires a restart."""
    path = case.operation.path
    if case.operation.method.upper() != "POST" or not path.endswith("/restart/") or response.status_code != 200:
        return True
    retrieve = operation_at(case.operation, path[: -len("restart/")], "GET")
    if retrieve is None:
        return True
    answer = follow_up(ctx, case, retrieve, path_parameters=dict(case.path_parameters or {}))
    body = json_body(answer)
    required = body.get("restart_required") if isinstance(body, Mapping) else body
    assert answer.status_code == 200 and required is False, (
        f"Received: {answer.status_code}, restart_required={short(required)} for GET {request_url(answer)} after the "
        "restart answered 200\nDocumented: restart_required is false after a restart"
    )
    return None


@schemathesis.check
@own_requests
def readall_marks_all_read(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After `GET /api/notifications/readall/` answers 200, none of the user's notifications is unread."""
    path = case.operation.path
    if case.operation.method.upper() != "GET" or not path.endswith("/readall/") or response.status_code != 200:
        return True
    listing = operation_at(case.operation, path[: -len("readall/")], "GET")
    if listing is None:
        return True
    answer = follow_up(ctx, case, listing, query={"read": "false"})
    body = json_body(answer)
    items = body.get("results") if isinstance(body, Mapping) else body
    unread = [item for item in items or [] if isinstance(item, Mapping) and item.get("read") is False]
    assert answer.status_code == 200 and not unread, (
        f"Received: {answer.status_code}, {len(unread)} unread notifications in GET {request_url(answer)} "
        "after readall answered 200\nDocumented: readall marks every notification of the user read"
    )
    return None


# operationId of a create -> the field its model keeps unique (InvenTree's ProjectCode.code,
# CustomUnit.name, MachineConfig.name), which a second identical create must be refused for.
UNIQUE_FIELDS = {"project_code_create": "code", "units_create": "name", "machine_create": "name"}


@schemathesis.check
class duplicate_create_refused:
    """The same create sent twice is refused the second time: 400 naming the unique field.

    Asked once per create operation and run. If a faulty server creates the duplicate, the check
    deletes it again before it reports, so that a staging server keeps nothing of the probe.
    """

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        operation_id = str(operation.definition.raw.get("operationId"))
        field = UNIQUE_FIELDS.get(operation_id)
        body = json_body(response)
        if (
            field is None
            or operation_id in self.asked
            or response.request.method != "POST"
            or response.status_code != 201
            or not isinstance(body, Mapping)
            or not body.get(field)
        ):
            return True
        self.asked.add(operation_id)
        again = follow_up(ctx, case, operation, repeat=case)
        errors = json_body(again)
        if 200 <= again.status_code < 300:
            delete_created(ctx, case, errors)
        assert again.status_code == 400 and isinstance(errors, Mapping) and field in errors, (
            f"Received: {again.status_code} {short(errors)} for the same {operation.method.upper()} "
            f"{request_url(again)} sent twice ({field}={short(body[field])})\n"
            f'Documented: 400 {{"{field}": ["... with this {field} already exists."]}}, the {field} is unique'
        )
        return None
