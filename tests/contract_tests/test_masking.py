"""Secrets are masked as whole values, never as parts of other words; Schemathesis masks credentials and nothing else."""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path

from schemathesis.core.output.sanitization import sanitize_value

from contract_tests import Settings
from contract_tests.auth import Login
from contract_tests.config import MASK, Secret
from contract_tests.reporting.report import Masker, OperationResult, Report, write_junit
from contract_tests.runner import schemathesis_config


def test_a_one_letter_token_masks_only_itself() -> None:
    masker = Masker(["x"])
    assert masker("max examples: 20, proxy: none") == "max examples: 20, proxy: none"
    assert masker("Authorization: Token x") == f"Authorization: Token {MASK}"


def test_the_password_is_masked_as_a_value_not_inside_other_words() -> None:
    masker = Masker(["inventree"], "admin")
    kept = 'testsuite name="inventree-contract" see https://inventree.org/docs and InvenTree'
    assert masker(kept) == kept
    assert masker('{"password": "inventree"}') == f'{{"password": "{MASK}"}}'
    basic = base64.b64encode(b"admin:inventree").decode()
    assert masker(f"Authorization: Basic {basic}") == f"Authorization: Basic {MASK}"


def test_credentials_in_headers_and_cookies_are_masked_whoever_they_belong_to() -> None:
    masker = Masker([])
    assert masker("Authorization: Basic Zm9vOmJhcg==") == f"Authorization: Basic {MASK}"
    assert masker("Cookie: sessionid=abc123; csrftoken=def456; theme=dark") == (
        f"Cookie: sessionid={MASK}; csrftoken={MASK}; theme=dark"
    )
    assert masker("X-CSRFToken: def456") == f"X-CSRFToken: {MASK}"
    assert masker("-H 'Set-Cookie: sessionid=abc; Path=/'") == f"-H 'Set-Cookie: sessionid={MASK}; Path=/'"


def test_the_junit_report_keeps_its_suite_name(tmp_path: Path) -> None:
    report = Report(
        target="t", settings="s", operations={"GET /api/units/": OperationResult("GET /api/units/")},
        tolerated=Counter(), rule_reasons={},
    )  # fmt: skip
    path = tmp_path / "junit.xml"
    write_junit(report, path, Masker(["inventree"], "admin"))
    assert 'name="inventree-contract"' in path.read_text()


def test_schemathesis_masks_credentials_and_not_fields_that_look_like_them() -> None:
    settings = Settings.load({"base_url": "http://127.0.0.1:8000", "token": "t"}, environ={})
    login = Login(token=Secret("t"), username="admin", is_staff=True, server="InvenTree", api_version=303)
    config = schemathesis_config(settings, login).output.sanitization
    item = {
        "headers": {"Authorization": "Token t", "Cookie": "sessionid=s", "X-CSRFToken": "c"},
        "body": {"author": "Ada", "key": "k1", "token_count": 3},
    }
    sanitize_value(item, config=config)
    assert item["headers"] == {"Authorization": "[Filtered]", "Cookie": "[Filtered]", "X-CSRFToken": "[Filtered]"}
    assert item["body"] == {"author": "Ada", "key": "k1", "token_count": 3}
