"""The official InvenTree Python client (`pip install inventree`), unmodified, against a live mock."""

from __future__ import annotations

import pytest
import requests
from inventree.api import InvenTreeAPI
from inventree.currency import CurrencyManager
from inventree.project_code import ProjectCode

from tests.plugins.live_server import LiveServer


@pytest.fixture
def api(mock: LiveServer) -> InvenTreeAPI:
    return InvenTreeAPI(
        mock.url, username="admin", password="inventree", timeout=30, token_name="python-test", use_token_auth=True
    )


def test_connects_with_username_and_password_and_gets_a_token(api: InvenTreeAPI) -> None:
    assert api.connected
    assert api.api_version == 303
    assert api.server_details["server"] == "InvenTree"
    assert api.token and api.token.startswith("inv-")


def test_wrong_credentials_are_refused(mock: LiveServer) -> None:
    with pytest.raises(ConnectionError, match="Authentication at InvenTree server failed"):
        InvenTreeAPI(mock.url, username="admin", password="wrong", timeout=30)


def test_project_code_lifecycle(api: InvenTreeAPI) -> None:
    n = ProjectCode.count(api)
    assert n == 6
    created = ProjectCode.create(api, {"code": f"TEST {n + 1}", "description": "Test project code"})
    assert created.pk == 7 and created.code == "TEST 7"
    assert ProjectCode.count(api) == n + 1
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        ProjectCode.create(api, {"code": f"TEST {n + 1}", "description": "Duplicate"})
    assert "already exists" in str(refused.value)
    for idx in range(5):
        ProjectCode.create(api, {"code": f"CODE-{idx}", "description": f"Description {idx}"})
    assert len(ProjectCode.list(api)) == n + 6
    assert [c.code for c in ProjectCode.list(api, search="CODE-")] == [f"CODE-{i}" for i in range(5)]

    created.save({"description": "Changed by the client"})
    assert ProjectCode(api, pk=created.pk).description == "Changed by the client"

    # ProjectCode has no metadata helpers in the client; its request methods reach the endpoint.
    metadata_url = f"project-code/{created.pk}/metadata/"
    api.patch(metadata_url, {"metadata": {"colour": "red"}})
    api.patch(metadata_url, {"metadata": {"size": 3}})
    assert api.get(metadata_url) == {"metadata": {"colour": "red", "size": 3}}
    api.put(metadata_url, {"metadata": {"only": True}})
    assert api.get(metadata_url) == {"metadata": {"only": True}}

    created.delete()
    assert ProjectCode.count(api) == n + 5
    with pytest.raises(requests.exceptions.HTTPError):
        ProjectCode(api, pk=created.pk)


def test_field_metadata_from_options(api: InvenTreeAPI) -> None:
    assert {"code", "description", "responsible"} <= set(ProjectCode.fieldNames(api))
    assert ProjectCode.fieldInfo("code", api)["max_length"] == 50


def test_currency_manager(api: InvenTreeAPI) -> None:
    manager = CurrencyManager(api)
    assert manager.getBaseCurrency() == "USD"
    rates = manager.getExchangeRates()
    assert rates["EUR"] == 0.92
    assert round(manager.convertCurrency(10, "EUR", "GBP"), 4) == round(10 / 0.92 * 0.79, 4)
    assert manager.refreshExchangeRates() == {"success": "Exchange rates updated"}
