# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection.

Every request of every module, lookup and inventory plugin goes through
:class:`PortaPlusClient`: route rendering and path-value validation, timeouts,
retries (only where a repeat is safe), TLS, proxies, error mapping to typed
exceptions, secret redaction and ServiceStack date parsing live here once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import email.utils
import json
import math
import random
import re
import time
import traceback
from collections import namedtuple

from urllib.parse import quote, quote_plus, urlsplit

try:
    import requests
    import requests.exceptions
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    from urllib3.exceptions import ConnectTimeoutError as _Urllib3ConnectTimeoutError
    from urllib3.exceptions import NewConnectionError as _Urllib3NewConnectionError
    _PRE_SEND_CAUSES = (_Urllib3ConnectTimeoutError, _Urllib3NewConnectionError)
except ImportError:
    _PRE_SEND_CAUSES = ()


COLLECTION_VERSION = "0.2.0"
USER_AGENT = "portaplus.softswitch/%s" % COLLECTION_VERSION

REDACTED = "********"

#: Path values ServiceStack would strip as a format suffix (API_FACTS C.2, A14).
FORMAT_SUFFIXES = (".json", ".xml", ".jsv", ".csv", ".html")
_SUFFIX_REASON = "must not end in %s, which ServiceStack strips as a format suffix" % "/".join(FORMAT_SUFFIXES)
_DOT_REASON = "'.' and '..' cannot be sent as path segments"


def path_segment_problem(text):
    """Why ``text`` cannot travel as one route variable (A14), or None when it can.

    The client refuses such values before sending; resource specs call this to fail earlier,
    naming the user's option.
    """
    if not text:
        return "must not be empty"
    if "/" in text:
        return "must not contain '/'"
    if text.lower().endswith(FORMAT_SUFFIXES):
        return _SUFFIX_REASON
    if text in (".", ".."):
        return _DOT_REASON
    return None


#: Statuses a safe (reading) request is retried on.
RETRY_STATUSES = frozenset((429, 502, 503, 504))
#: Statuses any request is retried on when the server sends Retry-After.
RETRY_AFTER_STATUSES = frozenset((429, 503))
#: Statuses after which a write may or may not have been applied.
UNKNOWN_OUTCOME_STATUSES = frozenset((502, 504))

_UNKNOWN_HINT = "; the server may or may not have applied it; the caller reconciles by reading back"

_NOT_JSON = object()

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
#: DateTime.MinValue in ServiceStack's JSON (ms since epoch).
_MIN_VALUE_MS = -62135596800000

_VAR_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}")
_WCF_DATE_RE = re.compile(r"^\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/$")
_ISO_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class PortaPlusError(Exception):
    """Base class of every error the client raises.

    The message (``str(exc)``, ``exc.args``) is already redacted.  ``route`` is the
    route *template* (``/GetAccounts/{License}/{ICustomer}``), never a filled URL.
    """

    def __init__(self, message, op=None, method=None, route=None, status=None,
                 server_message=None, field_errors=None, error_code=None):
        super().__init__(message)
        self.message = message
        self.op = op
        self.method = method
        self.route = route
        self.status = status
        self.server_message = server_message
        self.field_errors = list(field_errors or [])
        self.error_code = error_code

    def __str__(self):
        return self.message


class AuthError(PortaPlusError):
    """401/403: the License is missing, unknown or not allowed (A1)."""


class NotFoundError(PortaPlusError):
    """404: the object (or the scope, e.g. the customer) does not exist for this License."""


class ValidationError(PortaPlusError):
    """400/409/422: the server refused the input; ``field_errors`` lists per-field problems."""


class ServerError(PortaPlusError):
    """Any other non-2xx status, or a 2xx answering ``"Success": false`` (A4) or no JSON."""


class TransportError(PortaPlusError):
    """Connection, timeout or TLS failure (after the retries that were safe to make)."""


class OutcomeUnknownError(PortaPlusError):
    """A write may or may not have been applied; the caller reconciles by reading back."""


class PathValueError(PortaPlusError, ValueError):
    """A path value that cannot be sent faithfully; nothing was sent."""

    def __init__(self, message, variable=None, **kwargs):
        super().__init__(message, **kwargs)
        self.variable = variable


_STATUS_ERRORS = {
    400: ValidationError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ValidationError,
    422: ValidationError,
}


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------

class Route(namedtuple("Route", ("verb", "template", "op", "write"))):
    """A documented route: ``Route("GET", "/GetAccounts/{License}/{ICustomer}", "Product")``.

    ``write`` defaults to ``verb != "GET"``; set it for GET routes that change state (A13).
    Immutable (a namedtuple).
    """

    __slots__ = ()

    def __new__(cls, verb, template, op, write=None):
        verb = str(verb).upper()
        if not template.startswith("/"):
            raise ValueError("route template must start with '/': %r" % (template,))
        if write is None:
            write = verb != "GET"
        return super().__new__(cls, verb, template, op, bool(write))

    @property
    def variables(self):
        """Names of the template's variables, in order."""
        return tuple(m.group(1) for m in _VAR_RE.finditer(self.template))

    def __str__(self):
        return "%s %s" % (self.verb, self.template)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

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


def _json_default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return format_date(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _ci_get(mapping, key, default=None):
    """Case-insensitive member lookup (ServiceStack may be configured to camelCase)."""
    if not isinstance(mapping, dict):
        return default
    if key in mapping:
        return mapping[key]
    lower = key.lower()
    for name, value in mapping.items():
        if isinstance(name, str) and name.lower() == lower:
            return value
    return default


def _exception_chain(exc, seen=None):
    """Yield exc and everything it wraps (args, .reason, __cause__, __context__)."""
    seen = seen if seen is not None else set()
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    yield exc
    if isinstance(exc, BaseException):
        for arg in exc.args:
            if isinstance(arg, BaseException):
                yield from _exception_chain(arg, seen)
        for inner_exc in (getattr(exc, "reason", None), exc.__cause__, exc.__context__):
            if isinstance(inner_exc, BaseException):
                yield from _exception_chain(inner_exc, seen)


def _retry_after_seconds(value, now=None):
    """Retry-After as seconds (delta-seconds or HTTP date), or None when unusable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=_UTC)
        now = now or datetime.datetime.now(_UTC)
        seconds = (when - now).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------

class PortaPlusClient:
    """HTTP client for the Porta Plus 2 Web Services (a ServiceStack JSON API).

    ``client.call(route, path=None, body=None, query=None)`` renders the route (filling
    ``{License}`` itself), sends the request and returns the parsed JSON with dates
    converted.  Failures raise a :class:`PortaPlusError` subclass whose message has
    every secret replaced by ``********``.
    """

    def __init__(self, url, license, validate_certs=True, ca_path=None, timeout=30, retries=3,  # pylint: disable=redefined-builtin
                 backoff_factor=0.5, max_backoff=20, session=None, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise ImportError(
                "The Python library 'requests' is required by the portaplus.softswitch collection "
                "but could not be imported; install it on the host that runs the task (pip install requests)."
            )
        url = str(url or "").strip()
        try:
            parts = urlsplit(url)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port is None or parts.port > 0)
        except ValueError:
            valid = False
        if not valid:
            raise ValueError("url must be an http:// or https:// URL with a host name")
        if not license:
            raise ValueError("license must not be empty")
        self._secrets = set()
        self._license = str(license)
        self.add_secret(self._license)
        if parts.password:
            self.add_secret(parts.password)
        self.url = url.rstrip("/")
        self.validate_certs = bool(validate_certs)
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff_factor = float(backoff_factor)
        self.max_backoff = float(max_backoff)
        self.session = session if session is not None else requests.Session()
        self._sleep = sleep
        self._random = random.Random()
        self.stats = {"requests": 0, "retries": 0}
        self.log = None

    def __repr__(self):
        return "PortaPlusClient(url=%r)" % (self.redact(self.url),)

    # -- secrets -------------------------------------------------------------

    def add_secret(self, value):
        """Redact ``value`` (and its encoded forms) from every message from now on."""
        if value is None or isinstance(value, bool):
            return
        if not isinstance(value, str):
            value = str(value)
        if not value:
            return
        forms = {value, quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1], repr(value)[1:-1]}
        encoded = quote(value, safe="")
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
        self._secrets.update(form for form in forms if form)

    def redact(self, text):
        """``text`` with every secret (and its percent-encoded forms) replaced by ``********``."""
        if text is None:
            return ""
        if not isinstance(text, str):
            text = str(text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    # -- rendering -----------------------------------------------------------

    def _path_error(self, route, variable, value, reason):
        shown = "'%s'" % value if isinstance(value, str) else repr(value)
        message = "%s %s %s: path variable %s=%s refused: %s; nothing was sent" % (
            route.op, route.verb, route.template, variable, shown, reason)
        return PathValueError(self.redact(message), variable=variable, op=route.op, method=route.verb, route=route.template)

    def _encode_value(self, route, variable, value, wildcard=False):
        if isinstance(value, bool):
            text = "True" if value else "False"
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, str):
            text = value
        else:
            raise self._path_error(route, variable, value, "must be a string, integer or boolean, got %s" % type(value).__name__)
        if wildcard:  # may be empty and span segments: only the path's end and dot segments matter
            problem = _SUFFIX_REASON if text.lower().endswith(FORMAT_SUFFIXES) else None
        else:
            problem = path_segment_problem(text)
        if problem:
            raise self._path_error(route, variable, value, problem)
        segments = text.split("/")
        if any(segment in (".", "..") for segment in segments):
            raise self._path_error(route, variable, value, _DOT_REASON)
        return "/".join(quote(segment, safe="") for segment in segments)

    def render(self, route, path=None):
        """The route's path with every variable filled and percent-encoded (License included)."""
        path = dict(path or {})
        folded = {str(key).lower(): key for key in path}

        def substitute(match):
            name, wildcard = match.group(1), bool(match.group(2))
            if name.lower() == "license":
                return quote(self._license, safe="")
            if name in path:
                key = name
            elif name.lower() in folded:
                key = folded[name.lower()]
            else:
                raise self._path_error(route, name, None, "missing")
            return self._encode_value(route, name, path[key], wildcard)

        return _VAR_RE.sub(substitute, route.template)

    # -- errors --------------------------------------------------------------

    def _error(self, cls, route, detail, status=None, server_message=None, field_errors=None, error_code=None):
        message = "%s %s %s failed: %s" % (route.op, route.verb, route.template, detail)
        clean_errors = []
        for item in field_errors or []:
            if isinstance(item, dict):
                clean_errors.append({key: self.redact(val) if isinstance(val, str) else val for key, val in item.items()})
        return cls(
            self.redact(message), op=route.op, method=route.verb, route=route.template, status=status,
            server_message=None if server_message is None else self.redact(server_message),
            field_errors=clean_errors, error_code=None if error_code is None else self.redact(error_code),
        )

    def _http_error(self, route, response, data, cls=None, suffix=""):
        status = response.status_code
        reason = response.reason or ""
        rs = _ci_get(data, "ResponseStatus")
        error_code = _ci_get(rs, "ErrorCode") if isinstance(rs, dict) else None
        server_message = _ci_get(rs, "Message") if isinstance(rs, dict) else None
        field_errors = []
        if isinstance(rs, dict):
            for item in _ci_get(rs, "Errors") or []:
                if isinstance(item, dict):
                    field_errors.append({
                        "ErrorCode": _ci_get(item, "ErrorCode"),
                        "FieldName": _ci_get(item, "FieldName"),
                        "Message": _ci_get(item, "Message"),
                    })
        label = error_code or reason
        detail = "%s %s" % (status, label) if label else str(status)
        if server_message and server_message != label:
            detail = "%s: %s" % (detail, server_message)
        if field_errors:
            detail = "%s [%s]" % (detail, "; ".join(
                "%s: %s" % (item.get("FieldName") or item.get("ErrorCode") or "?", item.get("Message") or item.get("ErrorCode") or "")
                for item in field_errors))
        if cls is None:
            cls = _STATUS_ERRORS.get(status, ServerError)
        return self._error(cls, route, detail + suffix, status=status, server_message=server_message or reason or None,
                           field_errors=field_errors, error_code=error_code)

    # -- sending -------------------------------------------------------------

    def _backoff(self, retry_number):
        base = self.backoff_factor * (2 ** retry_number)
        return min(self.max_backoff, base + self._random.uniform(0, base))

    def _log(self, line):
        if self.log is not None:
            self.log(self.redact(line))

    def _timeout(self):
        if isinstance(self.timeout, (tuple, list)):
            return tuple(self.timeout)
        return (self.timeout, self.timeout)

    def _verify(self):
        if not self.validate_certs:
            return False
        return self.ca_path if self.ca_path else True

    @staticmethod
    def _classify(exc):
        """Classify a requests exception: (kind, pre_send, retryable)."""
        exc_mod = requests.exceptions
        if isinstance(exc, (exc_mod.InvalidURL, exc_mod.MissingSchema, exc_mod.InvalidSchema, exc_mod.URLRequired,
                            exc_mod.InvalidHeader)):
            return "invalid request", True, False
        if isinstance(exc, exc_mod.SSLError):
            return "TLS error (check validate_certs / ca_path)", True, False
        if isinstance(exc, exc_mod.ConnectTimeout):
            return "connect timeout", True, True
        if isinstance(exc, exc_mod.ReadTimeout):
            return "read timeout", False, True
        if isinstance(exc, exc_mod.ConnectionError):
            if _PRE_SEND_CAUSES and any(isinstance(inner, _PRE_SEND_CAUSES) for inner in _exception_chain(exc)):
                return "connection failed", True, True
            return "connection error", False, True
        if not isinstance(exc, exc_mod.RequestException):  # e.g. an unreadable ca_path
            return "local error", True, False
        return "transport error", False, True

    def call(self, route, path=None, body=None, query=None, convert=True):
        """Send one documented request and return the decoded JSON (``{}`` for an empty body).

        ``convert=False`` leaves response dates as the server wrote them, for callers that read a
        few dates of very many records and convert those themselves (CDR pages).
        """
        relative = self.render(route, path)
        url = self.url + relative
        params = None
        if query:
            params = []
            for key, value in query.items():
                if value is None:
                    continue
                if isinstance(value, bool):
                    value = "True" if value else "False"
                elif isinstance(value, (datetime.datetime, datetime.date)):
                    value = format_path_date(value)
                params.append((key, value))
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        data = None
        if isinstance(body, dict) and "{License}" not in route.template:
            # Routes without {License} in the path take it as a DTO member in the body
            # (ServiceStack binds members from path, query or body alike: assumption A25).
            body = dict(body, License=self._license)
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, default=_json_default).encode("utf-8")

        attempt = 0
        while True:
            attempt += 1
            self.stats["requests"] += 1
            started = time.monotonic()
            response = None
            failure = None
            try:
                response = self.session.request(
                    route.verb, url, params=params, data=data, headers=headers, timeout=self._timeout(),
                    verify=self._verify(), allow_redirects=route.verb in ("GET", "HEAD") and not route.write,
                )
            except OSError as exc:  # every requests exception is an OSError too
                failure = (self._classify(exc), "%s: %s" % (type(exc).__name__, exc))
            elapsed = time.monotonic() - started
            retries_left = attempt <= self.retries

            if failure is not None:
                (kind, pre_send, retryable), text = failure
                self._log("%s %s %s -> %s after %.3fs (attempt %d)" % (route.op, route.verb, route.template, kind, elapsed, attempt))
                if retryable and (pre_send or not route.write):
                    if retries_left:
                        self._wait(self._backoff(attempt - 1))
                        continue
                    raise self._error(TransportError, route, "%s after %d attempt(s): %s" % (kind, attempt, text))
                if route.write and not pre_send:
                    raise self._error(
                        OutcomeUnknownError, route,
                        "%s: %s%s" % (kind, text, _UNKNOWN_HINT))
                raise self._error(TransportError, route, "%s: %s" % (kind, text))

            status = response.status_code
            self._log("%s %s %s -> %s in %.3fs (attempt %d)" % (route.op, route.verb, route.template, status, elapsed, attempt))
            if 200 <= status < 300:
                return self._success(route, response, convert)

            retry_after = None
            if status in RETRY_AFTER_STATUSES:
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            if retries_left and (retry_after is not None or (status in RETRY_STATUSES and not route.write)):
                wait = self._backoff(attempt - 1) if retry_after is None else min(retry_after, self.max_backoff)
                response.close()
                self._wait(wait)
                continue
            decoded = self._decode(response)
            if route.write and status in UNKNOWN_OUTCOME_STATUSES:
                raise self._http_error(route, response, decoded, cls=OutcomeUnknownError, suffix=_UNKNOWN_HINT)
            raise self._http_error(route, response, decoded)

    def _wait(self, seconds):
        self.stats["retries"] += 1
        self._sleep(seconds)

    @staticmethod
    def _decode(response):
        """The response's JSON; ``None`` for an empty body, ``_NOT_JSON`` when it is not JSON."""
        content = response.content or b""
        if not content.strip():
            return None
        try:
            return json.loads(content.decode("utf-8-sig"))
        except ValueError:
            return _NOT_JSON

    def _success(self, route, response, convert=True):
        content = response.content or b""
        if not content.strip():
            return {}
        data = self._decode(response)
        if data is _NOT_JSON:
            raise self._error(ServerError, route, "%s %s: the response is not JSON" % (response.status_code, response.reason or ""),
                              status=response.status_code, server_message="the response is not JSON")
        if convert:
            data = convert_dates(data)
        if isinstance(data, dict) and _ci_get(data, "Success") is False:
            rs = _ci_get(data, "ResponseStatus")
            if isinstance(rs, dict) and (_ci_get(rs, "Message") or _ci_get(rs, "ErrorCode")):
                raise self._http_error(route, response, data, cls=ServerError)
            raise self._error(ServerError, route, "%s: the server answered \"Success\": false" % response.status_code,
                              status=response.status_code, server_message="Success: false")
        return data

    def close(self):
        """Close the session's pooled connections."""
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc_info):
        self.close()
