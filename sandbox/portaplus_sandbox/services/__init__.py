"""Request handlers: one function per route template, grouped by the data they touch.

A handler takes a `Call` and returns the response DTO `<Op>Response` as a plain dict (or
raises `errors.ApiError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import accounts, active_calls, cdrs, customers, extensions, products
from .base import Call
from .cdrs import CdrPager

Handler = Callable[[Call], dict]

HANDLERS: dict[str, Handler] = {
    **extensions.HANDLERS, **cdrs.HANDLERS, **products.HANDLERS, **accounts.HANDLERS,
    **active_calls.HANDLERS, **customers.HANDLERS,
}


@dataclass
class ServiceState:
    """What handlers share across requests (caches only; the data lives in the store)."""
    cdr_pager: CdrPager = field(default_factory=CdrPager)


__all__ = ["Call", "HANDLERS", "Handler", "ServiceState"]
