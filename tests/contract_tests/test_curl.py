"""Every curl line in a report, run as printed with INVENTREE_TOKEN exported, sends the failed request byte for byte."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from contract_tests import render
from contract_tests.checks.exchange import FollowUpFailed
from contract_tests.reporting.curl import curl_line
from contract_tests.reporting.report import TOKEN_REFERENCE, Masker, reproduction
from tests.contract_tests.faults import FAULTS, Exchange, Intercept
from tests.contract_tests.servers import reset, serving, suite

TOKEN = "inv-a1b2c3d4e5f60718293a4b5c6d7e8f9012345678-20260101"  # the mock's admin token (fixtures/tokens.yaml)
Message = MutableMapping[str, Any]


@dataclass(frozen=True)
class Sent:
    """A request as it reached the server."""

    method: str
    target: str  # path and query, undecoded
    body: bytes
    content_type: str | None
    authorization: str | None


@dataclass
class Recorder:
    """ASGI middleware that keeps every request it passes on."""

    app: Any
    seen: list[Sent] = field(default_factory=list)

    async def __call__(
        self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body, messages = b"", []
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope.get("raw_path", scope["path"].encode()).decode("latin-1") + (f"?{query}" if query else "")
        self.seen.append(Sent(scope["method"], target, body, headers.get("content-type"), headers.get("authorization")))

        async def replay() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        await self.app(scope, replay, send)


async def ok(
    scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def replay(line: str) -> None:
    """Run a report's curl line as a user would: in bash, with the token exported."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "INVENTREE_TOKEN": TOKEN}
    completed = subprocess.run(["bash", "-c", line], env=env, capture_output=True, timeout=30, check=False)
    assert completed.returncode == 0, completed.stderr.decode()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"description": "a\\u0001b", "author": "Ada"}'),
        (
            "text/plain",
            b"control \x01\x02\x1b[31m\t tab\r\nCRLF\x7f %s %% \\n \\\\ 'quote' \"dq\" $HOME `x` \xe2\x82\xac",
        ),
        ("text/plain", b"@/etc/passwd"),
        (
            "multipart/form-data; boundary=b0undary",
            b'--b0undary\r\nContent-Disposition: form-data; name="image"; '
            b'filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\r\n--b0undary--\r\n',
        ),
        (None, b"field=1&author=x"),
    ],
    ids=["json-author", "control-characters", "at-sign", "multipart-binary", "no-content-type"],
)
def test_a_curl_line_sends_the_same_bytes(content_type: str | None, body: bytes) -> None:
    recorder = Recorder(ok)
    with serving(recorder) as url:
        target = f"{url}/api/news/1/?search=a%20b&ordering=-date&x=[1]"
        headers = {"Authorization": f"Token {TOKEN}", "Accept": "application/json"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        masker = Masker([TOKEN])
        line = curl_line("PATCH", target, headers, body, header_value=masker.header, reference=TOKEN_REFERENCE)
        assert TOKEN not in line and "${INVENTREE_TOKEN}" in line and "\n" not in line
        replay(line)
    (sent,) = recorder.seen
    assert sent == Sent("PATCH", "/api/news/1/?search=a%20b&ordering=-date&x=[1]", body, content_type, f"Token {TOKEN}")


def server_error_when(condition: Callable[[Exchange], bool]) -> Callable[[Exchange], None]:
    def before(exchange: Exchange) -> None:
        if condition(exchange):
            exchange.respond(500, b"<h1>Server Error (500)</h1>", content_type="text/html")

    return before


@pytest.mark.parametrize(
    ("method", "path", "operations", "condition", "check"),  # without a condition: `method` names a fault
    [
        ("PATCH", r"/api/news/\d+/", ("news_partial_update",), lambda ex: b'"author"' in ex.body, "not_a_server_error"),
        (
            "POST",
            r"/api/notes-image-upload/",
            ("notes_image_upload_create",),
            lambda ex: ex.headers.get("content-type", "").startswith("multipart/"),
            "not_a_server_error",
        ),
        ("auth-not-enforced", "", ("units_list",), None, "ignored_auth"),
    ],
    ids=["field-named-author", "multipart", "ignored-auth"],
)
def test_every_reported_curl_line_replays_the_failed_request(
    mock_app: Any,
    method: str,
    path: str,
    operations: tuple[str, ...],
    condition: Callable[[Exchange], bool] | None,
    check: str,
) -> None:
    wrapped = (
        Intercept(mock_app, method=method, path=path, before=server_error_when(condition))
        if condition is not None
        else next(fault for fault in FAULTS if fault.name == method).wrap(mock_app)
    )
    recorder = Recorder(wrapped)
    with serving(recorder) as url:
        reset(url)
        report = suite(url, operations=operations, token=TOKEN)
        failures = [failure for failure in report.failures if failure.check == check]
        assert failures, render(report)
        sent_by_suite = list(recorder.seen)
        for failure in failures:
            assert "[Filtered]" not in failure.details + "".join(failure.reproduce)
            for line in failure.reproduce:
                recorder.seen.clear()
                replay(line)
                (again,) = recorder.seen
                assert again in sent_by_suite, line
                if condition is None:  # a check that drops credentials: its request went without them
                    assert again.authorization in (None, "Token inv-" + "0" * 40 + "-20000101"), line


def test_a_check_s_own_request_without_credentials_is_the_one_reproduced() -> None:
    """`unauthenticated_request_refused` fails on its own request, sent without credentials: that one is shown."""
    recorder = Recorder(ok)
    with serving(recorder) as url:
        sent = requests.Request("GET", f"{url}/api/units/?limit=2", headers={"Accept": "application/json"}).prepare()
        failure = SimpleNamespace(exception=FollowUpFailed("Received: 200", sent))
        original = f"curl -X GET -H 'Authorization: Token {TOKEN}' {url}/api/units/?limit=2"
        info = SimpleNamespace(failure=failure, steps=[], code_sample=original)
        (line,) = reproduction(Masker([TOKEN]), info, None, None)
        assert "Authorization" not in line
        replay(line)
    (again,) = recorder.seen
    assert again == Sent("GET", "/api/units/?limit=2", b"", None, None)
