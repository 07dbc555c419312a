"""How InvenTree cleans text before a serializer sees it (InvenTree/mixins.py `CleanMixin`).

Every create and update of InvenTree's API views runs `clean_data` on the request: each string
value loses its non-printable characters (`helpers.remove_non_printable_characters`), is stripped,
and is refused if bleach finds HTML tags in it (`helpers.strip_html_tags`). Only then does DRF
check `max_length` and blankness, so a value made only of control characters is blank, and a
value of 51 characters with one of them fits a `maxLength: 50`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

import bleach

# InvenTree/helpers.py remove_non_printable_characters: ASCII control characters (not the newline,
# handled apart), then Unicode directional marks, then the newline unless the field keeps it.
ASCII_CONTROL = re.compile("[\u0000-\u0009\u000b-\u001f\u007f-\u009f]")
UNICODE_CONTROL = re.compile("[\u200e\u200f\u202a-\u202e]")
NEWLINE = re.compile("[\x0a]")
HTML_TAGS_MESSAGE = "Remove HTML tags from this value"
# bleach escapes these; strip_html_tags puts them back before comparing lengths.
_UNESCAPED = {"&gt;": ">", "&lt;": "<", "&amp;": "&"}
# Text without these passes bleach unchanged, so it needs no parse (bleach's html5lib parse is most
# of what a write costs the mock): tags and entities, the control characters bleach turns into "?"
# or html5lib folds or drops (carriage return, NUL), and lone surrogates html5lib replaces.
# tests/drf/test_text.py holds this shortcut to bleach's own answer on generated text.
_MARKUP = re.compile("[<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# bleach builds an html5lib parser per Cleaner and recommends reusing one; a Cleaner is not safe to
# share between threads (the suite's checks run in several), so each thread keeps its own.
_CLEANERS = threading.local()


class HtmlTagsFound(ValueError):
    """InvenTree refuses this text: `{"<field>": ["Remove HTML tags from this value"]}`."""

    def __init__(self, field: str = "non_field_errors") -> None:
        super().__init__(HTML_TAGS_MESSAGE)
        self.field = field  # the request key whose value holds the tags


def remove_non_printable_characters(value: str, *, remove_newline: bool = True) -> str:
    """InvenTree's `remove_non_printable_characters`, character for character."""
    cleaned = ASCII_CONTROL.sub("", value)
    cleaned = UNICODE_CONTROL.sub("", cleaned)
    if remove_newline:
        cleaned = NEWLINE.sub("", cleaned)
    return cleaned


def strip_html_tags(value: str) -> str:
    """InvenTree's `strip_html_tags`: the stripped text, or HtmlTagsFound when bleach changes it."""
    value = value.strip()
    if _MARKUP.search(value) is None:
        return value
    cleaned = str(_cleaner().clean(value))
    for escaped, character in _UNESCAPED.items():
        cleaned = cleaned.replace(escaped, character)
    if len(cleaned) != len(value):
        raise HtmlTagsFound()
    return cleaned


def _cleaner() -> bleach.Cleaner:
    """The current thread's Cleaner, set as InvenTree's `bleach.clean(value, strip=True, tags=[], attributes=[])`."""
    cleaner: bleach.Cleaner | None = getattr(_CLEANERS, "cleaner", None)
    if cleaner is None:
        cleaner = _CLEANERS.cleaner = bleach.Cleaner(tags=[], attributes=[], strip=True)
    return cleaner


def clean_string(value: str, *, remove_newline: bool = True) -> str:
    """What InvenTree's CleanMixin hands the serializer for a string value (HtmlTagsFound if refused).

    `remove_newline` is False only for notes fields (InvenTreeNotesField), which keep their lines.
    """
    return strip_html_tags(remove_non_printable_characters(value, remove_newline=remove_newline))


def clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """InvenTree's `CleanMixin.clean_data`: every string value cleaned, objects recursively, others as sent.

    Keys are kept as sent, lists and numbers are left alone (InvenTree/mixins.py `clean_data`). A value
    that holds HTML tags raises `HtmlTagsFound` naming its key, as InvenTree answers
    `{"<key>": ["Remove HTML tags from this value"]}`.
    """
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            try:
                cleaned[key] = clean_string(value)
            except HtmlTagsFound as refused:
                refused.field = str(key)
                raise
        elif isinstance(value, Mapping):
            cleaned[key] = clean_data(value)
        else:
            cleaned[key] = value
    return cleaned
