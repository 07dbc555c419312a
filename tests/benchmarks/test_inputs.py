"""What the servers are fed: scale fixtures, the contract excerpt, Connexion's mock-mode preparation; case counting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from benchmarks.contract import cases_from_junit, cases_from_output, requests_from_access_log
from benchmarks.process import cpu_seconds, descendants
from benchmarks.scale import SEARCH_TERM, ScaleError, generated_record, write_fixtures
from benchmarks.tools import write_excerpt


def test_generated_records_are_unique_and_some_are_found_by_search() -> None:
    template = {"pk": 1, "code": "PRJ-001", "description": "x", "responsible": 3, "extra": "kept"}
    records = [generated_record(pk, template) for pk in range(1, 301)]
    assert len({r["code"] for r in records}) == 300
    assert [r["pk"] for r in records if SEARCH_TERM in r["description"]] == [1, 101, 201]
    assert records[0]["responsible"] is None
    assert records[0]["extra"] == "kept"


def test_fixtures_copy_replaces_only_the_project_codes(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "project_codes.yaml").write_text("- {pk: 1, code: PRJ-001, description: one, responsible: null}\n")
    (source / "users.yaml").write_text("- {pk: 1, username: admin}\n")
    target = write_fixtures(source, tmp_path / "copy", 25)
    codes = yaml.safe_load((target / "project_codes.yaml").read_text())
    assert len(codes) == 25
    assert codes[24] == {"pk": 25, "code": "PRJ-000025", "description": "Generated project 25", "responsible": None}
    assert (target / "users.yaml").read_text() == (source / "users.yaml").read_text()
    assert len(yaml.safe_load((source / "project_codes.yaml").read_text())) == 1


def test_fixtures_under_a_key_keep_their_shape(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "project-codes.yaml").write_text("records:\n- {pk: 1, code: A, description: a}\n")
    target = write_fixtures(source, tmp_path / "copy", 3)
    assert [r["pk"] for r in yaml.safe_load((target / "project-codes.yaml").read_text())["records"]] == [1, 2, 3]


def test_fixtures_without_project_codes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    with pytest.raises(ScaleError, match="no project-code fixture file"):
        write_fixtures(tmp_path / "source", tmp_path / "copy", 3)


def test_cases_are_read_from_the_suite_output() -> None:
    report = "Operations: 71 selected, 71 tested, 71 passed; requests: 2345; time: 61s\n2 test cases\n"
    assert cases_from_output(report) == 2345
    assert cases_from_output("Ran 71 operations: 1,234 test cases generated, 0 failures\n") == 1234
    assert cases_from_output("cases: 56\n") == 56
    assert cases_from_output("all good\n") is None


def test_cases_from_junit_add_up_the_suites(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text('<testsuites><testsuite tests="3"/><testsuite tests="4"/></testsuites>')
    assert cases_from_junit(report) == 7
    assert cases_from_junit(tmp_path / "missing.xml") is None


def test_requests_are_counted_from_an_access_log(tmp_path: Path) -> None:
    log = tmp_path / "mock.log"
    log.write_text(
        'INFO:     127.0.0.1:5000 - "GET /api/project-code/?limit=1 HTTP/1.1" 200 OK\n'
        "INFO:     Application startup complete.\n"
        'INFO:     127.0.0.1:5001 - "POST /api/project-code/ HTTP/1.1" 400 Bad Request\n'
    )
    assert requests_from_access_log(log) == 2


def test_connexion_mock_mode_gets_open_security_and_no_required_read_only_fields() -> None:
    connexion_mock = pytest.importorskip("benchmarks.servers.connexion_mock")
    document = {
        "components": {
            "securitySchemes": {
                "tokenAuth": {"type": "apiKey", "in": "header", "name": "Authorization"},
                "basicAuth": {"type": "http", "scheme": "basic"},
            },
            "schemas": {
                "ProjectCode": {
                    "type": "object",
                    "properties": {"pk": {"type": "integer", "readOnly": True}, "code": {"type": "string"}},
                    "required": ["code", "pk"],
                },
                "Owner": {"type": "object", "properties": {"pk": {"readOnly": True}}, "required": ["pk"]},
            },
        }
    }
    prepared = connexion_mock.prepare(document)
    schemes = prepared["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["x-apikeyInfoFunc"] == connexion_mock.ACCEPT_ANY
    assert schemes["basicAuth"]["x-basicInfoFunc"] == connexion_mock.ACCEPT_ANY
    assert prepared["components"]["schemas"]["ProjectCode"]["required"] == ["code"]
    assert "required" not in prepared["components"]["schemas"]["Owner"]
    assert connexion_mock.accept_any_credentials("anything") == {"sub": "bench"}


def test_excerpt_keeps_the_paths_under_the_prefix_and_every_component(tmp_path: Path) -> None:
    source = tmp_path / "openapi.json"
    source.write_text(
        '{"openapi": "3.0.3", "paths": {"/api/project-code/": {}, "/api/project-code/{id}/": {},'
        ' "/api/units/": {}}, "components": {"schemas": {"A": {}}}}'
    )
    target = tmp_path / "excerpt.json"
    assert write_excerpt(source, target, "/api/project-code/") == 2
    document = yaml.safe_load(target.read_text())
    assert list(document["paths"]) == ["/api/project-code/", "/api/project-code/{id}/"]
    assert document["components"] == {"schemas": {"A": {}}}


def test_cpu_time_and_process_tree_are_read_from_proc() -> None:
    assert os.getpid() in descendants(os.getpid())
    assert cpu_seconds({os.getpid()}) >= 0.0
    assert cpu_seconds({2**22 + 12345}) == 0.0  # no such process: nothing, and no error
