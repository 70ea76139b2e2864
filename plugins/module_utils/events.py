# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Events from polling: the logic behind the Event-Driven Ansible sources in ``extensions/eda``.

:class:`CallTracker` turns successive snapshots of the calls in progress into ``call_started`` /
``call_ended`` events and per-account ``concurrent_calls`` counts, each call reported once however
the polls are spaced. :class:`CdrWatermark` picks the CDRs not yet emitted from overlapping reads
by bill time (a high-water mark on time plus the IDs seen near it) and keeps that position in an
optional state file. :func:`source_settings` checks a source's arguments and builds the client
with the collection's connection options (``url``/``license`` or ``PORTAPLUS_URL``/
``PORTAPLUS_LICENSE``). No asyncio here: the sources only schedule these calls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import re
import tempfile
import time

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    AuthError, NotFoundError, NotTheApiError, PortaPlusClient, PortaPlusError, Route, TransportError, parse_date)
from ansible_collections.portaplus.softswitch.plugins.module_utils.calls import check_scope
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import path_date
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.records import cdr_record
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError, check_number
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import CONNECTION_OPTIONS, client_kwargs

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)

#: Country calling codes (ITU-T E.164) -> ISO 3166-1 alpha-2; a shared code gives its largest country,
#: and the non-geographic codes (satellite, international networks) a name of their own.
CALLING_CODES = dict(item.split(":") for item in (
    "1:US 20:EG 211:SS 212:MA 213:DZ 216:TN 218:LY 220:GM 221:SN 222:MR 223:ML 224:GN 225:CI 226:BF 227:NE 228:TG "
    "229:BJ 230:MU 231:LR 232:SL 233:GH 234:NG 235:TD 236:CF 237:CM 238:CV 239:ST 240:GQ 241:GA 242:CG 243:CD "
    "244:AO 245:GW 246:IO 248:SC 249:SD 250:RW 251:ET 252:SO 253:DJ 254:KE 255:TZ 256:UG 257:BI 258:MZ 260:ZM "
    "261:MG 262:RE 263:ZW 264:NA 265:MW 266:LS 267:BW 268:SZ 269:KM 27:ZA 290:SH 291:ER 297:AW 298:FO 299:GL "
    "30:GR 31:NL 32:BE 33:FR 34:ES 350:GI 351:PT 352:LU 353:IE 354:IS 355:AL 356:MT 357:CY 358:FI 359:BG 36:HU "
    "370:LT 371:LV 372:EE 373:MD 374:AM 375:BY 376:AD 377:MC 378:SM 380:UA 381:RS 382:ME 383:XK 385:HR 386:SI "
    "387:BA 389:MK 39:IT 40:RO 41:CH 420:CZ 421:SK 423:LI 43:AT 44:GB 45:DK 46:SE 47:NO 48:PL 49:DE 500:FK 501:BZ "
    "502:GT 503:SV 504:HN 505:NI 506:CR 507:PA 508:PM 509:HT 51:PE 52:MX 53:CU 54:AR 55:BR 56:CL 57:CO 58:VE "
    "590:GP 591:BO 592:GY 593:EC 594:GF 595:PY 596:MQ 597:SR 598:UY 599:CW 60:MY 61:AU 62:ID 63:PH 64:NZ 65:SG "
    "66:TH 670:TL 672:NF 673:BN 674:NR 675:PG 676:TO 677:SB 678:VU 679:FJ 680:PW 681:WF 682:CK 683:NU 685:WS "
    "686:KI 687:NC 688:TV 689:PF 690:TK 691:FM 692:MH 7:RU 81:JP 82:KR 84:VN 850:KP 852:HK 853:MO 855:KH 856:LA "
    "86:CN 870:INMARSAT 878:UPT 880:BD 881:GMSS 882:INTERNATIONAL_NETWORKS 883:INTERNATIONAL_NETWORKS 886:TW "
    "90:TR 91:IN 92:PK 93:AF 94:LK 95:MM 960:MV 961:LB 962:JO 963:SY 964:IQ 965:KW 966:SA 967:YE 968:OM 970:PS "
    "971:AE 972:IL 973:BH 974:QA 975:BT 976:MN 977:NP 979:PREMIUM_RATE 98:IR 992:TJ 993:TM 994:AZ 995:GE 996:KG "
    "998:UZ").split())

_DIGITS = re.compile(r"^\d+$")

#: Event types, as the ``type`` key of every event.
CALL_STARTED, CALL_ENDED, CONCURRENT_CALLS, NEW_CDR = "call_started", "call_ended", "concurrent_calls", "cdr"


def dialled_digits(number):
    """A number as digits only: ``+``, ``00`` and separators dropped (``+44 20 ...`` -> ``4420...``)."""
    digits = re.sub(r"[^\d]", "", u"%s" % (number or ""))
    return digits[2:] if digits.startswith("00") else digits


def calling_code(number):
    """The country calling code ``number`` starts with, or ``""``."""
    digits = dialled_digits(number)
    for length in (3, 2, 1):
        if digits[:length] in CALLING_CODES:
            return digits[:length]
    return ""


def country_of(number):
    """The ISO 3166-1 alpha-2 country of an E.164 ``number`` (``GB``), or ``""`` when unknown."""
    return CALLING_CODES.get(calling_code(number), "")


def _epoch(iso_text):
    moment = parse_date(iso_text) if iso_text else None
    return int((moment - _EPOCH).total_seconds()) if moment else None


# -- source arguments ----------------------------------------------------------------------------

class SourceArgumentError(ValueError):
    """A source argument the source cannot use: the message names it (never the License)."""


def _number(args, name, default, minimum, maximum):
    value = args.get(name, default)
    try:
        return check_number(name, default if value is None else value, minimum, maximum)
    except InputError as exc:
        raise SourceArgumentError(str(exc))


def _prefixes(args, name):
    value = args.get(name) or []
    if isinstance(value, str):
        value = [item for item in value.split(",") if item.strip()]
    if not isinstance(value, (list, tuple)):
        raise SourceArgumentError("%s: must be a list of number prefixes (got %r)" % (name, value))
    prefixes = []
    for item in value:
        text = u"%s" % item if isinstance(item, (str, int)) and not isinstance(item, bool) else ""
        digits = re.sub(r"^(\+|00)", "", text.strip())
        if not _DIGITS.match(digits):
            raise SourceArgumentError("%s: items must be number prefixes of digits such as '882' or '+53' (got %r)"
                                      % (name, item))
        prefixes.append(digits)
    return tuple(prefixes)


def _customers(args, required):
    value = args.get("customer")
    if value is None or value == []:
        if required:
            raise SourceArgumentError("customer: give the customer id (or a list of ids) whose CDRs to watch")
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    try:
        return tuple(check_scope(customer=item)[0] for item in items)
    except InputError as exc:
        raise SourceArgumentError(str(exc))


def source_settings(args, kind, environ=None):
    """The arguments of the ``active_calls`` (``kind``) or ``cdrs`` source, checked before any request.

    Returns a dict: ``client`` (a ``PortaPlusClient``), ``interval`` and the source's own settings.
    Raises :class:`SourceArgumentError` naming the argument.
    """
    environ = os.environ if environ is None else environ
    args = dict(args or {})
    args.pop("eda_feedback_queue", None)
    known = set(CONNECTION_OPTIONS) | {"interval", "customer"}
    if kind == "active_calls":
        known |= {"home_country", "premium_prefixes"}
    else:
        known |= {"state_file", "lookback", "overlap"}
    unknown = sorted(set(args) - known)
    if unknown:
        raise SourceArgumentError("unknown argument(s) %s of the %s source; known: %s" % (
            ", ".join(unknown), kind, ", ".join(sorted(known))))
    values = {}
    for name, option in CONNECTION_OPTIONS.items():
        values[name] = args.get(name)
        if values[name] is None and option.get("env"):
            values[name] = environ.get(option["env"])
    try:
        kwargs = client_kwargs(values)
    except ValueError as exc:
        raise SourceArgumentError(str(exc))
    settings = {"client": PortaPlusClient(**kwargs)}
    if kind == "active_calls":
        settings["interval"] = _number(args, "interval", 10, 1, 3600)
        customers = _customers(args, required=False)
        if len(customers) > 1:
            raise SourceArgumentError("customer: the active_calls source watches one customer or, without "
                                      "customer, the whole reseller (got %r)" % (args.get("customer"),))
        settings["customer"] = customers[0] if customers else None
        home = args.get("home_country")
        if home is not None and (not isinstance(home, str) or home.upper() not in set(CALLING_CODES.values())):
            raise SourceArgumentError("home_country: must be an ISO 3166-1 alpha-2 code such as GB (got %r)" % (home,))
        settings["home_country"] = home.upper() if home else None
        settings["premium_prefixes"] = _prefixes(args, "premium_prefixes")
    else:
        settings["interval"] = _number(args, "interval", 60, 1, 86400)
        settings["customers"] = _customers(args, required=True)
        settings["lookback"] = int(_number(args, "lookback", 0, 0, 31 * 86400))
        settings["overlap"] = int(_number(args, "overlap", 300, 0, 86400))
        state_file = args.get("state_file")
        if state_file is not None:
            state_file = os.path.abspath(os.path.expanduser(u"%s" % state_file))
            folder = os.path.dirname(state_file)
            if not os.path.isdir(folder):
                raise SourceArgumentError("state_file: the directory %s does not exist" % folder)
        settings["state_file"] = state_file
    return settings


def is_fatal(exc, ever_succeeded):
    """Whether a failed poll ends the source: a refused License, a URL that is not the API, a customer
    the License does not see (404), or (before any poll succeeded) an URL that cannot be reached.
    Server faults and lost connections are retried."""
    if isinstance(exc, (AuthError, NotFoundError, NotTheApiError, InputError, ValueError)):
        return True
    if isinstance(exc, TransportError) and not ever_succeeded:
        text = str(exc)
        return any(kind in text for kind in ("connection refused", "connection failed", "TLS error", "invalid request",
                                             "local error"))
    return False


def until_next_poll(started, interval, now=None):
    """Seconds to wait before the next poll so that polls start every ``interval`` seconds
    (``started``: when this poll started, by ``time.monotonic()``), not ``interval`` after each
    poll ended: a slow poll does not push detection beyond one interval. A poll that took longer
    than the interval is followed at once."""
    now = time.monotonic() if now is None else now
    return max(0.0, interval - (now - started))


class SourceFailed(Exception):
    """The source must end: a refused License, a wrong URL or customer. The message holds no secret."""


#: What :meth:`Poller.attempt` returns for a poll that failed and will be tried again.
FAILED = object()


class Poller:
    """Runs one poll (a blocking read on the client) and decides what a failure means.

    Server faults, lost connections and timeouts (after the client's own retries) are logged and
    the poll is tried again at the next interval: the source never ends for them. A refused License,
    an URL that is not the API, an unknown customer, or (before the first poll succeeded) an URL that
    cannot be reached end it with :class:`SourceFailed`, whose message is redacted.
    """

    def __init__(self, client, name, logger):
        self.client = client
        self.name = name
        self.logger = logger
        self.polls = 0
        self.failures = 0
        self.ever_succeeded = False

    def attempt(self, read, *args):
        """``read(client, *args)``; returns its result, or FAILED when the poll should be retried."""
        self.polls += 1
        try:
            result = read(self.client, *args)
        except (PortaPlusError, InputError, ValueError) as exc:
            message = self.client.redact(str(exc))
            if is_fatal(exc, self.ever_succeeded):
                raise SourceFailed("portaplus.softswitch.%s: %s" % (self.name, message))
            self.failures += 1
            self.logger.warning("portaplus.softswitch.%s: poll failed, trying again at the next interval: %s",
                                self.name, message)
            return FAILED
        self.ever_succeeded = True
        return result


# -- active calls --------------------------------------------------------------------------------

class CallTracker:
    """Successive snapshots of the calls in progress -> events, each call started and ended once.

    A call is ``started`` the first time a snapshot holds it and ``ended`` the first time a
    later snapshot lacks it; a failed poll just leaves a longer gap between two snapshots, so
    nothing is repeated. ``concurrent_calls`` is sent for an account whenever its counts change
    (also to 0, which closes an incident). A call is ``international`` when it is outgoing and its
    destination's country is not the home country (``home_country``, else the country of the
    account's own number), and ``premium`` when it is outgoing to one of ``premium_prefixes``.
    """

    def __init__(self, home_country=None, premium_prefixes=()):
        self.home_country = home_country
        self.premium_prefixes = tuple(premium_prefixes)
        self.calls = {}            # call_id -> the call as last reported
        self._counts = {}          # i_account -> ((calls, international, premium) last sent, (account_id, customer))

    def describe(self, call):
        """One call (``calls.call_from_api``) as an event's ``call``."""
        outgoing = call["direction"] != "incoming"
        remote = call["callee"] if outgoing else call["caller"]
        country = country_of(remote)
        home = self.home_country or country_of(call["account_id"])
        digits = dialled_digits(remote)
        return {
            "call_id": call["call_id"], "account_id": call["account_id"], "i_account": call["i_account"],
            "customer": call["customer"], "cli": call["caller"], "cld": call["callee"],
            "direction": call["direction"], "destination_country": country,
            "destination_code": calling_code(remote),
            "international": bool(outgoing and country and country != home),
            "premium": bool(outgoing and digits and digits.startswith(self.premium_prefixes or ("\0",))),
            "start_time": call["start_time"], "duration": call["duration"],
        }

    def update(self, calls, now=None):
        """The events of a new snapshot (a list of ``calls.call_from_api`` dicts), in order:
        ended calls, started calls, then the changed per-account counts."""
        now = now or datetime.datetime.now(_UTC)
        current = {}
        for call in calls:
            if call["call_id"]:
                current[call["call_id"]] = self.describe(call)
        events = []
        for call_id in [known for known in self.calls if known not in current]:
            call = self.calls.pop(call_id)
            started = _epoch(call["start_time"])
            if started is not None:
                call["duration"] = max(call["duration"], int((now - _EPOCH).total_seconds()) - started)
            call["end_time"] = now.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            events.append({"type": CALL_ENDED, "call": call})
        for call_id, call in current.items():
            if call_id not in self.calls:
                events.append({"type": CALL_STARTED, "call": call})
            self.calls[call_id] = call
        events.extend(self._count_events())
        return events

    def _count_events(self):
        by_account = {}
        for call in self.calls.values():
            by_account.setdefault(call["i_account"], []).append(call)
        events = []
        for i_account in sorted(set(by_account) | set(self._counts)):
            calls = by_account.get(i_account, [])
            counts = (len(calls), sum(c["international"] for c in calls), sum(c["premium"] for c in calls))
            before = self._counts.get(i_account)
            if counts == (before[0] if before else (0, 0, 0)):
                continue
            owner = (calls[0]["account_id"], calls[0]["customer"]) if calls else before[1]
            if calls:
                self._counts[i_account] = (counts, owner)
            else:
                del self._counts[i_account]
            events.append({"type": CONCURRENT_CALLS, "concurrent_calls": {
                "i_account": i_account, "account_id": owner[0], "customer": owner[1],
                "calls": counts[0], "international": counts[1], "premium": counts[2],
                "in_progress": [{"call_id": c["call_id"], "cld": c["cld"], "destination_country": c["destination_country"],
                                 "international": c["international"], "premium": c["premium"],
                                 "start_time": c["start_time"]} for c in calls],
            }})
        return events


# -- CDRs ----------------------------------------------------------------------------------------

BILLING_TIME_CDRS = Route(
    "GET", "/getCustomerAccountBillingTimeCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{DisconnectTimeFilter}", "PortaCDR")

#: ToDate of a read lies this far ahead, so a server clock a little ahead of ours loses nothing.
CLOCK_SKEW_S = 3600


def read_billed_cdrs(client, customer, since, now=None):
    """The CDRs of ``customer`` (its accounts' included) billed (ended) from ``since`` (epoch seconds), as
    records (``cdr.records.cdr_record``), in (bill time, ID) order. One request."""
    now = time.time() if now is None else now
    start = datetime.datetime.fromtimestamp(since, _UTC)
    end = datetime.datetime.fromtimestamp(int(now) + CLOCK_SKEW_S, _UTC)
    path = {"ICustomer": int(customer), "FromDate": path_date(start), "ToDate": path_date(end),
            "IncludeAccounts": True, "DisconnectTimeFilter": True}
    response = client.call(BILLING_TIME_CDRS, path=path, convert=False,
                           action="reading the CDRs of customer %s billed since %s" % (customer, path["FromDate"]))
    records = [cdr_record(api) for api in response.get("lstPortaCustomerAccountCDRS") or []]
    records.sort(key=lambda record: (_epoch(record["disconnect_time"]) or 0, record["id"] or 0))
    return records


class CdrWatermark:
    """Which CDRs of one customer have been emitted: a high-water mark on bill time and the IDs seen
    within ``overlap`` seconds below it.

    Each read starts ``overlap`` seconds below the mark, so a CDR written late (its bill time already
    passed by the mark) is still found; its ID tells whether it was emitted. Nothing billed before
    ``floor`` (where watching began) is ever emitted.
    """

    def __init__(self, floor, overlap, mark=None, seen=None):
        self.floor = int(floor)
        self.overlap = int(overlap)
        self.mark = int(mark if mark is not None else floor)
        self.seen = dict((int(key), int(value)) for key, value in (seen or {}).items())

    def since(self):
        return max(self.floor, self.mark - self.overlap)

    def fresh(self, records):
        """The records not emitted yet, oldest first."""
        result = []
        for record in records:
            billed = _epoch(record["disconnect_time"])
            if record["id"] is None or billed is None or billed < self.floor or record["id"] in self.seen:
                continue
            result.append(record)
        return result

    def emitted(self, record):
        """Record one CDR as emitted (call right after handing it on)."""
        billed = _epoch(record["disconnect_time"])
        self.seen[record["id"]] = billed
        if billed > self.mark:
            self.mark = billed
            low = self.mark - self.overlap
            self.seen = dict((key, value) for key, value in self.seen.items() if value >= low)

    def to_json(self):
        return {"floor": self.floor, "overlap": self.overlap, "mark": self.mark,
                "seen": dict((str(key), value) for key, value in sorted(self.seen.items()))}

    @classmethod
    def from_json(cls, data, overlap):
        return cls(data["floor"], overlap, data.get("mark"), data.get("seen"))


STATE_VERSION = 1


def load_state(path, customers, url, overlap, floor):
    """``{customer: CdrWatermark}`` from the state file, a new mark at ``floor`` for customers it lacks.

    A state file of another server (``url``) is refused rather than silently reused; the file holds
    no secret (the URL is stored without user-info, which the options refuse anyway).
    """
    data = {}
    if path and os.path.exists(path):
        try:
            with open(path) as handle:
                data = json.load(handle)
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                raise ValueError("version")
        except (OSError, ValueError) as exc:
            raise SourceArgumentError("state_file: %s is not a state file of this source (%s); remove it to start "
                                      "from now" % (path, type(exc).__name__))
        if data.get("url") != url:
            raise SourceArgumentError("state_file: %s holds the position of another server (%s), not %s"
                                      % (path, data.get("url"), url))
    known = data.get("customers") or {}
    marks = {}
    for customer in customers:
        entry = known.get(str(customer))
        marks[customer] = CdrWatermark.from_json(entry, overlap) if entry else CdrWatermark(floor, overlap)
    return marks


def save_state(path, url, marks):
    """Write the state atomically (a temporary file in the same directory, then a rename), mode 0600."""
    if not path:
        return
    data = {"version": STATE_VERSION, "url": url,
            "customers": dict((str(customer), mark.to_json()) for customer, mark in marks.items())}
    folder = os.path.dirname(path)
    descriptor, partial = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=folder)
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


def cdr_event(record):
    return {"type": NEW_CDR, "cdr": dict(record)}
