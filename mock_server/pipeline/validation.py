"""The request body: read once within the size limit, parsed once by its media type, cleaned once.

This step replaces Connexion's RequestValidationMiddleware, which builds a URI parser, a
parameter validator and the body validator anew on every request and matches the media type by
`fnmatch` each time: two fifths of a create's cost. Here each operation's body rule is compiled
once, when Connexion hands the router the specification (`BodyRule.of`), and keeps Connexion's
rules: the media type comes from Content-Type (an empty one means the operation's first), and
one the operation does not consume is a 415.

Parsing and cleaning follow DRF (pipeline/bodies.py, resources/serializers.py). DRF parses and
validates only when the view reads the data, after it has found the object, so an error is kept
in the request state and raised when the view reads `call.data` (a bad body sent to a missing
object is a 404). Query parameters are not validated: InvenTree ignores unknown parameters and
invalid values alike (a non-integer `limit` means "no pagination").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.pipeline.bodies import PARSED_MEDIA_TYPES, media_type_of, parse_body
from mock_server.pipeline.context import Call
from mock_server.pipeline.errors import APIError, PayloadTooLarge, UnsupportedMediaType
from mock_server.resources.serializers import Serializer

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclasses.dataclass(frozen=True)
class BodyRule:
    """How one operation takes its body: the media types it consumes and a serializer for each."""

    # The view reads the body: the operation has a requestBody, or is one of InvenTree's bulk deletes.
    parses: bool
    consumes: tuple[str, ...] = ()
    serializers: Mapping[str, Serializer] = dataclasses.field(default_factory=dict)
    partial: bool = False

    @classmethod
    def of(cls, method: str, consumes: list[str], schema_of: Any, *, bulk_delete: bool) -> BodyRule:
        """Compile the rule from the operation's media types; `schema_of(media_type)` gives each one's schema."""
        media_types = tuple(media.lower() for media in consumes)
        schemas = {media: schema_of(media) for media in media_types if media in PARSED_MEDIA_TYPES}
        serializers = {media: Serializer(schema) for media, schema in schemas.items() if schema}
        return cls(bool(media_types) or bulk_delete, media_types, serializers, partial=method == "PATCH")


class RequestBodyMiddleware:
    """Read, parse and clean the body of a routed operation, leaving each result in the request state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        call = Call.of(scope)
        assert call.operation is not None, "the router answers every request without an operation"
        rule = call.operation.body
        raw = await _read(receive, call)
        if raw is None:
            return  # the client went away
        call.raw_body = raw
        content_type = call.headers.get("content-type", "")
        media_type = media_type_of(call.headers) or (rule.consumes[0] if rule.consumes else "")
        if raw and not content_type.strip() and rule.parses:
            # DRF refuses a body it cannot name (Connexion would guess JSON); like every parse error,
            # only when the view reads `request.data`, so a missing object is a 404 first.
            call.body_error = UnsupportedMediaType("")
        elif rule.consumes and media_type not in rule.consumes:
            call.body_error = UnsupportedMediaType(content_type)
        else:
            serializer = rule.serializers.get(media_type)
            if rule.parses and (serializer is not None or not rule.consumes):
                await _parse_and_clean(call, raw, serializer, partial=rule.partial)
        await self.app(scope, _replay(raw, receive), send)


async def _read(receive: Receive, call: Call) -> bytes | None:
    limit = call.settings.max_body_bytes
    declared = call.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _parse_and_clean(call: Call, raw: bytes, serializer: Serializer | None, *, partial: bool) -> None:
    store = call.store

    def relation_exists(table: str, pk: int) -> bool:
        return pk in store[table]

    try:
        body = call.parsed = await parse_body(raw, call.headers, max_depth=call.settings.max_json_depth)
        if serializer is not None:
            call.cleaned = serializer.clean(
                body.data, partial=partial, is_form=body.is_form, relation_exists=relation_exists
            )
    except APIError as error:
        call.body_error = error


def _replay(raw: bytes, receive: Receive) -> Receive:
    """The body for any ASGI app downstream that reads it again (the views read the request state)."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
