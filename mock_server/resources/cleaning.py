"""InvenTree's CleanMixin: what every create and update of its generic views hands the serializer.

The rules for one string live in `drf.text` (shared with the contract suite); this module applies
them to a request body the way `CleanMixin.clean_data` walks it (InvenTree/mixins.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf.text import HTML_TAGS_MESSAGE, HtmlTagsFound, clean_string
from mock_server.pipeline.bodies import FormFields
from mock_server.pipeline.errors import ValidationError

# Marks the body schema of an InvenTree view with CleanMixin (ListCreateAPI, RetrieveUpdateAPI, ...).
CLEANED = "x-mock-clean"
# Marks an InvenTreeNotesField: the one kind of text that keeps its newlines when cleaned.
NOTES = "x-mock-notes"


def clean_mixin(data: Mapping[str, Any], *, notes_fields: frozenset[str] = frozenset(), is_form: bool = False) -> Any:
    """InvenTree's CleanMixin.clean_data: what every create and update hands its serializer.

    Strings (also inside objects, where the nested key names the field) are cleaned by
    `drf.text.clean_string`; lists and other values pass as they are. The first string holding
    HTML tags stops the request with `{"<field>": ["Remove HTML tags from this value"]}`
    (InvenTree/mixins.py `CleanMixin`, InvenTree/helpers.py `strip_html_tags`).
    """
    if is_form and isinstance(data, FormFields):
        pairs = [(name, _clean_value(name, value, notes_fields)) for name in data for value in data.get_list(name)]
        return FormFields(pairs)
    return {name: _clean_value(name, value, notes_fields) for name, value in data.items()}


def _clean_value(name: str, value: Any, notes_fields: frozenset[str]) -> Any:
    if isinstance(value, str):
        try:
            return clean_string(value, remove_newline=name not in notes_fields)
        except HtmlTagsFound:
            raise ValidationError({name: [HTML_TAGS_MESSAGE]}) from None
    if isinstance(value, dict):
        return {str(key): _clean_value(str(key), item, notes_fields) for key, item in value.items()}
    return value
