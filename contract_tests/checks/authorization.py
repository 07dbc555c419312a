"""Authorization, with a second, ordinary user: staff-only operations refused, other users' objects hidden.

Authentication (credentials at all) is checked by `unauthenticated_request_refused` and Schemathesis'
`ignored_auth`. These checks go further when the run has a second user (`--second-username` or
`--second-token`, not staff): they send requests of the run again as that user.

- `staff_only_operation_refused`: an operation InvenTree keeps from an ordinary user (see
  contract_tests.checks.permissions, from each view's `permission_classes`) answers that user 403 with
  DRF's `{"detail": ...}`. DRF checks permissions before it reads the body or looks the object up
  (`APIView.initial` -> `check_permissions`), so whatever the run's user got, the ordinary user gets 403.
- `other_users_notifications_hidden`: notifications are per user (common/api.py:384-419: the list
  filters by `request.user`; the detail's `UserSettingsPermissions` allows only the owner). Neither
  user's list holds the other's notifications, and reading or writing one of the other's answers 403
  or 404.

Safe on a staging server: a delete goes to an id that names nothing, a write repeats a write of the
run (or writes a notification's own `read` value back), and an object a faulty server creates for
the ordinary user is deleted again before the failure is reported.

Schemathesis builds check instances itself, so a check finds the run's second user through a mark in
the run's document (as contract_tests.staging.guard finds its guard).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.core.transport import Response

from contract_tests.checks.exchange import delete_created, follow_up, json_body, operation_at, short
from contract_tests.checks.permissions import Identity, requirement
from contract_tests.staging.guard import missing_id

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext

MARK = "x-contract-second-user"  # set on the run's document; names its second user in USERS
CATCH_ALL = "API endpoint not found"  # InvenTree's NotFoundView (InvenTree/api.py:297-340): no route
REFUSED = '403 {"detail": "You do not have permission to perform this action."}'


@dataclass(frozen=True)
class SecondUser:
    """The run's ordinary user: how to authenticate as it, and what the server says it may do."""

    authorization: str  # the Authorization header value
    identity: Identity = field(default_factory=Identity)

    @property
    def name(self) -> str:
        return self.identity.username or "the second user"


USERS: dict[str, SecondUser] = {}
_LOCK = threading.Lock()


def attach(document: dict[str, Any], user: SecondUser) -> None:
    """Mark the run's document so that the checks find its second user."""
    with _LOCK:
        name = f"run-{len(USERS) + 1}-{id(document)}"
        USERS[name] = user
    document[MARK] = name


def detach(document: Mapping[str, Any]) -> None:
    with _LOCK:
        USERS.pop(str(document.get(MARK)), None)


def second_user(case: Case[Any]) -> SecondUser | None:
    name = case.operation.schema.raw_schema.get(MARK)
    with _LOCK:
        return USERS.get(str(name)) if name is not None else None


def _operation_id(case: Case[Any]) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _routed(response: Response) -> bool:
    """False for InvenTree's catch-all 404: the request reached no view, so no permission was asked."""
    body = json_body(response)
    return not (response.status_code == 404 and isinstance(body, Mapping) and body.get("detail") == CATCH_ALL)


@schemathesis.check
class staff_only_operation_refused:
    """An operation InvenTree keeps from ordinary users answers the run's second user 403, DRF-shaped."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        method = operation.method.upper()
        user = second_user(case)
        needed = requirement(_operation_id(case), method)
        if (
            user is None
            or needed is None
            or response.request.method != method
            or response.status_code in (401, 403)  # the run's own user may not: nothing to compare
            or not _routed(response)
            or operation.label in self.asked
            or user.identity.holds(needed[0], method)
        ):
            return True
        self.asked.add(operation.label)
        parameters = dict(case.path_parameters or {})
        if method == "DELETE" and parameters:
            # Sent to an id that names nothing: a server that lets the user through deletes nothing.
            last = list(parameters)[-1]
            parameters[last] = missing_id(parameters[last])
        answer = follow_up(
            ctx, case, operation, path_parameters=parameters, repeat=case, credentials=user.authorization
        )
        body = json_body(answer)
        if method == "POST" and 200 <= answer.status_code < 300:
            delete_created(ctx, case, body)
        request = f"{method} {answer.request.url} as {user.name} (not {needed[0]})"
        assert answer.status_code == 403, (
            f"Received: {answer.status_code} {short(body)} for {request}\n"
            f"Documented: {REFUSED}; InvenTree asks for {needed[0]}: {needed[1]}"
        )
        assert isinstance(body, Mapping) and isinstance(body.get("detail"), str), (
            f"Received: 403 {short(body)} for {request}\nDocumented: {REFUSED} (a DRF detail)"
        )
        return None


@schemathesis.check
class other_users_notifications_hidden:
    """Neither of two users sees or changes the other's notifications (list, read, write)."""

    def __init__(self) -> None:
        self.asked = False

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation = case.operation
        user = second_user(case)
        if (
            user is None
            or self.asked
            or _operation_id(case) != "notifications_list"
            or response.request.method != "GET"
            or response.status_code != 200
        ):
            return True
        self.asked = True
        own = _pks(follow_up(ctx, case, operation, query={}))
        others = _pks(follow_up(ctx, case, operation, query={}, credentials=user.authorization))
        shared = sorted(set(own) & set(others), key=str)
        assert not shared, (
            f"Received: notifications {short(shared)} in the lists of both the run's user and {user.name} "
            f"(GET {response.request.url})\n"
            "Documented: each user lists only their own notifications (common/api.py:398-406 filters by request.user)"
        )
        detail = operation_at(operation, operation.path + "{id}/", "GET")
        update = operation_at(operation, operation.path + "{id}/", "PATCH")
        if detail is None or update is None:
            return None
        # One of the second user's notifications as the run's user, and one of the run's user's as the second.
        probes: list[tuple[Any, Any, bool | str, str, str]] = [
            (pk, read, True, "the run's user", f"{user.name}'s") for pk, read in list(others.items())[:1]
        ]
        probes += [(pk, read, user.authorization, user.name, "the run's user's") for pk, read in list(own.items())[:1]]
        for pk, read, credentials, reader, whose in probes:
            for target in (detail, update):
                answer = _touch(ctx, case, target, pk, read, credentials=credentials)
                assert answer.status_code in (403, 404), (
                    f"Received: {answer.status_code} {short(json_body(answer))} for {target.method.upper()} "
                    f"{answer.request.url} as {reader}, on {whose} notification\n"
                    "Documented: 403 or 404; only its owner may read or change a notification "
                    "(common/api.py:291-301 UserSettingsPermissions, :414-419 NotificationDetail)"
                )
        return None


def _touch(ctx: CheckContext, case: Case[Any], target: Any, pk: Any, read: Any, *, credentials: bool | str) -> Response:
    """Read a notification, or write its own `read` value back (a change of nothing, should it pass)."""
    if target.method.upper() == "GET":
        return follow_up(ctx, case, target, path_parameters={"id": pk}, credentials=credentials)
    write = target.Case(path_parameters={"id": pk}, body={"read": read}, media_type="application/json")
    return follow_up(ctx, case, target, path_parameters={"id": pk}, repeat=write, credentials=credentials)


def _pks(answer: Response) -> dict[Any, Any]:
    """The `pk` and `read` of each notification a list answered."""
    body = json_body(answer)
    items = body.get("results") if isinstance(body, Mapping) else body
    return {
        item["pk"]: item.get("read")
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, Mapping) and "pk" in item
    }
