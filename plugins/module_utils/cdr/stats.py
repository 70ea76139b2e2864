# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call metrics operators act on, computed in one streaming pass over CDRs.

:class:`CdrStats` takes records one at a time (:meth:`CdrStats.add` for CSV fields,
:meth:`CdrStats.add_record` for the ``cdrs`` lookup's records) and keeps two small tables:
one cell per local hour of the period and one per (account, direction, destination country,
failure cause).  Their sizes depend on the period and on the customer, never on the number
of CDRs, so memory is constant in the number of records.  :meth:`CdrStats.figures` rolls
them up into the groups the report, the ``cdr_stats`` lookup and the reseller overview show:
totals, by direction, account, country, failure cause, day (every day of the period), hour
and day of week x hour.  Each group has calls, answered, failed, ASR (answered / calls, in
%), minutes, ACD (average minutes of an answered call) and cost, exactly (``Decimal``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
from decimal import Decimal, InvalidOperation

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.q850 import cause_name
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import UTC

try:
    import phonenumbers
    HAS_PHONENUMBERS = True
except ImportError:  # destinations degrade to dialled prefixes, and the figures say so
    phonenumbers = None
    HAS_PHONENUMBERS = False

DIRECTIONS = ("outgoing", "incoming")
UNKNOWN_DIRECTION = "unknown"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The largest amount or duration a record may carry: beyond it a value is corrupt, not a call.
MAX_AMOUNT = Decimal(10) ** 12
MAX_DURATION = 10 ** 8
#: The most days one set of figures covers (a range is at most 366 days; one spare for zones).
MAX_DAYS = 367
PREFIX_NOTE = ("Destination countries need the Python package phonenumbers, which is not installed where this "
               "ran: destinations are shown by their first %d dialled digits instead.")

ZERO = Decimal(0)
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")
_DIGITS = re.compile(r"^\d+$")


def zone_label(tzinfo):
    """The zone as the page says it once: ``Europe/London``, ``UTC`` or ``UTC+02:00``."""
    key = getattr(tzinfo, "key", None)
    if key:
        return key
    if tzinfo is UTC or tzinfo.utcoffset(None) == datetime.timedelta(0):
        return "UTC"
    return str(tzinfo)


def parse_amount(text):
    """A ``charged_amount`` cell as an exact Decimal; ValueError for NaN, infinities and absurd sizes."""
    try:
        amount = Decimal(text) if text else ZERO
    except InvalidOperation:
        raise ValueError("charged_amount %r is not a number" % (_clip(text),))
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError("charged_amount %r is not a finite amount below %s" % (_clip(text), MAX_AMOUNT))
    return amount


def parse_duration(text):
    try:
        duration = int(text) if text else 0
    except ValueError:
        raise ValueError("duration %r is not a whole number of seconds" % (_clip(text),))
    if not 0 <= duration < MAX_DURATION:
        raise ValueError("duration %r is not between 0 and %d seconds" % (_clip(text), MAX_DURATION))
    return duration


def _clip(text, length=40):
    text = str(text)
    return text if len(text) <= length else text[:length] + "..."


# -- destinations ----------------------------------------------------------------------------------

class Destinations:
    """The destination country of a dialled number, cached by prefix (a few thousand entries at most).

    With ``phonenumbers`` a number's country comes from its country calling code, and for codes
    shared by several countries (+1, +44, +7...) from a full parse of the number.  Numbers are
    read as international (E.164, with or without ``+`` or ``00``).  Without the package the
    key is the first ``prefix_digits`` digits, and :attr:`note` says so.
    """

    def __init__(self, prefix_digits=4, use_phonenumbers=True):
        self.prefix_digits = prefix_digits
        self.by_country = bool(use_phonenumbers and HAS_PHONENUMBERS)
        self.note = None if self.by_country else PREFIX_NOTE % prefix_digits
        self.names = {"??": "Unknown"}
        self._heads = {}   # first three digits -> (calling code length, country or None when shared)
        self._cache = {}   # prefix that decides the country -> key

    def country(self, number):
        """A short key (ISO 3166 code such as ``GB``, or ``+4420`` without phonenumbers); ``??`` unknown."""
        if number[:1] == "+":
            digits = number[1:]
        elif number[:2] == "00":
            digits = number[2:]
        else:
            digits = number
        if not self.by_country:
            return self._prefix(digits)
        head = self._heads.get(digits[:3])
        if head is None:
            head = self._head(digits)
        length, region = head
        if region is not None:
            return region
        key = digits[:length + 4]          # a calling code several countries share (+1, +44, +7...)
        found = self._cache.get(key)
        if found is None:
            found = self._parse(digits)
            if len(self._cache) < 100000:
                self._cache[key] = found
        return found

    def _prefix(self, digits):
        key = digits[:self.prefix_digits]
        found = self._cache.get(key)
        if found is None:
            found = "+" + key if _DIGITS.match(digits) else "??"
            self.names.setdefault(found, "+%s..." % key if found != "??" else "Unknown")
            if len(self._cache) < 100000:
                self._cache[key] = found
        return found

    def _head(self, digits):
        """``(calling code length, country or None when the code is shared)`` of the first three digits."""
        head = (0, "??")
        if _DIGITS.match(digits):
            for length in (1, 2, 3):
                regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:length]), ())
                if regions:
                    shared = len(regions) > 1 or regions[0] == "001"
                    head = (length, None if shared else self._named(regions[0]))
                    break
        if len(digits) >= 3 and head[1] != "??":
            self._heads[digits[:3]] = head
        return head

    def _parse(self, digits):
        try:
            parsed = phonenumbers.parse("+" + digits[:15], None)
        except phonenumbers.NumberParseException:
            return "??"
        region = phonenumbers.region_code_for_number(parsed)
        if region is None:
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(parsed.country_code) or ("??",)
            region = regions[0]
        return self._named(region) if region != "??" else region

    def _named(self, region):
        if region in ("001", "??"):
            self.names.setdefault(region, "International networks" if region == "001" else "Unknown")
            return region
        if region == "001":
            self.names.setdefault(region, "International networks")
        elif region not in self.names:
            from phonenumbers import geocoder       # its country names load in a second or two: only when needed
            example = phonenumbers.example_number(region)
            name = geocoder.country_name_for_number(example, "en") if example is not None else ""
            self.names[region] = name or region
        return region

    def name(self, key):
        return self.names.get(key, key)


# -- local time ------------------------------------------------------------------------------------

class LocalClock:
    """``2026-10-01T08:15:00Z`` -> (local day, hour, weekday) in a zone, cached per UTC hour.

    A zone's offset holds for a whole UTC hour; a zone whose offset is not whole hours (+05:30)
    crosses a local hour inside it, so each cached hour holds the minute where that happens.
    """

    def __init__(self, zone):
        self.zone = zone
        self._cache = {}

    def slot(self, connect_time):
        entry = self._cache.get(connect_time[:13])
        if entry is None:
            entry = self._hour(connect_time)
        threshold, before, after = entry
        if threshold < 60 and int(connect_time[14:16]) >= threshold:
            return after
        return before

    def _hour(self, connect_time):
        text = connect_time[:13]
        if len(connect_time) < 16 or text[10] != "T" or not (text[:4] + text[5:7] + text[8:10] + text[11:13]).isdigit():
            raise ValueError("connect_time %r is not an ISO 8601 UTC time such as 2026-10-01T08:15:00Z"
                             % (_clip(connect_time),))
        utc = datetime.datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), tzinfo=UTC)
        local = utc.astimezone(self.zone)
        threshold = 60 - local.minute if local.minute else 60
        later = local + datetime.timedelta(minutes=threshold) if threshold < 60 else local
        entry = (threshold, _slot(local), _slot(later))
        self._cache[text] = entry
        return entry

    def day(self, moment):
        return moment.astimezone(self.zone).date()


def _slot(local):
    return (local.date().isoformat(), local.hour, local.weekday())


# -- the figures -----------------------------------------------------------------------------------

def _new_cell():
    # calls, answered, seconds, seconds of answered calls, cost
    return [0, 0, 0, 0, ZERO]


def _count(cells, key, duration, cost, answered):
    """One call into the cell ``key`` of ``cells`` (calls, answered, seconds, answered seconds, cost)."""
    cell = cells.get(key)
    if cell is None:
        cell = cells[key] = _new_cell()
    cell[0] += 1
    cell[2] += duration
    cell[4] += cost
    if answered:
        cell[1] += 1
        cell[3] += duration


def _merge(into, cell):
    into[0] += cell[0]
    into[1] += cell[1]
    into[2] += cell[2]
    into[3] += cell[3]
    into[4] += cell[4]


def metrics(cell):
    """One group's figures, exact: ``asr`` and ``acd`` are None when there is nothing to divide."""
    calls, answered, seconds, answered_seconds, cost = cell
    return {
        "calls": calls,
        "answered": answered,
        "failed": calls - answered,
        "asr": (Decimal(100 * answered) / calls).quantize(TENTH) if calls else None,
        "minutes": (Decimal(seconds) / 60).quantize(TENTH),
        "acd": (Decimal(answered_seconds) / 60 / answered).quantize(HUNDREDTH) if answered else None,
        "cost": cost,
        "seconds": seconds,
    }


class CdrStats:
    """Running figures of a set of CDRs; ``start``/``end`` (aware UTC) fix the days on the axis."""

    def __init__(self, zone=UTC, start=None, end=None, destinations=None):
        self.zone = zone
        self.clock = LocalClock(zone)
        self.destinations = destinations if destinations is not None else Destinations()
        self.start, self.end = start, end
        self.records = 0
        self.undated = 0
        self.first_call = None
        self.last_call = None
        self._slots = {}
        self._groups = {}

    def add(self, connect_time, account_id, cld, duration, cost, failed, cause, call_type):
        """One call: ``duration`` whole seconds, ``cost`` a Decimal, ``failed`` a bool, ``cause`` an int or None."""
        self.records += 1
        answered = not failed
        direction = call_type if call_type in DIRECTIONS else UNKNOWN_DIRECTION
        country = self.destinations.country(cld or "") if direction != "incoming" else None
        key = (account_id or "", direction, country, None if answered else cause)
        _count(self._groups, key, duration, cost, answered)
        if not connect_time:
            self.undated += 1
            return
        if self.first_call is None or connect_time < self.first_call:
            self.first_call = connect_time
        if self.last_call is None or connect_time > self.last_call:
            self.last_call = connect_time
        _count(self._slots, self.clock.slot(connect_time), duration, cost, answered)

    def add_record(self, record):
        """A record of the ``cdrs`` lookup (``charged_amount`` a float: read through its shortest repr)."""
        amount = record.get("charged_amount")
        self.add(record.get("connect_time") or "", record.get("account_id"), record.get("cld"),
                 int(record.get("duration") or 0), Decimal(repr(float(amount))) if amount else ZERO,
                 bool(record.get("failed")), record.get("disconnect_cause"), record.get("call_type"))

    # -- roll-up --------------------------------------------------------------------------

    def days(self):
        """Every local day of the period (from ``start`` to ``end``), else of the first to the last call."""
        if self.start is not None and self.end is not None:
            first = self.clock.day(self.start)
            last = self.clock.day(self.end - datetime.timedelta(seconds=1))
        elif self._slots:
            seen = sorted(day for day, _hour, _weekday in self._slots)
            first, last = (datetime.date(*map(int, day.split("-"))) for day in (seen[0], seen[-1]))
        else:
            return []
        count = min((last - first).days + 1, MAX_DAYS)
        return [(first + datetime.timedelta(days=n)).isoformat() for n in range(max(count, 0))]

    def figures(self):
        """Every group's exact figures (Decimals): see the module's docstring."""
        totals = _new_cell()
        directions = dict((name, _new_cell()) for name in DIRECTIONS)
        accounts, countries, causes = {}, {}, {}
        for (account, direction, country, cause), cell in self._groups.items():
            _merge(totals, cell)
            _merge(directions.setdefault(direction, _new_cell()), cell)
            _merge(accounts.setdefault(account, _new_cell()), cell)
            if country is not None:
                _merge(countries.setdefault(country, _new_cell()), cell)
            if cell[0] > cell[1]:
                failed_only = [cell[0] - cell[1], 0, cell[2] - cell[3], 0, ZERO]
                _merge(causes.setdefault(cause, _new_cell()), failed_only)
        axis = self.days()
        days = dict((day, _new_cell()) for day in axis)
        hours = [_new_cell() for _hour in range(24)]
        week = [[_new_cell() for _hour in range(24)] for _day in range(7)]
        outside = _new_cell()
        for (day, hour, weekday), cell in self._slots.items():
            _merge(days[day] if day in days else outside, cell)
            _merge(hours[hour], cell)
            _merge(week[weekday][hour], cell)
        notes = []
        if self.destinations.note:
            notes.append(self.destinations.note)
        if self.undated:
            notes.append("%d calls have no connect time: they count in the totals, not per day or hour." % self.undated)
        if outside[0]:
            notes.append("%d calls fall outside the period's days: they count in the totals, not per day."
                         % outside[0])
        if UNKNOWN_DIRECTION in directions:
            notes.append("%d calls have no call_type (neither outgoing nor incoming)." % directions[UNKNOWN_DIRECTION][0])
        return {
            "zone": zone_label(self.zone),
            "records": self.records,
            "first_call": self.first_call,
            "last_call": self.last_call,
            "totals": metrics(totals),
            "by_direction": dict((name, metrics(cell)) for name, cell in directions.items()),
            "by_account": dict((name, metrics(cell)) for name, cell in accounts.items()),
            "by_country": dict((key, dict(metrics(cell), name=self.destinations.name(key)))
                               for key, cell in countries.items()),
            "by_cause": dict((cause, dict(metrics(cell), name=cause_name(cause))) for cause, cell in causes.items()),
            "by_day": [dict(metrics(days[day]), day=day) for day in axis],
            "by_hour": [dict(metrics(cell), hour=hour) for hour, cell in enumerate(hours)],
            "by_weekday_hour": [[metrics(cell) for cell in row] for row in week],
            "destinations_by": "country" if self.destinations.by_country else "prefix",
            "notes": notes,
        }


# -- plain data ------------------------------------------------------------------------------------

def plain(value):
    """Figures as JSON data: Decimals become floats, keys strings (for a lookup or a module result)."""
    if isinstance(value, dict):
        return dict((("none" if key is None else str(key)), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    return value
