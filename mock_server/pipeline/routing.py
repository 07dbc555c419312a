"""Connexion's routing, with the routes looked up by their leading path segments.

Starlette matches a request against every route in turn, and Connexion adds one route per
operation; with ~120 routes that scan was a fifth of the mock's time per request. This subclass
keeps Connexion's routes and its RoutingOperation (which records the operation in the scope), and
only narrows the scan to the routes that share the request's first two path segments. It also
never redirects a missing or extra trailing slash, and matches ids by InvenTree's URL patterns
(digits, or Django's UUID form): InvenTree's catch-all answers every other path.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from connexion.middleware.routing import RoutingAPI, RoutingMiddleware, RoutingOperation
from connexion.middleware.routing import _scope as routing_scope  # read by RoutingOperation
from connexion.operations import AbstractOperation
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

from mock_server.pipeline.routes import starlette_path


def _key(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")[1:3])


class _ContractRoutingAPI(RoutingAPI):  # type: ignore[misc]
    @staticmethod
    def _framework_path_and_name(operation: AbstractOperation, path: str) -> tuple[str, str]:
        template = starlette_path(path, operation.parameters)
        return template, template


class IndexedRoutingMiddleware(RoutingMiddleware):  # type: ignore[misc]
    """Route to the operation of the contract, looking only at routes that can match."""

    def add_api(
        self, specification: Any, base_path: str | None = None, arguments: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        api = _ContractRoutingAPI(specification, base_path=base_path, arguments=arguments, next_app=self.app, **kwargs)
        self.default = RoutingOperation(None, self.app)
        self.index: dict[tuple[str, ...], list[BaseRoute]] = defaultdict(list)
        for route in api.router.routes:
            assert isinstance(route, Route), "the contract's operations are plain routes"
            self.index[_key(route.path)].append(route)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        routing_scope.set(dict(scope))
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.index.get(_key(scope["path"]), ()):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        if partial is not None:
            # The path exists with other methods: Starlette raises its 405 (scope["app"] is set).
            scope.update(partial[1])
            await partial[0].handle(scope, receive, send)
            return
        await self.default(scope, receive, send)
