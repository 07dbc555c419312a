"""InvenTree/DRF-shaped errors: each exception knows its status, body and headers.

Every step of the pipeline and every view raises these; `api.render_api_error` turns one into
the response a real InvenTree server sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class APIError(Exception):
    """An error answer: a status code, a JSON body and optional headers."""

    status_code = 400

    def __init__(self, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(body)
        self.body = body
        self.headers = dict(headers or {})


class DetailError(APIError):
    """An error whose body is DRF's `{"detail": "..."}`."""

    default_detail = ""

    def __init__(self, detail: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__({"detail": detail or self.default_detail}, headers)


class ValidationError(APIError):
    """400 with DRF's per-field body: `{"field": ["message"], "non_field_errors": [...]}`."""

    status_code = 400

    def __init__(self, errors: Mapping[str, Sequence[str] | str] | str) -> None:
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        body = {
            field: [messages] if isinstance(messages, str) else list(messages) for field, messages in errors.items()
        }
        super().__init__(body)


class FieldErrors(ValidationError):
    """The 400 of a serializer's field validation, with what it needs to add a later field check's errors.

    `valid` holds the cleaned values of the fields that passed and `order` the serializer's field
    order: a view adds the errors of its unique checks (DRF's UniqueValidator is a field validator,
    so its error comes with the other fields' errors) and keeps DRF's order.
    """

    def __init__(self, errors: Mapping[str, Sequence[str]], *, valid: Mapping[str, Any], order: Sequence[str]) -> None:
        super().__init__(errors)
        self.valid = dict(valid)
        self.order = tuple(order)

    def adding(self, more: Mapping[str, Sequence[str]]) -> FieldErrors:
        """These errors and `more`, each field in the serializer's order, then the rest."""
        merged = {**more, **self.body}
        rank = {field: index for index, field in enumerate(self.order)}
        ordered = dict(sorted(merged.items(), key=lambda item: rank.get(item[0], len(rank))))
        return FieldErrors(ordered, valid=self.valid, order=self.order)


class ParseError(DetailError):
    status_code = 400
    default_detail = "Malformed request."


class NotAuthenticated(DetailError):
    # DRF answers 401 with the first authenticator's header; InvenTree's first is token auth.
    status_code = 401
    default_detail = "Authentication credentials were not provided."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, {"WWW-Authenticate": "Token"})


class AuthenticationFailed(NotAuthenticated):
    default_detail = "Incorrect authentication credentials."


class PermissionDenied(DetailError):
    status_code = 403
    default_detail = "You do not have permission to perform this action."


class NotFound(DetailError):
    """A known route whose object does not exist."""

    status_code = 404
    default_detail = "Not found."


# The methods of InvenTree's catch-all view (InvenTree/api.py NotFoundView; Django adds HEAD for GET).
CATCH_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class EndpointNotFound(APIError):
    """InvenTree's catch-all for any unknown path under /api/ (InvenTree/api.py NotFoundView)."""

    status_code = 404

    def __init__(self, url: str) -> None:
        # The catch-all is a DRF view of its own, so its answer carries its own `Allow`.
        super().__init__({"detail": "API endpoint not found", "url": url}, {"Allow": ", ".join(CATCH_ALL_METHODS)})


class MethodNotAllowed(DetailError):
    status_code = 405

    def __init__(self, method: str, allowed: Sequence[str]) -> None:
        super().__init__(f'Method "{method}" not allowed.', {"Allow": ", ".join(allowed)})


class NotAcceptable(DetailError):
    status_code = 406
    default_detail = "Could not satisfy the request Accept header."


class UnsupportedMediaType(DetailError):
    status_code = 415

    def __init__(self, media_type: str) -> None:
        super().__init__(f'Unsupported media type "{media_type}" in request.')


class PayloadTooLarge(APIError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__({"detail": f"Request body is larger than the limit of {limit} bytes."})
