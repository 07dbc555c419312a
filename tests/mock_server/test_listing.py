"""Search, ordering and limit/offset pagination, the DRF way."""

from __future__ import annotations

from starlette.datastructures import URL, QueryParams

from mock_server.resources.listing import ListOptions, paginate, search_terms, select

RECORDS = [
    {"pk": 1, "code": "B", "description": "beta", "read": True},
    {"pk": 2, "code": "A", "description": "alpha one", "read": False},
    {"pk": 3, "code": "C", "description": None, "read": False},
    {"pk": 4, "code": "A", "description": "alpha two", "read": True},
]
OPTIONS = ListOptions(search_fields=("code", "description"), ordering_fields=("code", "pk"), filters={"read": "bool"})
URL_ = URL("http://testserver/api/things/?search=a")


def query(text: str) -> QueryParams:
    return QueryParams(text)


def test_search_terms_split_on_spaces_and_commas() -> None:
    assert search_terms(" Alpha,one  two ") == ["alpha", "one", "two"]


def test_search_is_case_insensitive_and_every_term_must_match() -> None:
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("search=ALPHA"))] == [2, 4]
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("search=alpha two"))] == [4]


def test_ordering_by_several_fields_and_direction() -> None:
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("ordering=code,-pk"))] == [4, 2, 1, 3]
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("ordering=-code"))] == [3, 1, 2, 4]


def test_unknown_ordering_fields_are_ignored() -> None:
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("ordering=nope,-pk"))] == [4, 3, 2, 1]
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("ordering=nope"))] == [1, 2, 3, 4]


def test_boolean_filter_and_invalid_values() -> None:
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("read=TRUE"))] == [1, 4]
    assert [r["pk"] for r in select(RECORDS, OPTIONS, query("read=0"))] == [2, 3]
    assert len(select(RECORDS, OPTIONS, query("read=perhaps"))) == 4


def test_no_limit_means_no_page() -> None:
    for text in ("", "limit=0", "limit=-1", "limit=abc", "offset=2"):
        assert paginate(RECORDS, query(text), URL_) is None


def test_pages_and_their_links() -> None:
    first = paginate(RECORDS, query("limit=2"), URL("http://testserver/api/things/?limit=2&search=a"))
    assert first is not None
    assert (first.count, [r["pk"] for r in first.items], first.previous) == (4, [1, 2], None)
    assert first.next == "http://testserver/api/things/?limit=2&offset=2&search=a"
    last = paginate(RECORDS, query("limit=2&offset=3"), URL("http://testserver/api/things/?offset=3&limit=2"))
    assert last is not None
    assert [r["pk"] for r in last.items] == [4] and last.next is None
    assert last.previous == "http://testserver/api/things/?limit=2&offset=1"
    second = paginate(RECORDS, query("limit=2&offset=2"), URL("http://testserver/api/things/?limit=2&offset=2"))
    assert second is not None and second.previous == "http://testserver/api/things/?limit=2"


def test_an_offset_past_the_end_is_an_empty_page() -> None:
    page = paginate(RECORDS, query("limit=2&offset=10"), URL_)
    assert page is not None and page.items == [] and page.count == 4 and page.next is None
