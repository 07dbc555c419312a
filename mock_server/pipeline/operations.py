"""One operation of the contract as the pipeline runs it, compiled once from Connexion's parsed operation."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from mock_server.pipeline.auth import Requirement
from mock_server.pipeline.context import Permission, View
from mock_server.pipeline.validation import BodyRule


@dataclasses.dataclass(frozen=True)
class Operation:
    """What every step of a request needs to know about the operation it was routed to."""

    operation_id: str
    method: str
    path: str
    view: View
    # DRF's permission classes; None when the view checks for itself.
    permission: Permission | None
    requirement: Requirement
    body: BodyRule
    # Path parameter name -> its schema, for the route's converters.
    path_parameters: Mapping[str, Mapping[str, Any]]

    @classmethod
    def of(cls, connexion_operation: Any, permissions: Mapping[str, Permission]) -> Operation:
        """Compile from Connexion's OpenAPIOperation (its public attributes only)."""
        method = connexion_operation.method.upper()
        path = connexion_operation.path
        operation_id: str = connexion_operation.operation_id
        body = BodyRule.of(
            method,
            list(connexion_operation.consumes),
            connexion_operation.body_schema,
            # InvenTree's BulkDeleteMixin reads `items` and `filters` from a DELETE on a list.
            bulk_delete=method == "DELETE" and not path.rstrip("/").endswith("}"),
        )
        return cls(
            operation_id=operation_id,
            method=method,
            path=path,
            view=connexion_operation.function,
            permission=permissions.get(operation_id),
            requirement=Requirement.of(list(connexion_operation.security or [])),
            body=body,
            path_parameters={
                p["name"]: p.get("schema", {}) for p in connexion_operation.parameters if p.get("in") == "path"
            },
        )

    @classmethod
    def answering(
        cls, operation_id: str, path: str, view: View, permission: Permission | None, requirement: Requirement
    ) -> Operation:
        """An operation outside the contract that reads no body: DRF's 405 of a view, InvenTree's catch-all."""
        return cls(operation_id, "", path, view, permission, requirement, BodyRule(parses=False), {})
