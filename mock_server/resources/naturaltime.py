"""Django's `naturaltime` for a moment in the past, as InvenTree's notifications show their age.

`NotificationMessage.age_human` is `naturaltime(self.creation)` (common/models.py): under a day,
"a second ago", "5\u00a0minutes ago", "an hour ago"; from a day on, Django's `timesince` with two
adjacent units, e.g. "1\u00a0week, 2\u00a0days ago" (django/utils/timesince.py,
django/contrib/humanize/templatetags/humanize.py). Numbers and units are joined by a non-breaking
space, as Django's `avoid_wrapping` and its English strings do.
"""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"
UNITS = ("year", "month", "week", "day", "hour", "minute")
CHUNKS = (7 * 86_400, 86_400, 3_600, 60)
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def naturaltime(value: dt.datetime, now: dt.datetime) -> str:
    """How long before `now` the aware datetime `value` was, in Django's words."""
    if value >= now:
        return "now"  # the mock's notifications are never in the future
    delta = now - value
    if delta.days != 0:
        return f"{timesince(value, now)} ago"
    seconds = delta.seconds
    if seconds == 0:
        return "now"
    if seconds < 60:
        return "a second ago" if seconds == 1 else f"{seconds}{NBSP}seconds ago"
    if seconds // 60 < 60:
        minutes = seconds // 60
        return "a minute ago" if minutes == 1 else f"{minutes}{NBSP}minutes ago"
    hours = seconds // 3_600
    return "an hour ago" if hours == 1 else f"{hours}{NBSP}hours ago"


def timesince(value: dt.datetime, now: dt.datetime, depth: int = 2) -> str:
    """Django's `timesince`: calendar years and months first, then weeks, days, hours, minutes."""
    months_total = (now.year - value.year) * 12 + (now.month - value.month)
    if value.day > now.day or (value.day == now.day and value.time() > now.time()):
        months_total -= 1
    years, months = divmod(months_total, 12)
    pivot = value
    if years or months:
        year, month = value.year + years, value.month + months
        if month > 12:
            month -= 12
            year += 1
        day = min(MONTH_DAYS[month - 1], value.day)
        pivot = dt.datetime(year, month, day, value.hour, value.minute, value.second, tzinfo=value.tzinfo)
    remaining = (now - pivot).total_seconds()
    parts = [years, months]
    for chunk in CHUNKS:
        count = int(remaining // chunk)
        parts.append(count)
        remaining -= chunk * count
    first = next((i for i, count in enumerate(parts) if count), None)
    if first is None:
        return f"0{NBSP}minutes"
    words: list[str] = []
    for index in range(first, min(first + depth, len(parts))):
        if parts[index] == 0:
            break
        count = parts[index]
        words.append(f"{count}{NBSP}{UNITS[index]}{'s' if count != 1 else ''}")
    return ", ".join(words)
