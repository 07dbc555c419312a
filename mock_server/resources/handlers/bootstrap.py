"""What clients call first: server information (`GET /api/`), the current user, and API tokens."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response

from mock_server.pipeline.auth import new_token_key
from mock_server.pipeline.context import Call, anyone, authenticated, json_response
from mock_server.pipeline.errors import NotAuthenticated
from mock_server.resources.handlers import Registry
from mock_server.state.fixtures import TableSpec, plain_record

TOKEN_LIFETIME = dt.timedelta(days=365)
# Keys of GET /api/ that InvenTree shows only to staff (InfoView.get: `is_staff`), null for others.
PRIVATE_SERVER_KEYS = ("system_health", "database", "platform", "installer", "target", "django_admin")

USERS = TableSpec(
    "users",
    plain_record(
        {
            "pk": {"type": "integer"},
            "username": {"type": "string", "minLength": 1, "maxLength": 150},
            "password": {"type": "string"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "email": {"type": "string"},
            "is_staff": {"type": "boolean"},
            "is_superuser": {"type": "boolean"},
            "is_active": {"type": "boolean"},
            "groups": {"type": "array", "items": {"type": "integer"}},
        },
        required=["pk", "username", "password"],
    ),
    references={"groups": "groups"},
)
GROUPS = TableSpec("groups", plain_record({"pk": {"type": "integer"}, "name": {"type": "string"}}, ["pk", "name"]))
TOKENS = TableSpec(
    "tokens",
    plain_record(
        {
            "key": {"type": "string", "minLength": 1},
            "user": {"type": "integer"},
            "name": {"type": "string"},
            "expiry": {"type": ["string", "null"]},
            "revoked": {"type": "boolean"},
        },
        required=["key", "user"],
    ),
    key="key",
    auto_key=False,
    references={"user": "users"},
)
SESSIONS = TableSpec(
    "sessions",
    plain_record(
        {"key": {"type": "string"}, "user": {"type": "integer"}, "csrf_token": {"type": "string"}}, ["key", "user"]
    ),
    key="key",
    auto_key=False,
    references={"user": "users"},
)
OWNERS = TableSpec(
    "owners",
    plain_record(
        {
            "pk": {"type": "integer"},
            "owner_id": {"type": "integer"},
            "owner_type": {"enum": ["user", "group"]},
            "name": {"type": "string"},
        },
        required=["pk", "owner_id", "owner_type", "name"],
    ),
)
SERVER = TableSpec(
    "server", plain_record({"pk": {"type": "integer"}, "apiVersion": {"type": "integer"}}, ["apiVersion"])
)


async def api_root(call: Call) -> Response:
    info = dict(call.store["server"].get(1) or {})
    info.pop("pk", None)
    if not call.identity.is_staff:
        info.update({key: None for key in PRIVATE_SERVER_KEYS})
    return json_response(info)


async def user_me(call: Call) -> Response:
    user = call.identity.user
    if user is None:
        raise NotAuthenticated()
    groups = [call.store["groups"].get(pk) for pk in user.get("groups", [])]
    return json_response(
        {
            "pk": user["pk"],
            "username": user["username"],
            "first_name": user.get("first_name", ""),
            "last_name": user.get("last_name", ""),
            "email": user.get("email", ""),
            "groups": [{"pk": g["pk"], "name": g["name"]} for g in groups if g],
            "is_staff": bool(user.get("is_staff")),
            "is_superuser": bool(user.get("is_superuser")),
            "is_active": bool(user.get("is_active", True)),
        }
    )


async def user_token(call: Call) -> Response:
    """InvenTree's GetAuthToken: the same user and name get the same unexpired token again."""
    user = call.identity.user
    if user is None:
        raise NotAuthenticated()
    name = call.query.get("name", "").strip()[:100]
    today = dt.date.today().isoformat()
    with call.store.transaction():
        tokens = call.store["tokens"]
        token = next(
            (
                t
                for t in tokens.filter(user=user["pk"], name=name)
                if not t.get("revoked") and (not t.get("expiry") or str(t["expiry"]) >= today)
            ),
            None,
        )
        if token is None:
            expiry = (dt.date.today() + TOKEN_LIFETIME).isoformat()
            token = tokens.insert({"key": new_token_key(), "user": user["pk"], "name": name, "expiry": expiry})
    return json_response({"token": token["key"], "name": token["name"], "expiry": token.get("expiry")})


def register(registry: Registry) -> None:
    registry.table(USERS, GROUPS, TOKENS, SESSIONS, OWNERS, SERVER)
    registry.add("api_root", api_root, anyone)
    registry.add("user_me", user_me, authenticated)
    registry.add("user_token", user_token, authenticated)
