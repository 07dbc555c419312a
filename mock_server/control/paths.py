"""Which requests are the API a frontend calls, and which are the control API that drives the mock."""

from __future__ import annotations

CONTROL_PREFIX = "/_mock/"
# The session login is the frontend's own call (InvenTree's is under /api/auth/), not a control one:
# it is journaled, can be faulted, and follows the API's CORS policy.
LOGIN_PATH = "/_mock/login"
DOCS_PATH = "/api/docs"


def is_control(path: str) -> bool:
    """A control route: no CORS, refused across origins, behind the token beyond loopback."""
    return path.startswith(CONTROL_PREFIX) and path != LOGIN_PATH


def is_api(path: str) -> bool:
    """A request the journal records and faults apply to: everything but control routes and the Swagger UI."""
    return not is_control(path) and not path.startswith(DOCS_PATH)
