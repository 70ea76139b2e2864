# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call detail records: date ranges, paging and the record schema, for the ``cdrs`` lookup and
the ``cdr_export`` module.

* :func:`resolve_range` turns the user's ``from_date``/``to_date``/``timezone`` into a UTC range
  (dates, zoned date-times, ``-7d``, ``today``, ``last_month``...), checked before any request.
* :func:`iter_cdrs` pages through ``getCustomerAccountCDRSWithOffset`` or
  ``getAccountCDRSWithOffset`` on the caller's client (one HTTP session), yielding every record
  once, in time order, a page at a time (constant memory).
* :func:`cdr_record` maps an API record to the documented snake_case record.
* :class:`ExportFile` writes records as CSV or JSON lines (optionally gzip) to a temporary file
  beside ``dest`` and renames it into place, so ``dest`` is never left half-written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import decimal
import glob
import gzip
import hashlib
import io
import json
import math
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    HAS_ZONEINFO = True
except ImportError:  # Python < 3.9: only UTC and fixed offsets
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError
    HAS_ZONEINFO = False

from ansible_collections.portaplus.softswitch.plugins.module_utils.client import (
    NotFoundError,
    PortaPlusError,
    Route,
    parse_date,
)
from ansible_collections.portaplus.softswitch.plugins.module_utils.fields import InputError, check_path
from ansible_collections.portaplus.softswitch.plugins.module_utils.options import client_from_module

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

#: The longest range one paged request may cover (C1); longer ones fail before any request.
MAX_RANGE_DAYS = 366

#: Record keys, in CSV column order (the collection's agreed CDR schema).
COLUMNS = ("connect_time", "disconnect_time", "account_id", "cli", "cld", "duration", "charged_amount",
           "disconnect_cause", "failed", "call_type", "service", "call_id", "id", "i_account", "customer")

FORMATS = ("csv", "jsonl")

_UTC = datetime.timezone.utc
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_WCF_DATE = re.compile(r"^\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/$")
_NAMED = ("now", "today", "yesterday", "this_month", "last_month")
ACCEPTED_DATES = ("a date (2026-10-01), a month (2026-10), a date-time with or without a zone (2026-10-01T08:00:00+02:00), "
                  "an offset from now (-7d, -24h, -30m, -2w) or one of now, today, yesterday, this_month, last_month")


class CdrInputError(ValueError):
    """Bad user input, found before any request that reads CDRs; the message names the option."""

    def __init__(self, option, problem, value=None):
        message = "%s: %s" % (option, problem)
        if value is not None:
            message += " (got '%s')" % (value,)
        super().__init__(message)
        self.option = option


# -- dates ---------------------------------------------------------------------------------------

def resolve_zone(name):
    """``timezone`` -> a tzinfo: UTC, a fixed offset (``+02:00``, ``UTC-5``) or an IANA name (Europe/London)."""
    text = "UTC" if name is None else str(name).strip()
    if text.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        return _UTC
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.groups()
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > datetime.timedelta(hours=14):
            raise CdrInputError("timezone", "an offset must be at most 14 hours", name)
        return datetime.timezone(-delta if sign == "-" else delta)
    if not HAS_ZONEINFO:
        raise CdrInputError("timezone", "time zone names need Python 3.9 or later; use UTC or an offset such as +02:00", name)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CdrInputError("timezone", "not a known time zone: use an IANA name such as Europe/London, UTC, or an offset "
                                        "such as +02:00", name)


def _midnight(day, zone):
    """The first instant of ``day`` in ``zone``, in UTC."""
    return datetime.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(_UTC)


def _month_start(year, month):
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return datetime.date(year, month, 1)


def _period(start_day, end_day, zone, end):
    """``end`` picks the exclusive end of a period of whole days, else its start."""
    return _midnight(end_day if end else start_day, zone)


def parse_bound(option, value, zone, now, end=False):
    """One end of a range as an aware UTC datetime (whole seconds).

    A day, a month or a named period (today, this_month...) given as the end of a range covers that
    whole period: its bound is the start of the next one.  A date-time is an instant (exclusive as
    an end).  Values without a zone are read in ``zone``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CdrInputError(option, "is required: " + ACCEPTED_DATES)
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return moment.astimezone(_UTC).replace(microsecond=0)
    if isinstance(value, datetime.date):
        return _period(value, value + datetime.timedelta(days=1), zone, end)
    text = str(value).strip()
    lowered = text.lower()
    local_today = now.astimezone(zone).date()
    if lowered == "now":
        return now
    if lowered == "today":
        return _period(local_today, local_today + datetime.timedelta(days=1), zone, end)
    if lowered == "yesterday":
        return _period(local_today - datetime.timedelta(days=1), local_today, zone, end)
    if lowered == "this_month":
        first = _month_start(local_today.year, local_today.month)
        return _period(first, _month_start(first.year, first.month + 1), zone, end)
    if lowered == "last_month":
        first = _month_start(local_today.year, local_today.month)
        return _period(_month_start(first.year, first.month - 1), first, zone, end)
    match = _RELATIVE.match(lowered)
    if match:
        sign, amount, unit = match.groups()
        delta = datetime.timedelta(seconds=int(amount) * _UNITS[unit])
        try:
            return now - delta if sign == "-" else now + delta
        except OverflowError:
            raise CdrInputError(option, "is too far from now", value)
    try:
        match = _DAY.match(text)
        if match:
            day = datetime.date(*(int(part) for part in match.groups()))
            return _period(day, day + datetime.timedelta(days=1), zone, end)
        match = _MONTH.match(text)
        if match:
            first = datetime.date(int(match.group(1)), int(match.group(2)), 1)
            return _period(first, _month_start(first.year, first.month + 1), zone, end)
        match = _DATETIME.match(text)
        if match:
            year, month, day, hour, minute, second, offset = match.groups()
            moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            if offset:
                moment = moment.replace(tzinfo=resolve_zone(offset if offset.upper() != "Z" else "UTC"))
            else:
                moment = moment.replace(tzinfo=zone)
            return moment.astimezone(_UTC)
    except (ValueError, OverflowError):
        raise CdrInputError(option, "is not a valid date or time", value)
    raise CdrInputError(option, "must be " + ACCEPTED_DATES, value)


def resolve_range(from_date, to_date, timezone="UTC", now=None):
    """The user's range as ``(start, end)``: aware UTC datetimes, ``start`` inclusive, ``end`` exclusive.

    Fails with :class:`CdrInputError` naming the option for a malformed date or zone, a range that
    does not run forwards, or one longer than :data:`MAX_RANGE_DAYS`.
    """
    zone = resolve_zone(timezone)
    now = (now or datetime.datetime.now(_UTC)).astimezone(_UTC).replace(microsecond=0)
    start = parse_bound("from_date", from_date, zone, now)
    end = parse_bound("to_date", to_date, zone, now, end=True)
    if end <= start:
        raise CdrInputError("to_date", "must be after from_date (%s is not after %s, UTC)" % (
            format_utc(end), format_utc(start)), to_date)
    if end - start > datetime.timedelta(days=MAX_RANGE_DAYS):
        raise CdrInputError("to_date", "the range from %s to %s is %.1f days long; the server returns at most %d days per "
                                       "request, so split it into shorter ranges" % (
                                           format_utc(start), format_utc(end),
                                           (end - start).total_seconds() / 86400, MAX_RANGE_DAYS))
    return start, end


def format_utc(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _path_date(moment):
    """A range bound as a FromDate/ToDate path segment: UTC without a zone (A16)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


# -- the query -----------------------------------------------------------------------------------

def check_selection(customer, account):
    """``customer`` (an id) or ``account`` (an account ID): which CDRs to read."""
    if account is not None:
        account = str(account).strip()
        if not account:
            raise CdrInputError("account", "must not be empty", account)
        if "/" in account:
            raise CdrInputError("account", "must not contain '/'", account)
    if customer is not None:
        if isinstance(customer, bool):
            raise CdrInputError("customer", "must be a customer id (a positive integer)", customer)
        try:
            customer = int(str(customer).strip())
        except ValueError:
            raise CdrInputError("customer", "must be a customer id (a positive integer)", customer)
        if customer <= 0:
            raise CdrInputError("customer", "must be a customer id (a positive integer)", customer)
    if customer is None and account is None:
        raise CdrInputError("customer", "one of customer or account is required")
    return customer, account


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
        path = {"FromDate": _path_date(self.start), "ToDate": _path_date(self.end),
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


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)


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


# -- export files ----------------------------------------------------------------------------------

def csv_value(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        text = repr(value)
        return ("%.6f" % value).rstrip("0").rstrip(".") if "e" in text else text
    return value


class _HashingWriter(io.RawIOBase):
    """A binary file that hashes what goes through it (the sha256 recorded in the manifest)."""

    def __init__(self, handle):
        super().__init__()
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)


def manifest_path(dest):
    return dest + ".manifest.json"


def temp_path(dest, pid=None):
    directory, name = os.path.split(dest)
    return os.path.join(directory, ".%s.%d.part" % (name, os.getpid() if pid is None else pid))


def remove_stale_parts(dest):
    """Delete the temporary files of earlier exports to ``dest`` whose process is gone (killed)."""
    directory, name = os.path.split(dest)
    removed = []
    for path in glob.glob(os.path.join(glob.escape(directory), ".%s.*.part" % glob.escape(name))):
        pid = path[:-len(".part")].rsplit(".", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            os.remove(path)
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    # A killed export whose parent was killed too can linger as a zombie until init reaps it:
    # it holds no file any more, so its part file is stale.
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class ExportFile:
    """Records streamed to a temporary file beside ``dest``; :meth:`commit` renames it into place.

    Leaving the ``with`` block without ``commit`` (an error, an interrupt) removes the temporary
    file, and a killed process leaves only a ``.<name>.<pid>.part`` file, never a short ``dest``.
    """

    def __init__(self, dest, fmt="csv", compress=False):
        if fmt not in FORMATS:
            raise CdrInputError("format", "must be one of %s" % ", ".join(FORMATS), fmt)
        self.dest = dest
        self.format = fmt
        self.compress = compress
        self.path = temp_path(dest)
        self._raw = None
        self._hashing = None
        self._gzip = None
        self._text = None
        self._csv = None
        self.sha256 = None
        self.size = None

    def __enter__(self):
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._raw = os.fdopen(descriptor, "wb")
        self._hashing = _HashingWriter(self._raw)
        sink = io.BufferedWriter(self._hashing, buffer_size=1 << 20)
        if self.compress:
            self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6, mtime=0)
            self._text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="", write_through=False)
            self._sink = sink
        else:
            self._text = io.TextIOWrapper(sink, encoding="utf-8", newline="")
        if self.format == "csv":
            self._csv = csv.writer(self._text, lineterminator="\n")
            self._csv.writerow(COLUMNS)
        return self

    def write(self, records):
        if self._csv is not None:
            self._csv.writerows([csv_value(record[column]) for column in COLUMNS] for record in records)
        else:
            dumps = json.dumps
            self._text.write("".join(dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
                                     for record in records))

    def _close(self):
        self._text.flush()
        if self._gzip is not None:
            self._text.detach()
            self._gzip.close()
            self._sink.flush()
            self._sink.detach()
        else:
            self._text.detach().flush()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        self.sha256 = self._hashing.sha256.hexdigest()
        self.size = self._hashing.size

    def commit(self, mode=None):
        """Finish the file and rename it to ``dest`` (atomic on one file system)."""
        self._close()
        os.chmod(self.path, mode if mode is not None else _default_mode(self.dest))
        os.rename(self.path, self.dest)
        self.path = None

    def __exit__(self, exc_type, exc, traceback):
        if self.path is not None:
            for stream in (self._text, self._raw):      # the wrappers first, or they flush into a closed file later
                try:
                    if stream is not None and not stream.closed:
                        stream.close()
                except (OSError, ValueError):
                    pass
            try:
                os.remove(self.path)
            except OSError:
                pass
        return False


def _default_mode(dest):
    """Keep the mode of the file being replaced; a new file gets 0666 less the umask."""
    try:
        return os.stat(dest).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(dest, manifest):
    """The manifest beside ``dest``, written atomically like the export itself."""
    path = manifest_path(dest)
    partial = temp_path(path)
    with open(partial, "w") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.chmod(partial, _default_mode(dest))
    os.rename(partial, path)


def read_manifest(dest):
    try:
        with open(manifest_path(dest)) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def up_to_date(dest, export):
    """The manifest beside ``dest`` when it records exactly ``export`` (the query, format, compression,
    server) and ``dest`` still has the recorded content; None otherwise."""
    manifest = read_manifest(dest)
    if not manifest or manifest.get("export") != export or not os.path.isfile(dest):
        return None
    if os.path.getsize(dest) != manifest.get("size") or file_sha256(dest) != manifest.get("sha256"):
        return None
    return manifest


# -- the export module ---------------------------------------------------------------------------

def check_dest(dest):
    """``dest`` as an absolute path in an existing, writable directory, or CdrInputError."""
    if not dest:
        raise CdrInputError("dest", "must not be empty")
    check_path("dest", dest)
    path = os.path.abspath(os.path.expanduser(dest))
    directory = os.path.dirname(path)
    if dest.endswith(os.sep) or os.path.isdir(path):
        raise CdrInputError("dest", "must be a file name, not a directory", dest)
    if not os.path.isdir(directory):
        raise CdrInputError("dest", "its directory %s does not exist" % directory, dest)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CdrInputError("dest", "its directory %s is not writable" % directory, dest)
    return path


def export_cdrs(client, params, check_mode=False):
    """The ``cdr_export`` module's work; returns its result.  Input is checked before any request."""
    start, end = resolve_range(params["from_date"], params.get("to_date") or "now", params.get("timezone") or "UTC")
    customer, account = check_selection(params.get("customer"), params.get("account"))
    fmt = params.get("format") or "csv"
    if fmt not in FORMATS:
        raise CdrInputError("format", "must be one of %s" % ", ".join(FORMATS), fmt)
    dest = check_dest(params["dest"])
    compress = bool(params.get("compress"))

    i_account = resolve_account(client, account, customer)[0] if account is not None else None
    query = CdrQuery(start, end, customer=customer, i_account=i_account, account=account,
                     include_accounts=params.get("include_accounts", True), outgoing_only=params.get("outgoing_only"))
    export = dict(query.describe(), format=fmt, compress=compress, url=client.redact(client.url))
    result = {"dest": dest, "manifest": manifest_path(dest), "range": {"from": export["from"], "to": export["to"]}}

    manifest = None if params.get("force") else up_to_date(dest, export)
    if manifest is not None:
        result.update(manifest.get("summary") or {})
        result.update(changed=False, sha256=manifest.get("sha256"))
        return result
    first = fetch_page(client, query, 0)
    if check_mode:
        result.update(changed=True, records=first[1] if first[1] is not None else len(first[0]), total_charged=None,
                      total_minutes=None, first_call=None, last_call=None, sha256=None)
        return result

    remove_stale_parts(dest)
    summary = Summary()
    with ExportFile(dest, fmt, compress) as out:
        for records in iter_cdrs(client, query, first=first, prefetch=True):
            out.write(records)
            summary.add(records)
        out.commit()
    write_manifest(dest, {"export": export, "summary": summary.as_dict(), "sha256": out.sha256, "size": out.size,
                          "written": format_utc(datetime.datetime.now(_UTC)), "columns": list(COLUMNS)})
    result.update(summary.as_dict())
    result.update(changed=True, sha256=out.sha256)
    return result


def run_export(module):
    """Entry point of the ``cdr_export`` module: every expected failure becomes a secret-free fail_json."""
    client = client_from_module(module)
    try:
        with client:
            result = export_cdrs(client, module.params, module.check_mode)
    except (CdrInputError, InputError) as exc:
        module.fail_json(msg=client.redact(str(exc)), changed=False)
    except PortaPlusError as exc:
        # nothing reached dest: an export is renamed into place only once every page is written
        module.fail_json(msg=client.redact("%s; %s was left as it was" % (exc, module.params.get("dest"))),
                         changed=False, status=exc.status, field_errors=exc.field_errors)
    except (IOError, OSError) as exc:
        module.fail_json(msg=client.redact("dest: could not write %s: %s; the file was left as it was" % (
            module.params.get("dest"), exc)), changed=False)
    module.exit_json(**result)
