"""When InvenTree may rightly refuse schema-valid data, or accept schema-invalid data.

Two Schemathesis checks judge the server by the schema alone: `positive_data_acceptance` (valid data
must not be refused) and `negative_data_rejection` (invalid data must be refused). InvenTree has rules
no schema can express (a unique `code`, a unit definition that must parse) and reads values the DRF
way (a number where a string is expected is stored as text). Both would make a correct server fail.

Instead of switching those checks off, a `filter_failure` hook (the Schemathesis way to drop a
failure that is not the API's fault) drops exactly these kinds of failure, and counts each drop by
name so the report shows it:

- a 400 whose DRF field errors are each explained by a named business rule below;
- a 404 "Machine '<pk>' not found" for a created machine the registry did not load
  (`machine-not-registered`, against Schemathesis' `ensure_resource_availability`);
- an accepted "invalid" request that DRF reads as valid (`drf-coercion`), whose only invalid part
  is a query parameter, which InvenTree ignores when it cannot use it (`ignored-query-parameter`), or
  sent to a view that reads its body by hand and never validates it (`search-reads-by-hand`,
  `action-reads-by-hand`).

Every rule's reason cites the InvenTree (or DRF) source that makes the behaviour deliberate. Where a
view cleans its input (InvenTree's CleanMixin), text is judged as cleaned (drf.text).

Anything else (a 500, a wrong shape, auth not enforced, a 400 for a reason not listed) still fails.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import AllowHeaderMismatch, EnsureResourceAvailability, RejectedPositiveData

from contract_tests.checks import serializer
from drf.text import HTML_TAGS_MESSAGE, HtmlTagsFound, clean_data, clean_string

if TYPE_CHECKING:
    from schemathesis import Case, HookContext, Response
    from schemathesis.core.failures import Failure

Precondition = Callable[["Case[Any]", str], bool]  # (request, field) -> does the rule apply to it


def _always(case: Case[Any], name: str) -> bool:
    return True


def _sent(case: Case[Any], name: str) -> Any:
    return case.body.get(name) if isinstance(case.body, Mapping) else None


def _operation_id(case: Case[Any]) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _sent_blank(case: Case[Any], name: str) -> bool:
    """Blank as the serializer sees it: after InvenTree's cleaning where the view cleans (drf.text)."""
    value = _sent(case, name)
    if not isinstance(value, str):
        return False
    if not serializer.cleans(_operation_id(case)):
        return not value.strip()
    try:
        return not clean_string(value)
    except HtmlTagsFound:
        return False


def _sent_html_tags(case: Case[Any], name: str) -> bool:
    """The view cleans, and the first value it refuses for HTML tags is the one under `name`."""
    if not serializer.cleans(_operation_id(case)) or not isinstance(case.body, Mapping):
        return False
    try:
        clean_data(case.body)
    except HtmlTagsFound as refused:
        return refused.field == name
    return False


def _sent_with_nul(case: Case[Any], name: str) -> bool:
    return _holds_nul(_sent(case, name))


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _sent_non_object(case: Case[Any], name: str) -> bool:
    return not isinstance(_sent(case, name), Mapping) or case.media_type in serializer.FORM_MEDIA_TYPES


def _form_cannot_say_it(case: Case[Any], name: str) -> bool:
    """A form carries text only: a null, an object or a list arrives as text DRF cannot read for the field."""
    return case.media_type in serializer.FORM_MEDIA_TYPES and (
        _sent(case, name) is None or isinstance(_sent(case, name), (Mapping, list))
    )


@dataclass(frozen=True)
class BusinessRule:
    """A reason InvenTree answers 400 to schema-valid data: which operations, fields and messages."""

    name: str
    reason: str
    operations: frozenset[str]  # operationIds; empty = every operation
    fields: frozenset[str]  # DRF error keys the rule explains ("detail" for a detail body)
    messages: re.Pattern[str] | None = None  # every message must match; None = any message
    applies: Precondition = field(default=_always)

    def explains(self, operation_id: str, name: str, messages: list[str], case: Case[Any]) -> bool:
        if self.operations and operation_id not in self.operations:
            return False
        if name not in self.fields and "*" not in self.fields:
            return False
        if self.messages is not None and not all(self.messages.search(message) for message in messages):
            return False
        return self.applies(case, name)


def _ops(*names: str) -> frozenset[str]:
    return frozenset(names)


WRITES = ("create", "update", "partial_update")
BUSINESS_RULES: tuple[BusinessRule, ...] = (
    BusinessRule(
        "unique-value",
        "project code `code`, custom unit `name` and `symbol`, machine `name` and news `feed_id` are unique "
        "(common/models.py:99 ProjectCode.code, :1716-1720 CustomUnit.name and :1677-1684 its symbol check, "
        ":1598 NewsFeedEntry.feed_id; machine/models.py:19-24 MachineConfig.name); a duplicate is refused with "
        "Django's '<Model> with this <Field> already exists.'",
        frozenset(f"{prefix}_{write}" for prefix in ("project_code", "units", "machine", "news") for write in WRITES),
        frozenset({"code", "name", "symbol", "feed_id"}),
        re.compile(r"already exists|must be unique"),
    ),
    BusinessRule(
        "not-blank",
        "DRF trims text and refuses a blank value for a field the model does not allow blank "
        "('This field may not be blank.', rest_framework/fields.py CharField allow_blank=False); the schema "
        "has no minLength to say so. Where the view cleans (InvenTree/mixins.py CleanMixin), non-printable "
        "characters are removed first (InvenTree/helpers.py remove_non_printable_characters), so a value "
        "made of them is blank too",
        frozenset(),
        frozenset({"*"}),
        re.compile(r"^This field may not be blank\.$"),
        _sent_blank,
    ),
    BusinessRule(
        "no-html-tags",
        "InvenTree refuses text holding HTML tags in every view that cleans its input ('Remove HTML tags "
        "from this value', InvenTree/helpers.py strip_html_tags called by InvenTree/mixins.py "
        "CleanMixin.clean_string); the schema allows any text",
        serializer.CLEANED_OPERATIONS,
        frozenset({"*"}),
        re.compile("^" + re.escape(HTML_TAGS_MESSAGE) + "$"),
        _sent_html_tags,
    ),
    BusinessRule(
        "no-null-characters",
        "Django refuses the NUL character in any text ('Null characters are not allowed.', DRF CharField's "
        "ProhibitNullCharactersValidator); JSON Schema allows it. Views that clean their input remove it first",
        frozenset(),
        frozenset({"*"}),
        re.compile(r"^Null characters are not allowed\.$"),
        _sent_with_nul,
    ),
    BusinessRule(
        "form-text-only",
        "a form body carries text only, so a null, an object or a list is sent as text (`null`, a JSON dump) "
        "that DRF cannot read for a relation, a number or a JSON field (DRF's FormParser and MultiPartParser "
        "yield a QueryDict of strings); only JSON can send those",
        frozenset(),
        frozenset({"*"}),
        None,
        _form_cannot_say_it,
    ),
    BusinessRule(
        "related-object-exists",
        "a field holding the pk of another object (e.g. `responsible`, an owner) must name one that exists "
        "(DRF PrimaryKeyRelatedField: 'Invalid pk \"<pk>\" - object does not exist.')",
        frozenset(),
        frozenset({"*"}),
        re.compile(r'^Invalid pk ".*" - object does not exist\.$'),
    ),
    BusinessRule(
        "unit-name-valid",
        "a custom unit's `name` must be a Python identifier that pint does not define already "
        "(common/models.py:1686-1699 CustomUnit.clean: 'Unit name must be a valid identifier')",
        frozenset(f"units_{write}" for write in WRITES),
        frozenset({"name"}),
        re.compile(r"identifier|already|unique|registry"),
    ),
    BusinessRule(
        "unit-symbol-free",
        "a custom unit's `symbol` must not be one pint or another unit uses already "
        "(common/models.py:1677-1684 CustomUnit.validate_unique, :1708-1712 the registry's define)",
        frozenset(f"units_{write}" for write in WRITES),
        frozenset({"symbol"}),
        re.compile(r"already|unique|registry"),
    ),
    BusinessRule(
        "unit-definition-parses",
        "a custom unit's `definition` must parse as a quantity in known units, and the whole unit must define "
        "in pint's registry (common/models.py:1701-1712 CustomUnit.clean, pint's message, e.g. "
        "\"'not' is not defined in the unit registry\", under `definition` or, for the define step, "
        "`non_field_errors`)",
        frozenset(f"units_{write}" for write in WRITES),
        frozenset({"definition", "non_field_errors"}),
    ),
    BusinessRule(
        "metadata-is-object",
        "model metadata must be a JSON object (InvenTree/models.py:175-184 MetadataMixin.validate_metadata: "
        "'Metadata must be a python dict object'); the schema leaves `metadata` untyped",
        _ops("project_code_metadata_update", "project_code_metadata_partial_update"),
        frozenset({"metadata"}),
        None,
        _sent_non_object,
    ),
    BusinessRule(
        "notes-image-is-file",
        "a notes image must be an uploaded image file (common/models.py:1627 NotesImage.image = ImageField); "
        "the schema describes `image` as a URI string",
        _ops("notes_image_upload_create"),
        frozenset({"image"}),
    ),
    BusinessRule(
        "web-url",
        "Django's URLValidator accepts only http(s)/ftp(s) URLs with a host, fewer than `format: uri` "
        "(common/models.py:1602 NewsFeedEntry.link = URLField)",
        _ops("news_update", "news_partial_update"),
        frozenset({"link"}),
        re.compile(r"^Enter a valid URL\.$"),
    ),
    BusinessRule(
        "datetime-format",
        "DRF parses date-times as Django does (ISO 8601, DRF DateTimeField with the default "
        "DATETIME_INPUT_FORMATS; InvenTree/settings.py sets only the output format), which refuses some "
        "RFC 3339 spellings",
        _ops("news_update", "news_partial_update"),
        frozenset({"published"}),
        re.compile(r"^Datetime has wrong format\."),
    ),
    BusinessRule(
        "machine-setting-value",
        "a machine setting validates its value by its own type, choices or model (common/models.py:734-760 "
        "BaseInvenTreeSetting.clean, run through InvenTree/serializers.py:351-354 full_clean; LOCATION must "
        "name a stock location); the schema types every value as a string",
        _ops("machine_settings_update", "machine_settings_partial_update"),
        frozenset({"value", "non_field_errors"}),
    ),
    BusinessRule(
        "bulk-delete-selection",
        "a bulk delete needs `items` or `filters` that match something (InvenTree/api.py:342-452 "
        "BulkDeleteMixin.delete); the schema documents no body",
        _ops("news_destroy", "notifications_destroy", "error_report_destroy"),
        frozenset({"non_field_errors", "items", "filters"}),
        re.compile(
            r"must be provided for bulk deletion|No items found to delete|must be supplied as a"
            r"|Invalid items list provided|Invalid filters provided"
        ),
    ),
    BusinessRule(
        "locate-plugin",
        "locating needs an installed locate plugin (plugin/base/locate/api.py:36-47: ParseError \"'plugin' "
        'field must be supplied", "Plugin \'<slug>\' is not installed, or does not support the location mixin"); '
        "the schema takes any plugin name",
        _ops("locate_create"),
        frozenset({"detail"}),
        re.compile(r"field must be supplied|is not installed"),
    ),
    BusinessRule(
        "status-model-exists",
        "InvenTree declares a 400 'Invalid request' for a status model it cannot serve "
        "(generic/states/api.py:56-62, extend_schema(responses={400: ...}) on StatusView.get, at API 196 and "
        "303); the schema takes any name. A DRF detail refusing an unknown name is that answer. (InvenTree "
        "0.18 answers 500 for every name instead: a defect this rule never covers)",
        _ops("generic_status_retrieve_2"),
        frozenset({"detail"}),
    ),
)

DRF_COERCION = "drf-coercion"
IGNORED_QUERY = "ignored-query-parameter"
MACHINE_NOT_REGISTERED = "machine-not-registered"
SEARCH_READS_BY_HAND = "search-reads-by-hand"
ACTION_READS_BY_HAND = "action-reads-by-hand"
# A machine whose type or driver is not installed is stored, but the machine registry never loads it;
# its restart and settings then answer 404 "Machine '<pk>' not found" (InvenTree's machine `get_machine`).
REGISTRY_OPERATIONS = frozenset(
    {"machine_restart_create", "machine_settings_list", "machine_settings_retrieve"}
    | {"machine_settings_update", "machine_settings_partial_update"}
)
NOT_IN_REGISTRY = re.compile(r"^Machine '[^']*' not found$")
CATCH_ALL_ALLOW = "catch-all-allow"
# InvenTree's catch-all (InvenTree/api.py NotFoundView) answers any path no URL pattern takes, such
# as an id its converter refuses, as a DRF view of its own: its `Allow` lists its own methods.
CATCH_ALL_DETAIL = "API endpoint not found"


@dataclass
class Ledger:
    """Counts the failures dropped per rule, so the report can show what was expected and why."""

    counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, rule: str) -> None:
        with self._lock:
            self.counts[rule] += 1


def reasons() -> dict[str, str]:
    """Every named rule with its reason, for the report."""
    found = {rule.name: rule.reason for rule in BUSINESS_RULES}
    found[DRF_COERCION] = (
        "DRF reads the value leniently (a number as text, '1' as true) or ignores the field "
        "(rest_framework/fields.py to_internal_value of each field; unknown and read-only fields are dropped)"
    )
    found[IGNORED_QUERY] = (
        "InvenTree ignores a query parameter it cannot use: DRF's LimitOffsetPagination reads `limit` and "
        "`offset` with positive_int and ignores what it cannot read, django-filter ignores unknown filters"
    )
    found[CATCH_ALL_ALLOW] = (
        "a path no URL pattern takes (an id of the wrong form) is answered by InvenTree's catch-all 404 view, "
        "whose `Allow` lists the catch-all's own methods, not the operation's"
    )
    found[MACHINE_NOT_REGISTERED] = (
        "a machine of a type or driver that is not installed is stored but not loaded: its restart and "
        "settings answer 404 \"Machine '<pk>' not found\" (machine/registry.py:164-170, machine/api.py:58-72)"
    )
    found[SEARCH_READS_BY_HAND] = (
        "the search view reads its body by hand and never validates it (InvenTree/api.py:502-563 "
        "APISearchView.post): it asks only that `search` be present, hands the other values to each requested "
        "model's list view as query parameters, which ignore what they cannot read, and answers "
        '{"<model>": {"error": ...}} for any failure there'
    )
    found[ACTION_READS_BY_HAND] = (
        "the action view reads `action` and `data` by hand and never validates its serializer "
        '(plugin/base/action/api.py:26-45 ActionPluginView.post): it answers 200 {"error": "No action '
        'specified"} or {"error": "No matching action found", "action": ...} to what it cannot use'
    )
    return found


def failure_filter(ledger: Ledger) -> Callable[[HookContext, Failure, Case[Any], Response], bool]:
    """A `filter_failure` hook: False (drop) only for a failure a named rule explains."""

    def filter_failure(context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
        rule = explain(failure, case, response)
        if rule is None:
            return True
        for name in rule.split(","):
            ledger.record(name)
        return False

    return filter_failure


def explain(failure: Failure, case: Case[Any], response: Response) -> str | None:
    """The name of the rule under which this failure is InvenTree behaviour, or None."""
    if isinstance(failure, RejectedPositiveData):
        return _explain_refusal(case, response)
    if isinstance(failure, AcceptedNegativeData):
        return _explain_acceptance(case)
    if isinstance(failure, EnsureResourceAvailability):
        return _explain_unregistered_machine(case, response)
    if isinstance(failure, AllowHeaderMismatch):
        return CATCH_ALL_ALLOW if response.status_code == 404 and _detail(response) == CATCH_ALL_DETAIL else None
    return None


def _detail(response: Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("detail") if isinstance(body, Mapping) else None


def _explain_unregistered_machine(case: Case[Any], response: Response) -> str | None:
    if case.operation.definition.raw.get("operationId") not in REGISTRY_OPERATIONS or response.status_code != 404:
        return None
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return MACHINE_NOT_REGISTERED if isinstance(detail, str) and NOT_IN_REGISTRY.match(detail) else None


def _explain_refusal(case: Case[Any], response: Response) -> str | None:
    if response.status_code != 400:
        return None
    try:
        errors = response.json()
    except ValueError:
        return None
    if not isinstance(errors, Mapping) or not errors:
        return None
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    names: set[str] = set()
    for key, value in errors.items():
        messages = list(_messages(value))
        rule = next(
            (rule for rule in BUSINESS_RULES if rule.explains(operation_id, str(key), messages, case)),
            None,
        )
        if rule is None:
            return None
        names.add(rule.name)
    return ",".join(sorted(names))


def _messages(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _messages(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _messages(item)
    else:
        yield repr(value)


def _explain_acceptance(case: Case[Any]) -> str | None:
    meta = case.meta
    if meta is None:
        return None
    negative = {location for location, component in meta.components.items() if component.mode.is_negative}
    if not negative:
        return None
    if negative <= {ParameterLocation.QUERY}:
        return IGNORED_QUERY
    if _operation_id(case) == "search_create" and isinstance(case.body, Mapping) and "search" in case.body:
        return SEARCH_READS_BY_HAND
    if _operation_id(case) == "action_create" and (
        isinstance(case.body, Mapping) or case.media_type in serializer.FORM_MEDIA_TYPES
    ):
        return ACTION_READS_BY_HAND  # a form, even of a body that is not an object, is a mapping to the view
    if negative <= {ParameterLocation.QUERY, ParameterLocation.BODY} and _body_accepted_by_drf(case):
        return DRF_COERCION
    return None


def _body_accepted_by_drf(case: Case[Any]) -> bool:
    operation = case.operation
    content = (operation.definition.raw.get("requestBody") or {}).get("content") or {}
    media_type = case.media_type or next(iter(content), None)
    schema = (content.get(media_type) or {}).get("schema") if media_type else None
    if schema is None:
        return False
    partial = operation.method.upper() == "PATCH"
    return serializer.accepts(
        case.body,
        schema,
        operation.schema.raw_schema,
        partial=partial,
        media_type=media_type,
        operation_id=_operation_id(case),
    )
