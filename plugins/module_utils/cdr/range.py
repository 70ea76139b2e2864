# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call detail records: the date range and selection of a CDR read, checked before any request.

:func:`resolve_range` turns the user's ``from_date``/``to_date``/``timezone`` into a UTC range
(dates, zoned date-times, ``-7d``, ``today``, ``last_month``...); :func:`check_selection` checks
``customer`` / ``account``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    HAS_ZONEINFO = True
except ImportError:  # Python < 3.9: only UTC and fixed offsets
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError
    HAS_ZONEINFO = False

#: The longest range one paged request may cover (C1); longer ones fail before any request.
MAX_RANGE_DAYS = 366

UTC = datetime.timezone.utc
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
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
        return UTC
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
    return datetime.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


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
        return moment.astimezone(UTC).replace(microsecond=0)
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
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise CdrInputError(option, "is not a valid date or time", value)
    raise CdrInputError(option, "must be " + ACCEPTED_DATES, value)


def resolve_range(from_date, to_date, timezone="UTC", now=None):
    """The user's range as ``(start, end)``: aware UTC datetimes, ``start`` inclusive, ``end`` exclusive.

    Fails with :class:`CdrInputError` naming the option for a malformed date or zone, a range that
    does not run forwards, or one longer than :data:`MAX_RANGE_DAYS`.
    """
    zone = resolve_zone(timezone)
    now = (now or datetime.datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
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


def path_date(moment):
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
