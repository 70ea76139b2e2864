# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ServiceStack and ISO 8601 dates: parsing, formatting, and converting whole responses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
#: DateTime.MinValue in ServiceStack's JSON (ms since epoch).
_MIN_VALUE_MS = -62135596800000

_WCF_DATE_RE = re.compile(r"^\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/$")
_ISO_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _from_ms(ms):
    return _EPOCH + datetime.timedelta(milliseconds=ms)


def _is_min_value(dt):
    return dt.year == 1 and dt.month == 1 and dt.day == 1 and dt.hour == 0 and dt.minute == 0 and dt.second == 0


def _parse_iso(match):
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    naive = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro)
    if _is_min_value(naive):
        return None
    if zone is None or zone in ("Z", "z"):
        tz = _UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours = int(digits[:2])
        minutes = int(digits[2:4] or 0)
        tz = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    aware = naive.replace(tzinfo=tz)
    try:
        return aware.astimezone(_UTC)
    except OverflowError:
        return None


def parse_date(value):
    """Parse a ServiceStack or ISO date into a tz-aware UTC ``datetime``.

    Accepts ``/Date(ms)/`` with an optional ``+HHMM``/``-HHMM`` zone (the milliseconds
    are UTC whatever the zone says), ISO 8601 date-times and dates (naive ones are UTC,
    A16), ``YYYY-MM-DD HH:MM:SS``, and ``datetime``/``date`` objects.  ``DateTime.MinValue``
    (``/Date(-62135596800000...)/``, ``0001-01-01...``), ``None`` and ``""`` give ``None``.
    Anything else raises ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        if _is_min_value(value):
            return None
        return value.astimezone(_UTC)
    if isinstance(value, datetime.date):
        if value == datetime.date.min:
            return None
        return datetime.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    if not isinstance(value, str):
        raise ValueError("not a date: %r" % (value,))
    text = value.strip()
    if not text:
        return None
    match = _WCF_DATE_RE.match(text)
    if match:
        ms = int(match.group(1))
        if ms <= _MIN_VALUE_MS:
            return None
        try:
            return _from_ms(ms)
        except OverflowError:
            raise ValueError("date out of range: %r" % (value,)) from None
    match = _ISO_DATE_RE.match(text)
    if match:
        try:
            return _parse_iso(match)
        except ValueError:
            raise ValueError("not a valid date: %r" % (value,)) from None
    raise ValueError("not a date: %r" % (value,))


def _format_utc(dt):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second)


def format_date(value):
    """Any date ``parse_date`` accepts -> ``YYYY-MM-DDTHH:MM:SSZ`` (or ``None``)."""
    dt = parse_date(value)
    return None if dt is None else _format_utc(dt)


def format_path_date(value):
    """A date for a ``FromDate``/``ToDate`` path segment: ``YYYY-MM-DDTHH:MM:SS`` in UTC (A16)."""
    dt = parse_date(value)
    if dt is None:
        raise ValueError("a date is required, got %r" % (value,))
    return _format_utc(dt)[:-1]


def _convert_string(value):
    """Convert one response string if it is a date; otherwise return it unchanged.

    ``/Date(...)/`` values and ISO date-times (with a time part) become
    ``YYYY-MM-DDTHH:MM:SSZ``; MinValue becomes ``None``.  Date-only strings are
    left as they are (they name a day, not an instant) except ``0001-01-01``.
    """
    if "Date(" in value:
        match = _WCF_DATE_RE.match(value.strip())
        if match:
            try:
                return format_date(value)
            except ValueError:
                return value
        return value
    if len(value) < 10 or not value[:4].isdigit() or value[4] != "-":
        return value
    match = _ISO_DATE_RE.match(value.strip())
    if not match:
        return value
    if match.group(4) is None:
        return None if value.strip() == "0001-01-01" else value
    try:
        dt = _parse_iso(match)
    except ValueError:
        return value
    return None if dt is None else _format_utc(dt)


def convert_dates(data):
    """Return ``data`` with every date string converted (see ``_convert_string``)."""
    if isinstance(data, dict):
        return {key: convert_dates(item) for key, item in data.items()}
    if isinstance(data, list):
        return [convert_dates(item) for item in data]
    if isinstance(data, str):
        return _convert_string(data)
    return data


def json_default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return format_date(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)
