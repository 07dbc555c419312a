"""The search and ordering fields of InvenTree's list views, which the contract does not name.

The published schema documents `search` and `ordering` as free strings ("Which field to use when
ordering the results."). The fields behind them are each view's `search_fields` and
`ordering_fields` in InvenTree's source (API 303); the probes in contract_tests.checks.probes need them to
ask a question whose answer is certain: an object found by a word of its own search field, a list
sorted by a field the view sorts by. Only fields every InvenTree 303 server sorts and searches by
are listed; a view left out here is simply not probed.
"""

from __future__ import annotations

# operationId -> fields whose text `?search=` looks into (DRF SearchFilter, `icontains`).
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "project_code_list": ("code", "description"),
    "notifications_list": ("name", "message"),
    "error_report_list": ("info", "data"),
    "machine_list": ("name",),
}

# operationId -> fields `?ordering=` sorts by (DRF OrderingFilter); others are ignored by the server.
ORDERING_FIELDS: dict[str, tuple[str, ...]] = {
    "project_code_list": ("code",),
    "notifications_list": ("name", "category", "creation"),
    "news_list": ("published", "author"),
    "error_report_list": ("when",),
    "machine_list": ("name", "machine_type", "driver"),
}
