"""Compare two `manage dumpdata` outputs of a real InvenTree, allowing only what a run legitimately leaves.

A run must leave the server's data as it found it. A few tables change all the same, by InvenTree's
own design, and each is named here with the reason and with exactly what may change in it:

- `users.apitoken`: the token the suite asks for (`GET /api/user/token/?name=inventree-contract-kit`,
  one per user, kept so that the next run reuses it) and its last-seen time.
- `user_sessions.session`: every HTTP Basic login (the token fetch) and every anonymous request
  (the authentication probes) opens a session row (django-user-sessions).
- `auth.user`: `last_login` only, set by the Basic login behind the token fetch.
- `common.inventreesetting`: rows added, and the value of `_UPDATE_EXCHANGE_RATES_SUCCESS`. InvenTree
  creates a global setting with its default on its first read (`get_setting_object(create=True)`,
  common/models.py), e.g. STOCK_STALE_DAYS when a stock list is searched; the exchange refresh records
  the time it succeeded in that internal setting (InvenTree/tasks.py:161-163 record_task_success,
  called by update_exchange_rates).
- `machine.machinesetting`: rows added only, holding the default value. A GET of
  /api/machine/{id}/settings/{M|D}/{KEY}/ creates the setting row (the same get_setting_object);
  no API call deletes a setting.
- `exchange.exchangebackend`: `last_update` only, written by POST /api/currency/refresh/ (the
  operation's purpose; leave it out with --exclude currency_refresh_create).
- `error_report.error`, `common.notificationmessage`, `common.notificationentry`: rows added only, and
  only InvenTree's own "Server Error" ones: every 5xx the server answers is logged
  (InvenTree/exceptions.py log_error) and notified to every staff user (InvenTree/models.py). They
  count the server's defects the run found; existing notifications must be as they were (read flags).
Everything else, in every table, must be equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = dict[str, Any]
# The category and key of InvenTree's "Server Error" notification (InvenTree/models.py, error_log).
SERVER_ERROR = "inventree.error_log"


def _any(before: Row | None, after: Row | None) -> bool:
    return True


def _added(check: Callable[[Row], bool] = lambda row: True) -> Callable[[Row | None, Row | None], bool]:
    """Rows may be added (when `check` holds for them), never changed or removed."""

    def allowed(before: Row | None, after: Row | None) -> bool:
        return before is None and after is not None and check(after)

    return allowed


def _fields(*names: str) -> Callable[[Row | None, Row | None], bool]:
    """Existing rows may change in these fields only; none added or removed."""

    def allowed(before: Row | None, after: Row | None) -> bool:
        if before is None or after is None:
            return False
        return all(before.get(key) == after.get(key) for key in set(before) | set(after) if key not in names)

    return allowed


def _only_key(key: str, rule: Callable[[Row | None, Row | None], bool]) -> Callable[[Row | None, Row | None], bool]:
    """`rule`, for the setting row of this key alone."""

    def allowed(before: Row | None, after: Row | None) -> bool:
        return before is not None and before.get("key") == key and rule(before, after)

    return allowed


def _either(*rules: Callable[[Row | None, Row | None], bool]) -> Callable[[Row | None, Row | None], bool]:
    def allowed(before: Row | None, after: Row | None) -> bool:
        return any(rule(before, after) for rule in rules)

    return allowed


ALLOWED: dict[str, Callable[[Row | None, Row | None], bool]] = {
    "users.apitoken": _any,
    "user_sessions.session": _any,
    "auth.user": _fields("last_login"),
    "common.inventreesetting": _either(_added(), _only_key("_UPDATE_EXCHANGE_RATES_SUCCESS", _fields("value"))),
    "machine.machinesetting": _added(),
    "exchange.exchangebackend": _fields("last_update"),
    "error_report.error": _added(),
    "common.notificationmessage": _added(lambda row: row.get("category") == SERVER_ERROR),
    "common.notificationentry": _added(lambda row: row.get("key") == SERVER_ERROR),
}


def rows(path: Path) -> dict[tuple[str, str], Row]:
    """(model, pk) -> fields of every object in a dump."""
    return {(item["model"], str(item.get("pk"))): item["fields"] for item in json.loads(path.read_text("utf-8"))}


def differences(before: Path, after: Path) -> list[str]:
    """Every change between two dumps that no entry of ALLOWED explains, one line each."""
    old, new = rows(before), rows(after)
    found = []
    for key in sorted(set(old) | set(new)):
        model, pk = key
        was, now = old.get(key), new.get(key)
        if was == now or ALLOWED.get(model, _never)(was, now):
            continue
        if now is None:
            found.append(f"{model} pk={pk} removed: {_short(was)}")
        elif was is None:
            found.append(f"{model} pk={pk} added: {_short(now)}")
        else:
            changed = {name for name in set(was) | set(now) if was.get(name) != now.get(name)}
            found.append(
                f"{model} pk={pk} changed: "
                + "; ".join(f"{name} {_short(was.get(name))} -> {_short(now.get(name))}" for name in sorted(changed))
            )
    return found


def server_errors(before: Path, after: Path) -> int:
    """How many error reports the run's requests made the server log (one per 5xx)."""
    return sum(1 for key in set(rows(after)) - set(rows(before)) if key[0] == "error_report.error")


def _never(before: Row | None, after: Row | None) -> bool:
    return False


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
