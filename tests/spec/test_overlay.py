"""Overlay 1.0 actions: update merges, remove deletes, a stale target is an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spec.errors import OverlayError
from spec.overlay import apply_overlay, read_overlay


def _document() -> dict[str, Any]:
    return {
        "paths": {
            "/a/": {"get": {"operationId": "a_list", "tags": ["a"], "responses": {"200": {"description": ""}}}},
            "/b/": {"get": {"operationId": "b_list", "tags": ["b"], "responses": {"200": {"description": ""}}}},
        }
    }


def test_update_merges_objects_and_appends_arrays() -> None:
    document = _document()
    overlay = {
        "actions": [
            {"target": "$.paths['/a/'].get", "update": {"tags": ["extra"], "responses": {"404": {"description": "x"}}}}
        ]
    }
    apply_overlay(document, overlay)
    get = document["paths"]["/a/"]["get"]
    assert get["tags"] == ["a", "extra"]
    assert set(get["responses"]) == {"200", "404"}


def test_update_reaches_every_match_of_a_wildcard() -> None:
    document = _document()
    apply_overlay(document, {"actions": [{"target": "$.paths.*.get", "update": {"x-seen": True}}]})
    assert all(item["get"]["x-seen"] for item in document["paths"].values())


def test_update_with_a_filter_expression() -> None:
    document = _document()
    apply_overlay(document, {"actions": [{"target": "$.paths.*[?@.operationId == 'b_list']", "update": {"x-b": 1}}]})
    assert "x-b" not in document["paths"]["/a/"]["get"]
    assert document["paths"]["/b/"]["get"]["x-b"] == 1


def test_remove_deletes_the_target() -> None:
    document = _document()
    apply_overlay(document, {"actions": [{"target": "$.paths['/b/']", "remove": True}]})
    assert list(document["paths"]) == ["/a/"]


def test_a_target_that_matches_nothing_is_an_error_naming_it() -> None:
    with pytest.raises(OverlayError, match=r"matches nothing.*\$\.paths\['/c/'\]"):
        apply_overlay(_document(), {"actions": [{"target": "$.paths['/c/']", "remove": True}]}, "x.yaml")


def test_an_action_without_update_or_remove_is_an_error() -> None:
    with pytest.raises(OverlayError, match="neither 'update' nor 'remove'"):
        apply_overlay(_document(), {"actions": [{"target": "$.paths"}]})


def test_update_values_are_copied_not_shared() -> None:
    document = _document()
    update = {"x-list": [1]}
    apply_overlay(document, {"actions": [{"target": "$.paths.*.get", "update": update}]})
    document["paths"]["/a/"]["get"]["x-list"].append(2)
    assert document["paths"]["/b/"]["get"]["x-list"] == [1]
    assert update == {"x-list": [1]}


def test_every_overlay_must_say_why(tmp_path: Path) -> None:
    file = tmp_path / "overlay.yaml"
    file.write_text("overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions: [{target: $, remove: true}]\n")
    with pytest.raises(OverlayError, match="x-reason"):
        read_overlay(file)


def test_a_file_that_is_not_an_overlay_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "overlay.yaml"
    file.write_text("openapi: 3.0.3\n")
    with pytest.raises(OverlayError, match="not an Overlay"):
        read_overlay(file)
