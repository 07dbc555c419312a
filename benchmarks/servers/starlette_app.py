"""A bare Starlette app answering the benchmark's four requests with fixed bodies: the ceiling here.

It does what every Python ASGI server in this comparison must do at the least (route, read and parse a
JSON body, serialise an answer) and nothing else: no validation, no state, no auth.
"""

from __future__ import annotations

import argparse
import json
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE_SIZE = 10


def _record(pk: int) -> dict[str, object]:
    return {
        "pk": pk,
        "code": f"PRJ-{pk:03d}",
        "description": f"Project {pk}",
        "responsible": None,
        "responsible_detail": None,
    }


LIST_BODY = json.dumps(
    {"count": PAGE_SIZE, "next": None, "previous": None, "results": [_record(pk) for pk in range(1, PAGE_SIZE + 1)]}
).encode()
DETAIL_BODY = json.dumps(_record(1)).encode()
JSON = "application/json"


async def project_codes(request: Request) -> Response:
    if request.method == "POST":
        json.loads(await request.body())
        return Response(DETAIL_BODY, status_code=201, media_type=JSON)
    return Response(LIST_BODY, media_type=JSON)


async def project_code(request: Request) -> Response:
    if request.method == "PATCH":
        json.loads(await request.body())
    return Response(DETAIL_BODY, media_type=JSON)


def create_app() -> Starlette:
    """The app: a list, a detail, a create and an update of project codes, all fixed."""
    return Starlette(
        routes=[
            Route("/api/project-code/", project_codes, methods=["GET", "POST"]),
            Route("/api/project-code/{id:int}/", project_code, methods=["GET", "PATCH"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.servers.starlette_app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
