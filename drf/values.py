"""How DRF's fields read request values (rest_framework/fields.py, DRF 3.14, which InvenTree 0.18 pins)."""

from __future__ import annotations

import re

# BooleanField.TRUE_VALUES / FALSE_VALUES / NULL_VALUES
TRUE_VALUES = frozenset({"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1})
FALSE_VALUES = frozenset({"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0})
NULL_VALUES = frozenset({"null", "Null", "NULL", "", None})
# IntegerField.re_decimal: "12.0" and "12.00 " read as 12
INTEGER_SUFFIX = re.compile(r"\.0*\s*$")
# The shape of what Django's URLValidator (behind DRF's URLField) can accept: a web scheme and a
# host. Looser than Django's, so that a URL is never called invalid here that Django would take.
WEB_URL = re.compile(r"^(?:https?|ftps?)://[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
# django-filter's BooleanWidget: what a boolean filter understands; any other value is ignored.
FILTER_BOOLEANS = {"1": True, "true": True, "0": False, "false": False}
