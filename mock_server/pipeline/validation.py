"""Connexion validators that answer the way InvenTree does.

Connexion picks the validator by media type and hands it the operation's body schema; these
classes parse (pipeline/bodies.py) and clean (resources/serializers.py) with DRF's semantics, then leave the cleaned
data in the scope for the view. Query parameters are not validated: InvenTree ignores unknown
parameters and invalid values alike (a non-integer `limit` means "no pagination"), so rejecting
them would make the mock stricter than the server it stands in for.
"""

from __future__ import annotations

from typing import Any

from connexion.middleware.request_validation import RequestValidationAPI, RequestValidationMiddleware
from connexion.operations import AbstractOperation
from connexion.validators import AbstractRequestBodyValidator, ParameterValidator
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope

from mock_server.pipeline.bodies import FORM, JSON, MULTIPART, parse_body
from mock_server.pipeline.context import APP, BODY, DATA, DATA_ERROR, RAW_BODY, AppState
from mock_server.pipeline.errors import APIError
from mock_server.resources.serializers import clean


class LenientParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Accept every query, header and cookie parameter, as DRF views and django-filter do."""

    def validate(self, scope: Scope) -> None:
        return None


class DRFBodyValidator(AbstractRequestBodyValidator):  # type: ignore[misc]
    """Parse and clean a request body as a DRF serializer would; 400s carry DRF's per-field body."""

    def __init__(self, *, schema: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(
            schema=schema,
            required=kwargs.get("required", False),
            nullable=kwargs.get("nullable", False),
            encoding=kwargs.get("encoding", "utf-8"),
            strict_validation=kwargs.get("strict_validation", False),
        )

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        state: AppState = scope[APP]
        # BodyLimitMiddleware has read the whole body already and replays it to whoever reads next.
        store = state.store

        def relation_exists(table: str, pk: int) -> bool:
            return pk in store[table]

        try:
            body = await parse_body(
                scope.get(RAW_BODY, b""), Headers(scope=scope), max_depth=state.settings.max_json_depth
            )
            scope[BODY] = body
            scope[DATA] = clean(
                body.data,
                self._schema,
                partial=scope["method"] == "PATCH",
                is_form=body.is_form,
                relation_exists=relation_exists,
            )
        except APIError as error:
            # DRF parses and validates only when the view reads the data, after it has found the
            # object: a bad body sent to a missing object is a 404. The view raises this on reading.
            scope[DATA_ERROR] = error
        return _without_body(receive), _parsed(scope)


def _parsed(scope: Scope) -> Scope:
    """The scope seen downstream: the body is parsed, so it is announced as empty JSON.

    Connexion's operation decorator parses every multipart body again and never closes the
    temporary files that creates; the views read the parsed body from the scope instead.
    """
    downstream = dict(scope)
    downstream["headers"] = [
        (name, value) for name, value in scope["headers"] if name.lower() not in (b"content-type", b"content-length")
    ] + [(b"content-type", b"application/json"), (b"content-length", b"0")]
    return downstream


def _without_body(receive: Receive) -> Receive:
    sent = False

    async def empty() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return empty


VALIDATOR_MAP = {
    "parameter": LenientParameterValidator,
    "body": {JSON: DRFBodyValidator, FORM: DRFBodyValidator, MULTIPART: DRFBodyValidator},
}


class _BodyValidationAPI(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> ASGIApp:
        # With query parameters left alone, an operation without a body has nothing to validate;
        # skipping it spares Connexion's per-request parser and validator construction.
        if not operation.request_body:
            next_app: ASGIApp = self.next_app
            return next_app
        return super().make_operation(operation)  # type: ignore[no-any-return]


class BodyValidationMiddleware(RequestValidationMiddleware):  # type: ignore[misc]
    """Connexion's request validation, for the operations that take a body."""

    api_cls = _BodyValidationAPI
