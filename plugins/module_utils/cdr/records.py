# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call detail records: paging and the record schema, for the ``cdrs`` lookup and the export.

:func:`iter_cdrs` pages through ``getCustomerAccountCDRSWithOffset`` or
``getAccountCDRSWithOffset`` on the caller's client (one HTTP session), yielding every record
once, in time order, a page at a time (constant memory); :func:`cdr_record` maps an API record to
the documented snake_case record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import decimal
import math
import re
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import NotFoundError, PortaPlusError, Route, parse_date
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import CdrInputError, UTC, format_utc, path_date

_WCF_DATE = re.compile(r"^\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/$")

CUSTOMER_CDR_PAGES = Route(
    "GET",
    "/getCustomerAccountCDRSWithOffset/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}"
    "/{FetchRecordsUsingOffset}/{Offset}/{GetHuntGroupReports}/{Customer_Timezone}/{showcurrentperiod}",
    "PortaCDR")
ACCOUNT_CDR_PAGES = Route(
    "GET",
    "/getAccountCDRSWithOffset/{License}/{IAccount}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}"
    "/{FetchRecordsUsingOffset}/{Offset}/{GetHuntGroupReports}/{Customer_Timezone}/{showcurrentperiod}",
    "PortaCDR")
ACCOUNT_BY_ID = Route("GET", "/GetAccountInfoByAccountId/{License}/{AccountID}", "Product")

#: Record keys, in CSV column order (the collection's agreed CDR schema).
COLUMNS = ("connect_time", "disconnect_time", "account_id", "cli", "cld", "duration", "charged_amount",
           "disconnect_cause", "failed", "call_type", "service", "call_id", "id", "i_account", "customer")


class CdrQuery:
    """Which CDRs to read: a customer (with or without its accounts' CDRs) or one account, a UTC range."""

    def __init__(self, start, end, customer=None, i_account=None, account=None, include_accounts=True,
                 outgoing_only=False):
        self.start = start
        self.end = end
        self.customer = customer
        self.i_account = i_account
        self.account = account
        self.include_accounts = bool(include_accounts)
        self.outgoing_only = bool(outgoing_only)

    def route_and_path(self, offset):
        path = {"FromDate": path_date(self.start), "ToDate": path_date(self.end),
                "IncludeAccounts": self.include_accounts, "GetOutgoingCalls": self.outgoing_only,
                "FetchRecordsUsingOffset": True, "Offset": int(offset), "GetHuntGroupReports": False,
                "Customer_Timezone": "UTC", "showcurrentperiod": False}
        if self.i_account is not None:
            path["IAccount"] = int(self.i_account)
            return ACCOUNT_CDR_PAGES, path
        path["ICustomer"] = int(self.customer)
        return CUSTOMER_CDR_PAGES, path

    def describe(self):
        """The query as plain data (for the export manifest and results); no secrets in it."""
        return {"customer": self.customer, "account": self.account, "include_accounts": self.include_accounts,
                "outgoing_only": self.outgoing_only, "from": format_utc(self.start), "to": format_utc(self.end)}


def resolve_account(client, account, customer=None):
    """``account`` (an account ID) -> ``(i_account, i_customer)``; one request.  Unknown: bad input."""
    try:
        info = client.call(ACCOUNT_BY_ID, path={"AccountID": account}).get("AccountInfo") or {}
    except NotFoundError:
        info = {}
    i_account = _get(info, "IAccount")
    if not i_account:
        raise CdrInputError("account", "no account with this account ID is visible to the License", account)
    i_customer = _get(info, "ICustomer")
    if customer is not None and i_customer is not None and int(i_customer) != int(customer):
        raise CdrInputError("account", "belongs to customer %s, not to customer %s" % (i_customer, customer), account)
    return int(i_account), i_customer


def _get(mapping, key):
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    for name, value in mapping.items():
        if name.lower() == lowered:
            return value
    return None


# -- paging --------------------------------------------------------------------------------------

class IncompleteCdrsError(PortaPlusError):
    """The server's pages ended before TotalCalls records arrived, or did not advance."""


def fetch_page(client, query, offset):
    """One page: ``(records, total, next_offset)``.  A customer the License cannot see is bad input."""
    route, path = query.route_and_path(offset)
    try:
        page = client.call(route, path=path, convert=False)
    except NotFoundError:
        if query.i_account is not None:
            raise CdrInputError("account", "no account with this account ID is visible to the License", query.account)
        raise CdrInputError("customer", "no customer with this id is visible to the License", query.customer)
    records = _get(page, "lstPortaCustomerAccountCDRS") or []
    total = _get(page, "TotalCalls")
    next_offset = _get(page, "NextOffset")
    return records, (int(total) if total is not None else None), (int(next_offset) if next_offset else 0)


def iter_pages(client, query, first=None, prefetch=False):
    """Yield each page's records (lists of API records), following NextOffset until it is 0 (A33).

    Every record comes once and in (connect time, ID) order: a page that overlaps the previous one
    (the server's offsets shifted) has its repeated head dropped, which needs only the last key
    seen, so memory stays one page whatever the range.  ``first`` is page 0 if already fetched.
    With ``prefetch`` the next page is requested while the caller handles this one (at most two
    pages in memory; requests stay one at a time on the one session).
    Raises :class:`IncompleteCdrsError` when the pages end short of TotalCalls.
    """
    pool = ThreadPoolExecutor(max_workers=1) if prefetch else None
    pending = None
    try:
        records, total, next_offset = first if first is not None else fetch_page(client, query, 0)
        offset, seen, last_key = 0, 0, None
        while True:
            if not next_offset and records and total is not None and offset + len(records) < total:
                next_offset = offset + len(records)  # a server that leaves NextOffset out: Offset counts records read
            if next_offset and next_offset <= offset:
                raise IncompleteCdrsError("PortaCDR paging did not advance: NextOffset %d after Offset %d" % (
                    next_offset, offset), op="PortaCDR")
            if next_offset and pool is not None:
                pending = pool.submit(fetch_page, client, query, next_offset)
            fresh = records
            if last_key is not None and records and _order_key(records[0]) <= last_key:
                fresh = [record for record in records if _order_key(record) > last_key]
            if fresh:
                last_key = _order_key(fresh[-1])
                seen += len(fresh)
                yield fresh
            if not next_offset:
                break
            offset = next_offset
            if pending is not None:
                records, total, next_offset = pending.result()
                pending = None
            else:
                records, total, next_offset = fetch_page(client, query, offset)
        if total is not None and seen < total:
            raise IncompleteCdrsError("PortaCDR paging ended after %d of %d records (TotalCalls)" % (
                seen, total), op="PortaCDR")
    finally:
        if pool is not None:
            if pending is not None:
                pending.cancel()
            pool.shutdown(wait=True)


def _order_key(record):
    return (_epoch(record.get("Connect_time")), record.get("ID") or 0)


def _epoch(value):
    """Seconds since the epoch of an API date (``/Date(ms)/`` or ISO), or 0."""
    if isinstance(value, str) and value.startswith(("/Date(", "\\/Date(")):
        match = _WCF_DATE.match(value)
        if match:
            return int(match.group(1)) // 1000
    try:
        moment = parse_date(value)
    except ValueError:
        return 0
    return int((moment - _EPOCH).total_seconds()) if moment else 0


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


# -- records -------------------------------------------------------------------------------------

def _iso(value):
    """An API date as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), or None."""
    if isinstance(value, str) and value.startswith(("/Date(", "\\/Date(")):
        match = _WCF_DATE.match(value)
        if match:
            ms = int(match.group(1))
            if ms <= -62135596800000:  # DateTime.MinValue
                return None
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))
    try:
        moment = parse_date(value)
    except ValueError:
        return None
    return format_utc(moment) if moment else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def cdr_record(api, raw=False):
    """One API record (CustAcctCDR) as the collection's CDR record (see COLUMNS and docs/cdrs.md)."""
    connect_time = _iso(api.get("Connect_time"))
    disconnect_time = _iso(api.get("Disconnect_time"))
    duration = api.get("CallTime")
    if duration is None:
        duration = api.get("Used_Quantity")
    if duration is None and connect_time and disconnect_time:
        duration = _epoch(api.get("Disconnect_time")) - _epoch(api.get("Connect_time"))
    duration = int(duration or 0)
    failed = api.get("failed")
    call_type = api.get("CallType")
    record = {
        "connect_time": connect_time,
        "disconnect_time": disconnect_time,
        "account_id": api.get("AccountID"),
        "cli": api.get("CLI"),
        "cld": api.get("CLD"),
        "duration": duration,
        "charged_amount": float(api.get("Charged_Amount") or 0),
        "disconnect_cause": _int(api.get("DisconnectCause")),
        "failed": bool(failed) if failed is not None else duration == 0,  # CustAcctCDR has no `failed` (C5)
        "call_type": call_type.lower() if isinstance(call_type, str) else call_type,
        "service": api.get("ServiceName"),
        "call_id": api.get("CallId"),
        "id": _int(api.get("ID")),
        "i_account": _int(api.get("IAccount")),
        "customer": _int(api.get("ICustomer")),
    }
    if raw:
        record["raw"] = dict((key, _iso(value) if isinstance(value, str) and "Date(" in value else value)
                             for key, value in api.items())
    return record


def iter_cdrs(client, query, raw=False, first=None, prefetch=False):
    """Every CDR of ``query`` as records, a page at a time: yields lists of records."""
    for page in iter_pages(client, query, first=first, prefetch=prefetch):
        yield [cdr_record(api, raw) for api in page]


class Summary:
    """Running totals of an export: record count, charged amount, minutes, first and last call."""

    def __init__(self):
        self.records = 0
        self._charged = decimal.Decimal(0)
        self._seconds = 0
        self.first_call = None
        self.last_call = None

    def add(self, records):
        if not records:
            return
        if self.first_call is None:
            self.first_call = records[0]["connect_time"]
        self.last_call = records[-1]["connect_time"]
        self.records += len(records)
        self._charged += decimal.Decimal(repr(math.fsum(record["charged_amount"] for record in records)))
        self._seconds += sum(record["duration"] for record in records)

    def as_dict(self):
        return {"records": self.records, "total_charged": round(float(self._charged), 6),
                "total_minutes": round(self._seconds / 60.0, 2),
                "first_call": self.first_call, "last_call": self.last_call}
