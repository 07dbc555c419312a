"""The parts of `compare`: settings, key pairing, tolerances, structural differences, known differences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract_tests.compare.config import CompareSettings, for_side
from contract_tests.compare.diff import Answer, body_differences, compare
from contract_tests.compare.ids import IdMap
from contract_tests.compare.known import load_known
from contract_tests.compare.tolerances import SERVER, Tolerances, path_regex
from contract_tests.errors import UsageError
from contract_tests.staging.guard import MISSING_INT

UUID_A = "0b6c3a52-8f1e-4d6a-9c2b-5e7f1a3d9c01"
UUID_B = "4e2d9b17-3c5a-4f80-8d6e-2a1b7c9e5f02"


def test_each_server_reads_its_own_variables_and_both_share_the_suite_options() -> None:
    environ = {
        "INVENTREE_REFERENCE_URL": "http://ref:8000/",
        "INVENTREE_REFERENCE_TOKEN": "ref-token",
        "INVENTREE_CANDIDATE_URL": "http://cand:8001",
        "INVENTREE_CANDIDATE_USERNAME": "admin",
        "INVENTREE_CANDIDATE_PASSWORD": "inventree",
        "INVENTREE_BASE_URL": "http://the-suite-target",
        "INVENTREE_TOKEN": "the-suite-token",
        "INVENTREE_MAX_EXAMPLES": "7",
        "INVENTREE_ALSO_AS": "reader:readonly,anonymous",
        "INVENTREE_IGNORE": "$..updated",
    }
    settings = CompareSettings.load({"seed": 3}, environ=environ)
    assert settings.reference.root_url == "http://ref:8000" and settings.reference.token is not None
    assert settings.reference.token.reveal() == "ref-token" and settings.reference.username is None
    assert settings.candidate.root_url == "http://cand:8001" and settings.candidate.token is None
    assert settings.candidate.username == "admin"
    for server in (settings.reference, settings.candidate):
        assert (server.max_examples, server.seed, server.workers) == (7, 3, 1)
    assert [identity.name for identity in settings.also_as] == ["reader", "anonymous"]
    assert settings.ignore == ("$..updated",)
    assert "the-suite-token" not in settings.secrets() and "readonly" in settings.secrets()


def test_a_missing_credential_names_the_option_of_its_server() -> None:
    with pytest.raises(UsageError) as raised:
        CompareSettings.load(
            {"reference": "http://a", "reference_token": "t", "candidate": "http://b", "candidate_username": "u"},
            environ={},
        )
    assert str(raised.value).startswith("no credentials: pass --candidate-password (or set INVENTREE_CANDIDATE_TOKEN")
    assert for_side("check --token or INVENTREE_TOKEN; --base-url", "reference") == (
        "check --reference-token or INVENTREE_REFERENCE_TOKEN; --reference"
    )


@pytest.mark.parametrize(
    ("path", "matches", "misses"),
    [
        ("$..pk", ["root['pk']", "root['results'][3]['pk']"], ["root['pk2']", "root['pk']['x']"]),
        ("$.results[*].updated", ["root['results'][0]['updated']"], ["root['updated']", "root['results']['updated']"]),
        ("$['odd key'][2]", ["root['odd key'][2]"], ["root['odd key'][3]"]),
        ("detail", ["root['detail']"], ["root['a']['detail']"]),
        ("$.*.name", ["root['a']['name']", "root[0]['name']"], ["root['name']"]),
    ],
)
def test_jsonpath_like_paths_match_deepdiff_paths(path: str, matches: list[str], misses: list[str]) -> None:
    regex = re.compile(path_regex(path))
    assert all(regex.search(item) for item in matches)
    assert not any(regex.search(item) for item in misses)


def test_a_path_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a JSONPath-like path"):
        path_regex("$.a[x")


def test_tolerances_write_each_server_and_each_pattern_the_same_way(tmp_path: Path) -> None:
    extra = tmp_path / "more.yaml"
    extra.write_text(
        "values:\n  - {name: upload, pattern: '^/media/notes/.+$', reason: file names are the server's}\n"
        "ignore:\n  - {path: $..summary, operation: news_list, reason: feeds change}\n",
        encoding="utf-8",
    )
    tolerances = Tolerances.load(
        files=[extra], ignore=["units_list:$..definition"], operations={"news_list", "units_list"}
    )
    body = {
        "next": "http://ref:1/api/units/?limit=2&offset=2",
        "when": "2025-01-21T10:00:00.123456Z",
        "token": "inv-" + "a" * 40 + "-20260101",
        "image": "/media/notes/abc_x1.png",
        "text": "not a timestamp 2025-01-21",
    }
    assert tolerances.normalize(body, "http://ref:1") == {
        "next": f"{SERVER}/api/units/?limit=2&offset=2",
        "when": "<timestamp>",
        "token": "<api-token>",
        "image": "<upload>",
        "text": "not a timestamp 2025-01-21",
    }
    defaults = Tolerances.load().excluded("news_list", "GET /api/news/")
    assert tolerances.excluded("news_list", "GET /api/news/") == [*defaults, path_regex("$..summary")]
    assert tolerances.excluded("units_list", "GET /api/units/") == [*defaults, path_regex("$..definition")]
    assert tolerances.headers == ("Allow", "WWW-Authenticate")
    with pytest.raises(UsageError, match="names no operation of the contract: nope"):
        Tolerances.load(ignore=["nope:$.a"], operations={"units_list"})


def test_the_default_tolerances_let_a_notifications_clock_derived_age_differ() -> None:
    """Two servers asked a moment apart may straddle a second: the age is the clock's, not the server's."""
    excluded = Tolerances.load().excluded("notifications_list", "GET /api/notifications/")
    page = {"count": 1, "results": [{"pk": 1, "name": "n", "age": 812345, "age_human": "9 days, 9 hours ago"}]}
    later = {"count": 1, "results": [{"pk": 1, "name": "n", "age": 812346, "age_human": "9 days, 10 hours ago"}]}
    assert body_differences(page, later, excluded) == []
    renamed = {"count": 1, "results": [{**later["results"][0], "name": "m"}]}
    assert [d.path for d in body_differences(page, renamed, excluded)] == ["$.results[*].name"]


def test_body_differences_name_the_field_the_list_and_the_order() -> None:
    ours = [{"pk": 1, "code": "A", "n": 1}, {"pk": 2, "code": "B", "n": 2}]
    assert body_differences(ours, list(reversed(ours)))[0].kind == "body:order"
    changed = body_differences(ours, [{"pk": 1, "code": "A", "n": "1"}, {"pk": 2, "code": "C", "n": 2}])
    assert {(d.kind, d.path) for d in changed} == {("body:type", "$[*].n"), ("body:value", "$[*].code")}
    value = next(d for d in changed if d.kind == "body:value")
    assert (value.concrete_path, value.reference, value.candidate) == ("$[1].code", '"B"', '"C"')
    extra = body_differences(ours, [*ours, {"pk": 3, "code": "X", "n": 3}])
    assert [(d.kind, d.path, d.reference) for d in extra] == [("body:items", "$", "-")]
    assert "1 item(s) only here" in extra[0].candidate
    keys = body_differences({"a": 1, "b": 2}, {"a": 1, "c": 2})
    assert {(d.kind, d.path) for d in keys} == {("body:missing", "$.b"), ("body:extra", "$.c")}
    assert body_differences({"a": 1, "b": 2}, {"a": 1, "b": 3}, [path_regex("$.b")]) == []
    # Texts that look alike show where they differ: control and format characters are written as escapes.
    invisible = body_differences({"name": "x"}, {"name": "\x8bx\u200b"})[0]
    assert invisible.candidate == '"\\u008bx\\u200b"'


def test_a_different_status_is_the_one_difference_and_allow_is_a_set() -> None:
    def answer(status: int, allow: str, body: object) -> Answer:
        return Answer(status, "application/json", {"allow": allow}, body, True)

    assert [d.kind for d in compare(answer(405, "GET", {"a": 1}), answer(404, "GET", {"b": 2}))] == ["status"]
    assert compare(answer(405, "GET, POST, OPTIONS", None), answer(405, "OPTIONS, POST, GET", None)) == []
    header = compare(answer(405, "GET, OPTIONS", None), answer(405, "GET, PUT, OPTIONS", None))
    assert [(d.kind, d.reference, d.candidate) for d in header] == [
        ("header:Allow", "'GET, OPTIONS'", "'GET, PUT, OPTIONS'")
    ]


def test_keys_are_paired_by_position_and_by_create() -> None:
    ids = IdMap(frozenset({"/api/units/", "/api/machine/"}))
    ids.pair_lists("/api/units/", [1, 2, 3], [4, 5])
    ids.pair_lists("/api/machine/", [UUID_A], [UUID_B])
    assert ids.translate("/api/units/{id}/", {"id": 2}).parameters == {"id": 5}  # type: ignore[union-attr]
    assert ids.translate("/api/units/{id}/", {"id": 3}) is None  # only the reference has it
    assert ids.translate("/api/units/{id}/", {"id": 4}).parameters == {"id": MISSING_INT}  # type: ignore[union-attr]
    assert ids.translate("/api/units/{id}/", {"id": 99}).parameters == {"id": 99}  # type: ignore[union-attr]
    settings = ids.translate("/api/machine/{id}/settings/{config_type}/{key}/", {"id": UUID_A, "config_type": "M"})
    assert settings is not None and settings.parameters == {"id": UUID_B, "config_type": "M"}
    ids.learn_create("/api/units/", (201, {"pk": 7}), (201, {"pk": 12}), ("curl ref", "curl cand"))
    made = ids.translate("/api/units/{id}/", {"id": 7})
    assert (
        made is not None and made.parameters == {"id": 12} and ids.origins[made.origins[0]] == ("curl ref", "curl cand")
    )
    assert ids.to_reference("/api/units/", [{"pk": 12, "name": "x"}, {"pk": 4}]) == [{"pk": 7, "name": "x"}, {"pk": 1}]
    assert ids.to_reference("/api/machine/status/", {"machine": UUID_B}) == {"machine": UUID_A}
    ids.forget("/api/units/{id}/", {"id": 12}, "candidate")
    assert ids.translate("/api/units/{id}/", {"id": 7}) is None


def test_known_differences_match_by_glob_and_need_a_reason(tmp_path: Path) -> None:
    known = tmp_path / "known.yaml"
    known.write_text(
        "differences:\n"
        "  - {operation: units_list, kind: 'body:*', path: '$[*].definition', reason: r1}\n"
        "  - {operation: '*', kind: status, identity: reader, reference: '403', candidate: '200', reason: r2}\n",
        encoding="utf-8",
    )
    first, second = load_known(known, {"units_list"})
    common = {"operation_id": "units_list", "label": "GET /api/units/", "identity": "admin", "method": "GET"}
    assert first.matches(kind="body:value", path="$[*].definition", reference="a", candidate="b", **common)
    assert not first.matches(kind="status", path="", reference="200", candidate="404", **common)
    assert second.matches(**{**common, "identity": "reader"}, kind="status", path="", reference="403", candidate="200")
    assert not second.matches(**common, kind="status", path="", reference="403", candidate="200")
    known.write_text("differences:\n  - {operation: units_list, kind: status}\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"entry 1: `reason` is required"):
        load_known(known)
