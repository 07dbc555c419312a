"""`compare`: the same generated requests to two InvenTree servers, and where their answers differ."""

from __future__ import annotations
