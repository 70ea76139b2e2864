"""What every handler gets (`Call`) and the small parsing rules several of them share."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import ApiError, not_found
from ..routes import Route
from ..store import Db

UTC = timezone.utc


@dataclass
class Call:
    """One request as a handler sees it: the bound request DTO, the caller's reseller (from
    the License), the route it came by, a DB session and the clock."""

    db: Db
    reseller: sqlite3.Row
    request: dict[str, Any]
    route: Route
    now: int
    state: Any                 # services.ServiceState shared by all requests (caches)
    partial: bool = False      # the `partial` fault: commit the first half, then fail

    @property
    def i_reseller(self) -> int:
        return self.reseller["i_reseller"]

    def int(self, member: str) -> int:
        return int(self.request.get(member) or 0)

    def text(self, member: str) -> str:
        return self.request.get(member) or ""

    def flag(self, member: str) -> bool:
        return bool(self.request.get(member))

    def customer(self, i_customer: int | None = None) -> sqlite3.Row:
        """The request's customer, or 404 when it is unknown or another reseller's (A2)."""
        i_customer = self.int("ICustomer") if i_customer is None else i_customer
        row = self.db.customer(self.i_reseller, i_customer)
        if row is None:
            raise not_found(f"Customer {i_customer}")
        return row

    def account(self, i_account: int | None = None) -> sqlite3.Row:
        i_account = self.int("IAccount") if i_account is None else i_account
        row = self.db.account(self.i_reseller, i_account)
        if row is None:
            raise not_found(f"Account {i_account}")
        return row

    def account_by_id(self, account_id: str) -> sqlite3.Row:
        rows = self.db.accounts(self.i_reseller, account_id=account_id)
        if not rows:
            raise not_found(f"Account {account_id}")
        return rows[0]

    def product_ids(self, text: str) -> list[int] | None:
        """A product list as routes send it (A21): comma-separated product IDs; an item that
        is not a number selects the products whose name contains it.  Empty -> no filter."""
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            return None
        numbers = {int(item) for item in items if item.isdigit()}
        ids = {row["i_product"] for row in self.db.products(self.i_reseller, ids=numbers)}
        for word in (item for item in items if not item.isdigit()):
            ids.update(row["i_product"] for row in self.db.products(self.i_reseller,
                                                                    name_like=word))
        return sorted(ids)


def utc(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def text_time(timestamp: int | None) -> str:
    """The 'YYYY-MM-DD HH:MM:SS' strings some DTOs carry beside their DateTime members."""
    return "" if timestamp is None else utc(timestamp).strftime("%Y-%m-%d %H:%M:%S")


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def parse_day_or_time(member: str, text: str, *, end: bool = False) -> int | None:
    """FromDate/ToDate (A16): a date or a date-time in UTC.  As an end bound a bare date
    covers its whole day; a date-time is exclusive.  Empty text means unbounded."""
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        if end and fmt == "%Y-%m-%d":
            moment += timedelta(days=1)
        return int(moment.timestamp())
    message = (f"'{text}' is not a valid {member}: use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or "
               "YYYY-MM-DD HH:MM:SS (UTC)")
    raise ApiError(400, "FormatException", message, [("FormatException", member, message)])


def truthy(text: str) -> bool:
    """String members used as switches (e.g. filterByActivationDate)."""
    return text.strip().lower() in ("1", "true", "t", "y", "yes", "on")
