"""Secrets out of everything a report says; curl lines that read the token from the environment.

A secret is masked where it stands as a value, never inside another word, and any credential is
masked where it is a header's or a cookie's value, whoever it belongs to.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

from schemathesis.engine.recorder import Request

from contract_tests.config import MASK, env_name
from contract_tests.reporting.curl import curl_line

FILTERED = "[Filtered]"  # what Schemathesis writes for a sanitized header value
TOKEN_REFERENCE = f"Token ${{{env_name('token')}}}"
# Characters that continue a value: a secret next to one of them is part of another word, not a value.
VALUE_CHAR = r"[A-Za-z0-9_.\-/+=%]"
# A credential in a header or cookie, whoever's it is: Basic credentials, Django's session and CSRF values.
CREDENTIAL_VALUE = re.compile(
    r"((?:Authorization|Proxy-Authorization):\s*Basic\s+|\b(?:sessionid|csrftoken)=|X-CSRFToken:\s*)"
    r"(?!\*{10})[^\s;,'\"]+",
    re.IGNORECASE,
)


class Masker:
    """Masks secrets where they stand as values; writes curl lines that read the token from the environment.

    A secret is masked only as a whole value (not inside another word: the password `inventree` stays
    in `https://inventree.org/`), and wherever a credential is a header's or cookie's value: any Basic
    credentials, the `sessionid` and `csrftoken` cookies, `X-CSRFToken`, whoever they belong to.
    """

    def __init__(self, secrets: Iterable[str], username: str | None = None) -> None:
        values = {secret for secret in secrets if secret}
        if username:
            for secret in list(values):
                values.add(base64.b64encode(f"{username}:{secret}".encode()).decode())
        self._secrets = sorted(values, key=len, reverse=True)
        alternatives = "|".join(re.escape(secret) for secret in self._secrets)
        self._whole = re.compile(rf"(?<!{VALUE_CHAR})(?:{alternatives})(?!{VALUE_CHAR})") if values else None

    def __call__(self, text: str) -> str:
        text = CREDENTIAL_VALUE.sub(lambda match: match.group(1) + MASK, text)
        return self._whole.sub(MASK, text) if self._whole is not None else text

    def header(self, name: str, value: str) -> str:
        """What a curl line shows for a header: the run's token as `${INVENTREE_TOKEN}`, other secrets masked."""
        if name.lower() == "authorization" and value.startswith("Token ") and value[6:] in self._secrets:
            return TOKEN_REFERENCE
        return self(f"{name}: {value}").split(": ", 1)[1]

    def curl(self, line: str) -> str:
        """A Schemathesis curl line, masked, authenticating with the token in `$INVENTREE_TOKEN`."""
        line = self(line)
        for quoted in (f"'Authorization: {FILTERED}'", f"'Authorization: Token {MASK}'"):
            line = line.replace(quoted, f'"Authorization: {TOKEN_REFERENCE}"')
        return line

    def curl_for(self, request: Request) -> str:
        """A curl line that sends `request` again, byte for byte, once `$INVENTREE_TOKEN` holds the token."""
        headers = {name: ", ".join(values) for name, values in request.headers.items()}
        return curl_line(
            request.method, request.uri, headers, request.body, header_value=self.header, reference=TOKEN_REFERENCE
        )
