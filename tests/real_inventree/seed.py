"""Seed a real InvenTree (0.18 dev, API 303) with a staging-like data set of every family the contract covers.

Run inside InvenTree's Django shell (the server's own settings), then restart the server:

    real-inventree manage shell -c "exec(open('tests/real_inventree/seed.py').read())"
    real-inventree stop && real-inventree start

(tests/real_inventree/server.py does both.) The restart matters: InvenTree's machine registry keeps
its state in Django's cache, a per-process LocMemCache on a server without Redis
(InvenTree/helpers_mixin.py), so a server already running never loads a machine created in another
process; its restart and settings would answer 404 "Machine '<pk>' not found" until it restarts.

Idempotent, and a reset to the baseline: every object is found by a natural key (code, name,
feed_id, notification name, error path and message, endpoint id) and created when missing; the
fields a run may change are written back to the seeded values; the setting rows of the seeded
machines are deleted, so that "settings never written" holds after every seed (InvenTree creates a
setting row on the first GET of /api/machine/{id}/settings/{M|D}/{KEY}/, common/models.py:493-546).

Families, and how InvenTree itself creates the ones no API call can create:
- users, groups, owners: group `engineering` (admin in it); owners of admin, reader and the group
  (users.models.Owner.create, as InvenTree's post_save signal does).
- project codes (with metadata; owned by a user, a group, nobody) and custom units: the ORM with
  full_clean(), as the API serializers would.
- news (common.models.NewsFeedEntry): only common.tasks.update_news_feed creates them, from an RSS
  feed; here with the ORM, two unread and one read, published with seconds and microseconds as a
  feed gives them (the API answers them to the minute only: a restore must not lose them).
- notifications (common.models.NotificationMessage) of two users, read and unread: only
  common.notifications.trigger_notification creates them (UIMessageNotification delivery).
- error reports (error_report.models.Error): only InvenTree.exceptions.log_error creates them, inside
  an `except` block; InvenTree then notifies every staff user ("Server Error", InvenTree/models.py),
  so admin gets one more unread notification for each, exactly as on a real server.
- a notes image (common.models.NotesImage): a real 1x1 PNG under MEDIA_ROOT/notes/.
- machines (machine.models.MachineConfig): a label printer with a driver that is not installed and
  settings never written, and an inactive one.
- stock locations, a part category, a part, a stock item: what search, locate and the label
  printer's LOCATION setting refer to.
- an inactive webhook endpoint, and exchange rates as a refreshed server holds them.
"""

import base64
import datetime
import sys
from decimal import Decimal

import common.models
import common.notifications
import InvenTree.exceptions
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from machine.models import MachineConfig, MachineSetting
from users.models import Owner

User = get_user_model()
report = []


def note(what, created, changed=False):
    report.append(f"{'created' if created else 'reset  ' if changed else 'kept   '} {what}")


def reset(obj, **values):
    """Write the seeded values back where a run changed them; True when something changed."""
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    for k, v in changed.items():
        setattr(obj, k, v)
    if changed:
        obj.save()
    return bool(changed)


def aware(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


with transaction.atomic():
    # --- users, groups, owners -------------------------------------------------------------------------
    admin = User.objects.get(username="admin")
    reader = User.objects.get(username="reader")
    engineering, created = Group.objects.get_or_create(name="engineering")
    note("group engineering", created)
    admin.groups.add(engineering)
    owner_admin = Owner.create(obj=admin)
    owner_reader = Owner.create(obj=reader)
    owner_group = Owner.create(obj=engineering)

    # --- project codes -------------------------------------------------------------------------------
    codes = [
        ("PRJ-001", "Warehouse automation pilot", owner_admin, {"budget": 12000}),
        ("PRJ-002", "Label printer rollout", owner_group, {}),
        ("RND-042", "Sensor prototype research", owner_reader, {}),
        ("MNT-2024", "Yearly maintenance contract", None, {}),
        (
            "prj-001",
            "Lower-case twin of PRJ-001 (codes are case-sensitive)",
            owner_admin,
            {},
        ),  # InvenTree saves None as {} (InvenTree/models.py:178)
    ]
    project_codes = {}
    for code, description, owner, metadata in codes:
        obj, created = common.models.ProjectCode.objects.get_or_create(
            code=code, defaults={"description": description, "responsible": owner, "metadata": metadata}
        )
        if created:
            obj.full_clean()
        changed = reset(obj, description=description, responsible=owner, metadata=metadata)
        project_codes[code] = obj
        note(f"project code {code}", created, changed)

    # --- custom units ----------------------------------------------------------------------------------
    for name, symbol, definition in (
        ("hand_span", "hs", "0.2 m"),
        ("reel", "", "100 m"),
        ("pallet_load", "pl", "40 kg"),
    ):
        try:
            unit = common.models.CustomUnit.objects.get(name=name)
            note(f"custom unit {name}", False, reset(unit, symbol=symbol, definition=definition))
        except common.models.CustomUnit.DoesNotExist:
            unit = common.models.CustomUnit(name=name, symbol=symbol, definition=definition)
            unit.full_clean()
            unit.save()
            note(f"custom unit {name}", True)

    # --- news (only common.tasks.update_news_feed creates these) -------------------------------------
    news = [
        (
            "https://example.org/news/2025/01/release-0-18",
            "InvenTree 0.18 released",
            "2025-01-10T12:00:37.123456",
            "InvenTree",
            "The 0.18 release brings machine management improvements.",
            False,
        ),
        (
            "https://example.org/news/2024/12/plugin-guide",
            "Writing a machine driver plugin",
            "2024-12-21T08:30:59.5",
            "Matthias",
            "How to add a label printer driver.",
            True,
        ),
        (
            "https://example.org/news/2024/11/security",
            "Security advisory",
            "2024-11-02T17:45:12",
            "Oliver",
            "Please upgrade your server.",
            False,
        ),
    ]
    for feed_id, title, published, author, summary, read in news:
        obj, created = common.models.NewsFeedEntry.objects.get_or_create(
            feed_id=feed_id,
            defaults={
                "title": title,
                "link": feed_id,
                "published": aware(published),
                "author": author,
                "summary": summary,
                "read": read,
            },
        )
        changed = reset(
            obj, title=title, link=feed_id, published=aware(published), author=author, summary=summary, read=read
        )
        note(f"news {title!r} (read={read})", created, changed)

# --- notifications, as InvenTree sends them (outside the atomic block: trigger_notification logs) -------
# (user, target object, category, name, message, read)
notifications = [
    (
        admin,
        project_codes["PRJ-001"],
        "project_code.updated",
        "Project code PRJ-001 changed",
        "The responsible owner of PRJ-001 changed.",
        False,
    ),
    (
        admin,
        project_codes["PRJ-002"],
        "part.low_stock",
        "Low stock for M3 screw",
        "Stock for M3x8 screw is below the minimum.",
        False,
    ),
    (
        admin,
        project_codes["MNT-2024"],
        "build.new_build",
        "New build order BO-0012",
        "A new build order has been created and assigned to you.",
        True,
    ),
    (
        reader,
        project_codes["RND-042"],
        "stock.overdue",
        "Stock item overdue",
        "Stock item 22 was due back yesterday.",
        False,
    ),
    (
        reader,
        project_codes["prj-001"],
        "order.overdue",
        "Purchase order PO-0007 overdue",
        "PO-0007 was due last week.",
        True,
    ),
]
for user, target, category, name, message, read in notifications:
    existing = common.models.NotificationMessage.objects.filter(user=user, name=name).first()
    created = existing is None
    if created:
        # trigger_notification skips an (category, pk) sent in the last day: clear that record first,
        # so that a re-seed after a reset-by-hand still creates the message.
        common.models.NotificationEntry.objects.filter(key=category, uid=target.pk).delete()
        common.notifications.trigger_notification(
            target,
            category,
            targets=[user],
            context={"name": name, "message": message},
            delivery_methods={common.notifications.UIMessageNotification},
        )
        existing = common.models.NotificationMessage.objects.filter(user=user, name=name).first()
        if existing is None:
            sys.exit(f"trigger_notification created no message for {user} {name!r}")
    changed = reset(existing, read=read)
    note(f"notification {name!r} for {user.username} (read={read})", created, changed)

# --- error reports, as InvenTree logs them ---------------------------------------------------------------
errors = [
    ("/api/part/abc/", lambda: int("abc")),
    ("/api/stock/location/", lambda: {}["location"]),
    ("/api/currency/refresh/", lambda: (_ for _ in ()).throw(TimeoutError("exchange rate backend did not answer"))),
]
from error_report.models import Error  # noqa: E402

for path, fail in errors:
    try:
        fail()
    except Exception as exc:
        created = not Error.objects.filter(path=path, info=str(exc)).exists()
        if created:
            InvenTree.exceptions.log_error(path)
        note(f"error report {type(exc).__name__} at {path}", created)

# --- notes image ------------------------------------------------------------------------------------------
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
if not common.models.NotesImage.objects.filter(image__startswith="notes/seed-plan").exists():
    image = common.models.NotesImage(user=admin, model_type="projectcode", model_id=project_codes["PRJ-001"].pk)
    image.image.save("seed-plan.png", ContentFile(PNG), save=True)
    note("notes image notes/seed-plan.png", True)
else:
    note("notes image notes/seed-plan.png", False)

# --- stock: what locate, search and the label printer's LOCATION refer to --------------------------------
from part.models import Part, PartCategory  # noqa: E402
from stock.models import StockItem, StockLocation  # noqa: E402

warehouse = StockLocation.objects.filter(name="Warehouse", parent=None).first()
if warehouse is None:
    warehouse = StockLocation.objects.create(name="Warehouse", description="Main warehouse")
    note("stock location Warehouse", True)
shelf = StockLocation.objects.filter(name="Shelf A", parent=warehouse).first()
if shelf is None:
    shelf = StockLocation.objects.create(name="Shelf A", parent=warehouse)
    note("stock location Shelf A", True)
category = PartCategory.objects.filter(name="Fasteners", parent=None).first() or PartCategory.objects.create(
    name="Fasteners"
)
part = Part.objects.filter(name="M3x8 screw").first()
if part is None:
    part = Part.objects.create(
        name="M3x8 screw", description="M3 x 8 mm pan head screw", category=category, component=True, purchaseable=True
    )
    note("part M3x8 screw", True)
if not StockItem.objects.filter(part=part).exists():
    StockItem.objects.create(part=part, location=shelf, quantity=100)
    note("stock item of M3x8 screw", True)

# --- machines: settings never written ------------------------------------------------------------------
machines = [
    ("Shipping desk printer", "label-printer", "network-label-printer", True),
    ("Warehouse USB printer", "label-printer", "usb-label-printer", False),
]
for name, machine_type, driver, active in machines:
    machine = MachineConfig.objects.filter(name=name).first()
    created = machine is None
    if created:
        machine = MachineConfig.objects.create(name=name, machine_type=machine_type, driver=driver, active=active)
    changed = reset(machine, active=active)
    note(f"machine {name!r} ({machine_type}, driver {driver} not installed, active={active})", created, changed)
written = MachineSetting.objects.filter(machine_config__name__in=[m[0] for m in machines])
deleted = written.count()
written.delete()
report.append(f"machine settings rows of the seeded machines deleted (never written again): {deleted}")

# --- webhook endpoint ------------------------------------------------------------------------------------
hook, created = common.models.WebhookEndpoint.objects.get_or_create(
    endpoint_id="seed-retired-hook", defaults={"name": "Retired endpoint", "active": False, "user": admin}
)
note("webhook endpoint seed-retired-hook (inactive)", created)

# --- exchange rates, as a refreshed server holds them ------------------------------------------------------
from djmoney.contrib.exchange.models import ExchangeBackend, Rate  # noqa: E402

backend, created = ExchangeBackend.objects.get_or_create(name="InvenTreeExchange", defaults={"base_currency": "USD"})
note("exchange backend InvenTreeExchange", created)
for currency, value in (("EUR", "0.92"), ("GBP", "0.79"), ("AUD", "1.53"), ("CAD", "1.36"), ("JPY", "151.2")):
    _, created = Rate.objects.get_or_create(backend=backend, currency=currency, defaults={"value": Decimal(value)})
    note(f"exchange rate USD->{currency}", created)

print("\n".join(report))
print(
    "totals: "
    + ", ".join(
        f"{label}={count}"
        for label, count in (
            ("project_codes", common.models.ProjectCode.objects.count()),
            ("units", common.models.CustomUnit.objects.count()),
            ("news", common.models.NewsFeedEntry.objects.count()),
            ("notifications", common.models.NotificationMessage.objects.count()),
            ("unread_admin", common.models.NotificationMessage.objects.filter(user=admin, read=False).count()),
            ("unread_reader", common.models.NotificationMessage.objects.filter(user=reader, read=False).count()),
            ("errors", Error.objects.count()),
            ("notes_images", common.models.NotesImage.objects.count()),
            ("machines", MachineConfig.objects.count()),
            ("machine_settings", MachineSetting.objects.count()),
        )
    )
)
