"""Django's naturaltime, as InvenTree words a notification's age."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from mock_server.resources.naturaltime import naturaltime

NOW = dt.datetime(2026, 11, 29, 17, 0, 0, tzinfo=dt.UTC)
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (dt.timedelta(0), "now"),
        (dt.timedelta(seconds=1), "a second ago"),
        (dt.timedelta(seconds=42), f"42{NBSP}seconds ago"),
        (dt.timedelta(minutes=1, seconds=5), "a minute ago"),
        (dt.timedelta(minutes=59), f"59{NBSP}minutes ago"),
        (dt.timedelta(hours=1, minutes=30), "an hour ago"),
        (dt.timedelta(hours=23), f"23{NBSP}hours ago"),
        (dt.timedelta(days=1), f"1{NBSP}day ago"),
        (dt.timedelta(days=1, hours=3), f"1{NBSP}day, 3{NBSP}hours ago"),
        (dt.timedelta(days=9, hours=7), f"1{NBSP}week, 2{NBSP}days ago"),
        (dt.timedelta(days=14, minutes=5), f"2{NBSP}weeks ago"),
    ],
)
def test_past_moments(before: dt.timedelta, words: str) -> None:
    assert naturaltime(NOW - before, NOW) == words


def test_months_and_years_count_calendar_months() -> None:
    # Django counts whole calendar months first, then what is left in weeks and days.
    assert naturaltime(dt.datetime(2026, 10, 2, 8, 0, tzinfo=dt.UTC), NOW) == f"1{NBSP}month, 3{NBSP}weeks ago"
    assert naturaltime(dt.datetime(2025, 10, 29, 17, 0, tzinfo=dt.UTC), NOW) == f"1{NBSP}year, 1{NBSP}month ago"
    # Adjacent units only: a year and some days is "1 year".
    assert naturaltime(dt.datetime(2025, 11, 20, 17, 0, tzinfo=dt.UTC), NOW) == f"1{NBSP}year ago"


def test_notifications_show_references_and_django_ages(admin: httpx.Client) -> None:
    first = admin.get("/api/notifications/1/").json()
    assert first["target"] == {
        "name": "BO-0012",
        "model_name": "Build Order",
        "model_type": "build",
        "model_id": 12,
        "link": "/platform/manufacturing/build-order/12",
    }
    assert first["source"] == {"name": "admin", "model_name": "user", "model_type": "user", "model_id": 1}
    assert first["age_human"].endswith(" ago") and NBSP in first["age_human"]
    assert admin.get("/api/notifications/3/").json()["target"] == {}
