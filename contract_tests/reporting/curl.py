"""A curl line that sends, byte for byte, the request as it went out: method, URL, headers and body.

Schemathesis' own curl lines are written for reading: a body is decoded as UTF-8 (a multipart file
part is lost), and `-d` lets curl add a form content type. These lines are written for running: the
body goes through `--data-binary`, from POSIX `printf` when it holds bytes a shell argument cannot carry;
headers curl would add of its own are switched off; the run's token is read from `$INVENTREE_TOKEN`.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping

from schemathesis.core import SCHEMATHESIS_TEST_CASE_HEADER

# Headers the transport sets by itself (curl computes the same ones) or that only name the connection.
NOT_REPEATED = frozenset(
    {"host", "content-length", "connection", "accept-encoding", SCHEMATHESIS_TEST_CASE_HEADER.lower()}
)
# Headers curl sends unless told otherwise; `-H 'Name:'` tells it not to.
CURL_DEFAULTS = ("User-Agent", "Accept")
PRINTABLE = frozenset(range(0x20, 0x7F))


def curl_line(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    header_value: Callable[[str, str], str],
    reference: str | None = None,
) -> str:
    """The command line that sends this request again.

    `header_value(name, value)` says what to print for a header: the value, a mask, or `reference` (a
    value naming an environment variable, double-quoted so that the shell expands it).
    """
    parts = ["curl"]
    method = method.upper()
    parts += ["--head"] if method == "HEAD" else ["-X", method]
    present = {name.lower() for name in headers}
    for name, value in headers.items():
        if name.lower() in NOT_REPEATED:
            continue
        shown = header_value(name, value)
        if reference is not None and shown == reference:
            parts.append(f'-H "{name}: {shown}"')
        else:
            parts.append(f"-H {shlex.quote(f'{name}: {shown}' if shown else f'{name};')}")
    parts += [f"-H {shlex.quote(f'{name}:')}" for name in CURL_DEFAULTS if name.lower() not in present]
    feed = ""
    if body is not None:
        if "content-type" not in present:
            parts.append("-H 'Content-Type:'")  # --data-binary would add a form content type
        parts.append("-H 'Expect:'")  # curl asks large bodies to wait for `100 Continue`
        if all(byte in PRINTABLE for byte in body) and not body.startswith(b"@"):
            parts.append(f"--data-binary {shlex.quote(body.decode('ascii'))}")
        else:
            feed = f"printf -- {_printf_format(body)} | "
            parts.append("--data-binary @-")
    if "/." in url.split("?", 1)[0]:
        parts.append("--path-as-is")  # curl would squash `/../` and `/./` in the path
    if any(char in url for char in "[]{}"):
        parts.append("--globoff")  # curl would read brackets and braces as URL patterns
    parts.append(shlex.quote(url))
    return feed + " ".join(parts)


def _printf_format(body: bytes) -> str:
    """A single-quoted printf format that writes exactly `body` (bytes outside printable ASCII as POSIX octal)."""
    out = []
    for byte in body:
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif char == "\\":
            out.append("\\\\")
        elif char == "'":
            out.append("'\\''")
        elif byte in PRINTABLE:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "'" + "".join(out) + "'"
