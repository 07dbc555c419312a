"""Answers encode whatever text a client sent, as DRF's JSON renderer writes it."""

from __future__ import annotations

import json

import httpx
import pytest

from mock_server.pipeline.rendering import render_json

SURROGATE_BODY = '{"preferred_method": "\\ud800"}'


def test_compact_utf8_with_javascript_line_separators_escaped() -> None:
    assert render_json({"a": "é", "b": [1, 2]}) == '{"a":"é","b":[1,2]}'.encode()
    assert render_json("x\u2028y\u2029") == b'"x\\u2028y\\u2029"'


def test_a_lone_surrogate_goes_back_out_as_its_escape() -> None:
    encoded = render_json({"k": "a\ud800b\udfff"})
    assert encoded == b'{"k":"a\\ud800b\\udfff"}'
    assert json.loads(encoded) == {"k": "a\ud800b\udfff"}


def test_nan_is_still_refused() -> None:
    with pytest.raises(ValueError, match="Out of range"):
        render_json(float("nan"))


def test_an_error_that_quotes_a_lone_surrogate_is_a_400_not_a_500(admin: httpx.Client) -> None:
    response = admin.put(
        "/api/web/ui_preference/", content=SURROGATE_BODY, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"preferred_method": ['"\ud800" is not a valid choice.']}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/action/", '{"action": "\\ud800"}'),
        ("POST", "/api/locate/", '{"plugin": "\\ud800"}'),
        ("POST", "/api/search/", '{"search": "\\udc00", "part": {}}'),
        ("PATCH", "/api/project-code/1/metadata/", '{"metadata": {"\\ud800": "x"}}'),
        ("DELETE", "/api/news/", '{"filters": {"title__icontains": "\\ud800"}}'),
    ],
)
def test_views_that_echo_their_input_never_fail_to_encode(
    admin: httpx.Client, method: str, path: str, body: str
) -> None:
    response = admin.request(method, path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    response.json()
