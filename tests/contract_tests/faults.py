"""Deliberately faulty servers: the mock with one contract violation injected, or a small server of its own.

Each `Fault` wraps the mock's ASGI app in `Intercept`, which can answer a matching request itself,
change the request before the mock sees it, or change the mock's answer. A fault names the
operations to test (to keep the run short) and the checks expected to catch it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]
ADMIN_BASIC = "Basic " + base64.b64encode(b"admin:inventree").decode()


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


@dataclass
class Exchange:
    """A request as the fault sees it, and (after the mock answered) the answer."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: Headers = field(default_factory=list)
    content: bytes = b""

    def json(self) -> Any:
        """The request body, when it is JSON."""
        return _loads(self.body) if self.headers.get("content-type", "").startswith("application/json") else None

    def answer(self) -> Any:
        return _loads(self.content)

    def respond(self, status: int, value: Any = None, *, content_type: str = "application/json") -> None:
        self.status = status
        self.content = b"" if value is None else (value if isinstance(value, bytes) else json.dumps(value).encode())
        self.response_headers = [(b"content-type", content_type.encode())] if value is not None else []


class Intercept:
    """ASGI middleware for requests matching `method` and `path` (a regex).

    `before` sees (and may change) the request, or answer it itself; `after` may change the mock's answer.
    """

    def __init__(
        self,
        app: App,
        *,
        method: str,
        path: str,
        before: Callable[[Exchange], None] | None = None,
        after: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.app, self.method, self.path = app, method, re.compile(path)
        self.before, self.after = before, after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != self.method or not self.path.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=body,
        )
        if self.before is not None:
            self.before(exchange)  # may answer by itself (exchange.respond), then the mock is not asked
        if not exchange.status:
            await self._forward(dict(scope, method=exchange.method, path=exchange.path), exchange)
            if self.after is not None:
                self.after(exchange)
        headers = [(k, v) for k, v in exchange.response_headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(exchange.content)).encode()))
        await send({"type": "http.response.start", "status": exchange.status, "headers": headers})
        await send({"type": "http.response.body", "body": exchange.content})

    async def _forward(self, scope: Scope, exchange: Exchange) -> None:
        headers = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in exchange.headers.items() if k != "content-length"
        ]
        headers.append((b"content-length", str(len(exchange.body)).encode()))
        inner = dict(scope, headers=headers, query_string=urlencode(exchange.query).encode())
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": exchange.body, "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.content += message.get("body", b"")

        await self.app(inner, receive, send)


@dataclass(frozen=True)
class Fault:
    """One contract violation: how to inject it, where to look, and which checks should report it."""

    name: str
    description: str
    operations: tuple[str, ...]
    caught_by: frozenset[str]
    wrap: Callable[[App], App]


def _json_answer(change: Callable[[Any], Any]) -> Callable[[Exchange], None]:
    def after(exchange: Exchange) -> None:
        if exchange.content and exchange.status < 300:
            exchange.content = json.dumps(change(exchange.answer())).encode()

    return after


def _drop_key(key: str) -> Callable[[Any], Any]:
    def change(value: Any) -> Any:
        items = value if isinstance(value, list) else value.get("results", [value]) if isinstance(value, dict) else []
        for item in items:
            if isinstance(item, dict):
                item.pop(key, None)
        return value

    return change


def _pk_as_text(value: Any) -> Any:
    if isinstance(value, dict) and "pk" in value:
        value["pk"] = str(value["pk"])
    return value


def _count_plus_one(value: Any) -> Any:
    if isinstance(value, dict) and "count" in value:
        value["count"] += 1
    return value


def _next_offset_off_by_one(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("next"), str):
        value["next"] = re.sub(r"offset=(\d+)", lambda m: f"offset={int(m.group(1)) + 1}", value["next"])
    return value


def _status(status: int) -> Callable[[Exchange], None]:
    def after(exchange: Exchange) -> None:
        if exchange.status == 201:
            exchange.status = status

    return after


def _server_error_on_long_description(exchange: Exchange) -> None:
    body = exchange.json()
    if isinstance(body, dict) and isinstance(body.get("description"), str) and len(body["description"]) > 20:
        exchange.respond(500, b"<h1>Server Error (500)</h1>", content_type="text/html")


def _inject_admin(exchange: Exchange) -> None:
    exchange.headers.setdefault("authorization", ADMIN_BASIC)


class ForgetCreated:
    """Creates answer 201 as usual, but the server then behaves as if the object had never been stored."""

    def __init__(self, app: App, collection: str) -> None:
        self.app, self.collection = app, collection
        self.forgotten: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            match = re.fullmatch(re.escape(self.collection) + r"([^/]+)/.*", scope["path"])
            if match and match.group(1) in self.forgotten:
                await Intercept(self.app, method=scope["method"], path=".*", before=_not_found)(scope, receive, send)
                return
            if scope["method"] == "POST" and scope["path"] == self.collection:
                await Intercept(self.app, method="POST", path=".*", after=self._forget)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _forget(self, exchange: Exchange) -> None:
        answer = exchange.answer()
        if exchange.status == 201 and isinstance(answer, dict) and "pk" in answer:
            self.forgotten.add(str(answer["pk"]))


def _not_found(exchange: Exchange) -> None:
    exchange.respond(404, {"detail": "Not found."})


def _delete_without_deleting(exchange: Exchange) -> None:
    exchange.respond(204)


def _forget_update(exchange: Exchange) -> None:
    """Send the mock a GET instead of the PATCH, and answer as if the PATCH had been stored."""
    sent = exchange.json() if exchange.body else {}
    exchange.method = "GET"
    exchange.body = b""
    exchange.headers.pop("content-type", None)
    exchange.query["_sent"] = json.dumps(sent)


def _answer_forgotten_update(exchange: Exchange) -> None:
    sent = json.loads(exchange.query.pop("_sent", "{}"))
    answer = exchange.answer()
    if exchange.status == 200 and isinstance(answer, dict) and isinstance(sent, dict):
        answer.update({k: str(v).strip() for k, v in sent.items() if k in ("name", "symbol", "definition")})
        exchange.content = json.dumps(answer).encode()


def _drop_query(name: str) -> Callable[[Exchange], None]:
    def before(exchange: Exchange) -> None:
        exchange.query.pop(name, None)

    return before


def _truncate_code(exchange: Exchange) -> None:
    body = exchange.json()
    if isinstance(body, dict) and isinstance(body.get("code"), str) and len(body["code"]) > 50:
        body["code"] = body["code"][:50]
        exchange.body = json.dumps(body).encode()


def _refuse_description(exchange: Exchange) -> None:
    body = exchange.json()
    if isinstance(body, dict) and "description" in body:
        exchange.respond(400, {"description": ["Descriptions cannot be changed."]})


def _not_drf_404(exchange: Exchange) -> None:
    if exchange.status == 404:
        exchange.content = json.dumps({"error": "not found"}).encode()


def _html_content_type(exchange: Exchange) -> None:
    exchange.response_headers = [(k, v) for k, v in exchange.response_headers if k.lower() != b"content-type"]
    exchange.response_headers.append((b"content-type", b"text/html; charset=utf-8"))


def _ignore_method_put(exchange: Exchange) -> None:
    exchange.respond(200, [])


def _case_sensitive_search(exchange: Exchange) -> None:
    """Keep only results holding the search term as typed, as a `contains` lookup instead of `icontains` would."""
    term = exchange.query.get("search", "")
    answer = exchange.answer()
    if not term or not isinstance(answer, list):
        return
    exchange.content = json.dumps([item for item in answer if term in json.dumps(item)]).encode()


def _offset_ignored(exchange: Exchange) -> None:
    exchange.query.pop("offset", None)


def _no_www_authenticate(exchange: Exchange) -> None:
    if exchange.status == 401:
        exchange.response_headers = [(k, v) for k, v in exchange.response_headers if k.lower() != b"www-authenticate"]


def _field_errors_not_drf(exchange: Exchange) -> None:
    if exchange.status == 400:
        # A status code as a number is no DRF body (a field's errors are a list, an object or one message).
        exchange.content = json.dumps({"status": 400, "fields": exchange.answer()}).encode()


def _date_not_iso(value: Any) -> Any:
    items = value if isinstance(value, list) else value.get("results", [value]) if isinstance(value, dict) else []
    for item in items:
        if isinstance(item, dict) and "creation" in item:
            item["creation"] = "22/11/2026 10:00"
    return value


def _null_name(value: Any) -> Any:
    if isinstance(value, dict) and "name" in value:
        value["name"] = None
    return value


def _deleted_answers_200(exchange: Exchange) -> None:
    if exchange.status == 204:
        exchange.status = 200
        exchange.content = json.dumps({"deleted": True}).encode()
        exchange.response_headers = [(b"content-type", b"application/json")]


class UniquenessIgnored:
    """Project code creates never clash: a code used before is stored with a suffix, as if `code` were not unique."""

    def __init__(self) -> None:
        self.seen = 0

    def __call__(self, exchange: Exchange) -> None:
        body = exchange.json()
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            self.seen += 1
            body["code"] = f"{body['code'].strip()[:40]}~{self.seen}"
            exchange.body = json.dumps(body).encode()


def _any_token_is_good(exchange: Exchange) -> None:
    """Any `Token ...` header passes, as if it were the admin's (an unknown token must answer 401)."""
    if exchange.headers.get("authorization", "").startswith("Token "):
        exchange.headers["authorization"] = ADMIN_BASIC


def _next_object(exchange: Exchange) -> None:
    """Read the object after the one asked for (pk + 1), as an off-by-one lookup would."""
    exchange.path = re.sub(r"/(\d+)/$", lambda match: f"/{int(match.group(1)) + 1}/", exchange.path)


def _wrap(**kwargs: Any) -> Callable[[App], App]:
    return lambda app: Intercept(app, **kwargs)


UNIT = r"/api/units/\d+/"
PROJECT_CODE = r"/api/project-code/\d+/"

FAULTS: tuple[Fault, ...] = (
    Fault(
        "missing-required-field",
        "a custom unit is answered without its required `definition`",
        ("units_retrieve", "units_list"),
        frozenset({"response_schema_conformance"}),
        _wrap(method="GET", path=r"/api/units/(\d+/)?", after=_json_answer(_drop_key("definition"))),
    ),
    Fault(
        "wrong-type",
        "a project code's `pk` is answered as a string",
        ("project_code_retrieve",),
        frozenset({"response_schema_conformance"}),
        _wrap(method="GET", path=PROJECT_CODE, after=_json_answer(_pk_as_text)),
    ),
    Fault(
        "undocumented-status",
        "a created project code is answered 200 instead of the documented 201",
        ("project_code_create",),
        frozenset({"status_code_conformance"}),
        _wrap(method="POST", path=r"/api/project-code/", after=_status(200)),
    ),
    Fault(
        "server-error",
        "creating a project code with a description over 20 characters crashes (500)",
        ("project_code_create",),
        frozenset({"not_a_server_error"}),
        _wrap(method="POST", path=r"/api/project-code/", before=_server_error_on_long_description),
    ),
    Fault(
        "auth-not-enforced",
        "the unit list answers requests without credentials",
        ("units_list",),
        frozenset({"ignored_auth"}),
        _wrap(method="GET", path=r"/api/units/", before=_inject_admin),
    ),
    Fault(
        "create-not-persisted",
        "a project code create answers 201 but stores nothing",
        ("project_code_create", "project_code_retrieve"),
        frozenset({"created_object_retrievable", "ensure_resource_availability"}),
        lambda app: ForgetCreated(app, "/api/project-code/"),
    ),
    Fault(
        "wrong-pagination-count",
        "the paginated unit list counts one item too many",
        ("units_list",),
        frozenset({"pagination_envelope_consistent"}),
        _wrap(method="GET", path=r"/api/units/", after=_json_answer(_count_plus_one)),
    ),
    Fault(
        "wrong-next-link",
        "the paginated project code list points `next` one item too far",
        ("project_code_list",),
        frozenset({"pagination_envelope_consistent"}),
        _wrap(method="GET", path=r"/api/project-code/", after=_json_answer(_next_offset_off_by_one)),
    ),
    Fault(
        "limit-ignored",
        "the project code list ignores `limit` and always answers a plain array",
        ("project_code_list",),
        frozenset({"list_shape_matches_limit", "pagination_envelope_consistent"}),
        _wrap(method="GET", path=r"/api/project-code/", before=_drop_query("limit")),
    ),
    Fault(
        "delete-not-effective",
        "deleting a project code answers 204 but the code stays",
        ("project_code_create", "project_code_destroy"),
        frozenset({"deleted_object_gone", "use_after_free"}),
        _wrap(method="DELETE", path=PROJECT_CODE, before=_delete_without_deleting),
    ),
    Fault(
        "update-not-persisted",
        "a unit update answers the new values but does not store them",
        ("units_create", "units_partial_update"),
        frozenset({"write_persisted", "answer_reflects_request"}),
        _wrap(method="PATCH", path=UNIT, before=_forget_update, after=_answer_forgotten_update),
    ),
    Fault(
        "accepts-invalid-data",
        "a project code longer than 50 characters is accepted (silently cut)",
        ("project_code_create",),
        frozenset({"negative_data_rejection"}),
        _wrap(method="POST", path=r"/api/project-code/", before=_truncate_code),
    ),
    Fault(
        "rejects-valid-data",
        "a project code update with a description is refused with a 400 no rule explains",
        ("project_code_partial_update",),
        frozenset({"positive_data_acceptance"}),
        _wrap(method="PATCH", path=PROJECT_CODE, before=_refuse_description),
    ),
    Fault(
        "error-body-not-drf",
        "a missing unit answers 404 with a body that is not DRF-shaped",
        ("units_retrieve",),
        frozenset({"drf_error_shape", "response_schema_conformance"}),
        _wrap(method="GET", path=UNIT, after=_not_drf_404),
    ),
    Fault(
        "wrong-content-type",
        "the machine type list is served as text/html",
        ("machine_types_list",),
        frozenset({"content_type_conformance"}),
        _wrap(method="GET", path=r"/api/machine/types/", after=_html_content_type),
    ),
    Fault(
        "filter-ignored",
        "the machine list ignores the `active` filter",
        ("machine_list",),
        frozenset({"list_filters_applied"}),
        _wrap(method="GET", path=r"/api/machine/", before=_drop_query("active")),
    ),
    Fault(
        "search-ignored",
        "the project code list ignores `search`",
        ("project_code_list",),
        frozenset({"search_results_match"}),
        _wrap(method="GET", path=r"/api/project-code/", before=_drop_query("search")),
    ),
    Fault(
        "ordering-ignored",
        "the machine list ignores `ordering`",
        ("machine_list",),
        frozenset({"ordering_applied"}),
        _wrap(method="GET", path=r"/api/machine/", before=_drop_query("ordering")),
    ),
    Fault(
        "search-case-sensitive",
        "the project code list searches case-sensitively",
        ("project_code_list",),
        frozenset({"search_results_match"}),
        _wrap(method="GET", path=r"/api/project-code/", after=_case_sensitive_search),
    ),
    Fault(
        "offset-ignored",
        "the unit list answers the first page whatever the offset",
        ("units_list",),
        frozenset({"pagination_envelope_consistent"}),
        _wrap(method="GET", path=r"/api/units/", before=_offset_ignored),
    ),
    Fault(
        "no-www-authenticate",
        "a 401 carries no WWW-Authenticate header",
        ("project_code_list",),
        frozenset({"unauthenticated_request_refused"}),
        _wrap(method="GET", path=r"/api/project-code/", after=_no_www_authenticate),
    ),
    Fault(
        "field-errors-not-drf",
        "a refused project code answers its field errors wrapped in an object of its own",
        ("project_code_create",),
        frozenset({"drf_error_shape", "response_schema_conformance"}),
        _wrap(method="POST", path=r"/api/project-code/", after=_field_errors_not_drf),
    ),
    Fault(
        "date-time-not-iso",
        "notification dates are answered as day/month/year text",
        ("notifications_list",),
        frozenset({"response_schema_conformance"}),
        _wrap(method="GET", path=r"/api/notifications/", after=_json_answer(_date_not_iso)),
    ),
    Fault(
        "null-not-nullable",
        "a machine is answered with a null name",
        ("machine_retrieve",),
        frozenset({"response_schema_conformance"}),
        _wrap(method="GET", path=r"/api/machine/[0-9a-f-]+/", after=_json_answer(_null_name)),
    ),
    Fault(
        "delete-answers-200",
        "deleting a custom unit answers 200 with a body instead of 204",
        ("units_create", "units_destroy"),
        frozenset({"status_code_conformance"}),
        _wrap(method="DELETE", path=UNIT, after=_deleted_answers_200),
    ),
    Fault(
        "duplicate-accepted",
        "a second project code with the same code is created instead of refused",
        ("project_code_create",),
        frozenset({"duplicate_create_refused"}),
        lambda app: Intercept(app, method="POST", path=r"/api/project-code/", before=UniquenessIgnored()),
    ),
    Fault(
        "unknown-token-accepted",
        "the unit list accepts any token, issued or not",
        ("units_list",),
        frozenset({"unauthenticated_request_refused", "ignored_auth"}),
        _wrap(method="GET", path=r"/api/units/", before=_any_token_is_good),
    ),
    Fault(
        "wrong-object",
        "reading a project code answers the next one",
        ("project_code_retrieve",),
        frozenset({"object_matches_its_path"}),
        _wrap(method="GET", path=PROJECT_CODE, before=_next_object),
    ),
    Fault(
        "undocumented-method-accepted",
        "PUT on the unit list answers 200 instead of 405",
        ("units_list", "units_create"),
        frozenset({"unsupported_method"}),
        _wrap(method="PUT", path=r"/api/units/", before=_ignore_method_put),
    ),
)


def _everyone_is_admin(exchange: Exchange) -> None:
    """Any authenticated caller acts as the admin: the view's permission check is gone."""
    if "authorization" in exchange.headers:
        exchange.headers["authorization"] = ADMIN_BASIC


# Faults only a run with a second, ordinary user can see (--second-username reader): the mock's reader
# is not staff, so each needs the permission check of a view taken away.
AUTHORIZATION_FAULTS: tuple[Fault, ...] = (
    Fault(
        "staff-check-missing",
        "any authenticated user may create project codes, not only staff",
        ("project_code_create",),
        frozenset({"staff_only_operation_refused"}),
        _wrap(method="POST", path=r"/api/project-code/", before=_everyone_is_admin),
    ),
    Fault(
        "staff-check-missing-on-delete",
        "any authenticated user may delete custom units",
        ("units_create", "units_destroy"),
        frozenset({"staff_only_operation_refused"}),
        _wrap(method="DELETE", path=UNIT, before=_everyone_is_admin),
    ),
    Fault(
        "notifications-of-others-listed",
        "the notification list shows every user the admin's notifications",
        ("notifications_list",),
        frozenset({"other_users_notifications_hidden"}),
        _wrap(method="GET", path=r"/api/notifications/", before=_everyone_is_admin),
    ),
    Fault(
        "notification-of-another-readable",
        "any user may read any notification by its id",
        ("notifications_list",),
        frozenset({"other_users_notifications_hidden"}),
        _wrap(method="GET", path=r"/api/notifications/\d+/", before=_everyone_is_admin),
    ),
)
