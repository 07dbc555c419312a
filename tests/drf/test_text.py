"""drf/text.py: text cleaned exactly as InvenTree's CleanMixin cleans it before DRF validates."""

from __future__ import annotations

import bleach
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drf.text import HTML_TAGS_MESSAGE, HtmlTagsFound, clean_string, remove_non_printable_characters, strip_html_tags


@pytest.mark.parametrize(
    "character",
    [chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
    + ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"],
)
def test_every_character_inventree_removes_is_removed(character: str) -> None:
    assert remove_non_printable_characters(f"a{character}b") == "ab"


@pytest.mark.parametrize("character", ["\u00a0", "\u2028", "\u200b", "\t ", "é", "\U0001f600"])
def test_characters_inventree_keeps_are_kept(character: str) -> None:
    # A tab is a control character, but the space after it stays: only the listed ranges go.
    expected = character.replace("\t", "")
    assert remove_non_printable_characters(f"a{character}b") == f"a{expected}b"


def test_newlines_go_unless_the_field_keeps_them() -> None:
    assert remove_non_printable_characters("a\nb") == "ab"
    assert remove_non_printable_characters("a\nb", remove_newline=False) == "a\nb"


def test_cleaning_strips_after_removing_so_control_characters_alone_are_blank() -> None:
    assert clean_string(" \x01\x02 ") == ""
    assert clean_string("\x01" + "x" * 50) == "x" * 50  # fits a maxLength of 50 once cleaned


@pytest.mark.parametrize("value", ["<b>bold</b>", "<script>alert(1)</script>", "&amp;", "a<br>b"])
def test_html_tags_are_refused_with_inventrees_message(value: str) -> None:
    with pytest.raises(HtmlTagsFound, match=HTML_TAGS_MESSAGE):
        clean_string(value)


@pytest.mark.parametrize("value", ["a < b", "a > b", "fish & chips", "x&y"])
def test_lone_angle_brackets_and_ampersands_pass(value: str) -> None:
    assert clean_string(value) == value


def _inventree_strip_html_tags(value: str) -> str:
    """InvenTree/helpers.py `strip_html_tags` as written there: bleach on every value, every time."""
    value = value.strip()
    cleaned = bleach.clean(value, strip=True, tags=[], attributes=[])
    for escaped, character in {"&gt;": ">", "&lt;": "<", "&amp;": "&"}.items():
        cleaned = cleaned.replace(escaped, character)
    if len(cleaned) != len(value):
        raise HtmlTagsFound()
    return str(cleaned)


@given(st.text(alphabet=st.characters(exclude_categories=()) | st.sampled_from("<>&;/ab\r\n\x00\x0c\ufffe")))
@example("a\r\nb")
@example("&lt;b&gt;")
@example("\x00")
@example("<b>x</b>")
def test_strip_html_tags_answers_as_bleach_on_any_text(value: str) -> None:
    # The shortcut for text without markup must agree with InvenTree's own function on every text.
    try:
        expected: str | type[HtmlTagsFound] = _inventree_strip_html_tags(value)
    except HtmlTagsFound:
        expected = HtmlTagsFound
    try:
        got: str | type[HtmlTagsFound] = strip_html_tags(value)
    except HtmlTagsFound:
        got = HtmlTagsFound
    assert got == expected
