"""Answers written as DRF's JSONRenderer writes them, whatever text a client sent.

DRF renders with `ensure_ascii=False`, escapes U+2028 and U+2029 (which JavaScript does not allow
in a string), and encodes UTF-8 (rest_framework/renderers.py `JSONRenderer.render`). A lone
surrogate (U+D800 to U+DFFF, which a client can send as a JSON escape) cannot be encoded so: any answer that
echoes it, a stored value or an error message quoting the input, would fail to encode (a 500 on
InvenTree). Here such a character goes back out as the escape it came in as, which every JSON
parser reads back to the same string.
"""

from __future__ import annotations

import json
import re
from typing import Any

SURROGATE = re.compile("[\ud800-\udfff]")


def render_json(body: Any) -> bytes:
    """`body` as the bytes of DRF's compact JSON answer."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A surrogate can only stand inside a JSON string here, where its escape is valid JSON.
        return SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", text).encode("utf-8")
