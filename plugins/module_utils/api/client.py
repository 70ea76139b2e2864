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
import importlib.util
import json
import math
import random
import re
import time
from collections import namedtuple

from urllib.parse import quote, quote_plus, urlsplit

# Dates and errors live in their own files; they stay importable from here (other plugins import them so).
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.dates import (  # noqa: F401 pylint: disable=unused-import
    convert_dates, format_date, format_path_date, json_default, parse_date)
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import (  # noqa: F401 pylint: disable=unused-import
    AuthError, NotFoundError, NotTheApiError, OutcomeUnknownError, PathValueError, PortaPlusError, ServerError,
    TransportError, ValidationError, STATUS_ERRORS, DOT_REASON, FORMAT_SUFFIXES, MASK, SUFFIX_REASON, path_segment_problem)

# requests (and urllib3 under it) is imported on the first request, not with this file: it is most of the
# file's import time (~70 ms of a module's ~0.4 s process), which a task that fails its input checks, or
# answers from what it was given, never needs.
HAS_REQUESTS = importlib.util.find_spec("requests") is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else "ModuleNotFoundError: No module named 'requests'"
_REQUESTS = []


def _requests():
    """The requests module, imported once."""
    if not _REQUESTS:
        import requests  # pylint: disable=import-outside-toplevel
        import requests.exceptions  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
        _REQUESTS.append(requests)
    return _REQUESTS[0]


def _pre_send_causes():
    """urllib3's errors that mean nothing was sent (a connection never made)."""
    try:
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError  # pylint: disable=import-outside-toplevel
    except ImportError:
        return ()
    return (ConnectTimeoutError, NewConnectionError)


COLLECTION_VERSION = "0.2.0"
USER_AGENT = "portaplus.softswitch/%s" % COLLECTION_VERSION

REDACTED = MASK
_UTC = datetime.timezone.utc

#: What a non-ServiceStack answer is reported as: a wrong url or path prefix, not a missing object (H8).
NOT_THE_API = "this URL does not look like a Porta Plus 2 API"


#: Characters a License may not hold: a server or a proxy may decode (``%``), split (``/``, ``\\``, ``?``, ``#``)
#: or trim (blanks) the path around them, and then echo the pieces back in an error message, where no
#: redaction of the whole License would find them (H7).
LICENSE_FORBIDDEN = "%/\\?#"


def license_problem(license):  # pylint: disable=redefined-builtin
    """Why this License cannot be sent, or None. It travels as one path segment of most routes; the
    message never contains the License, nor the character that was refused."""
    if any(char in LICENSE_FORBIDDEN for char in license):
        return ("license contains one of the characters %s, which a server may decode or split a URL path on, "
                "so parts of it could be echoed back in messages; ask the provider for a License of letters, "
                "digits and '-', '_', '.', '~', '+', '=' (the License is not shown)" % " ".join(LICENSE_FORBIDDEN))
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 or not char.isprintable() for char in license):
        return "license must not contain blanks or control characters (the License is not shown)"
    return None


def http_url_parts(url):
    """``urlsplit(url)`` when ``url`` is an http:// or https:// URL with a host name (and a valid port), else None."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # e.g. a port that is not a number
        return None
    return parts if valid else None


#: Server-supplied text loses every piece of a secret at least this long: a server that decodes or
#: splits a path echoes parts of the License, never only the whole (H7).
FRAGMENT_LENGTH = 4


#: Statuses a safe (reading) request is retried on.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
#: Statuses any request is retried on when the server sends Retry-After.
RETRY_AFTER_STATUSES = frozenset((429, 503))
#: Statuses after which a write may or may not have been applied (a 500 may come after a partial commit, H6).
UNKNOWN_OUTCOME_STATUSES = frozenset((500, 502, 504))
#: The longest pause between two attempts to open a connection the server refused: refusing is quick and
#: usually lasting, so the whole run fails within a few seconds (H8).
REFUSED_MAX_BACKOFF = 0.5

_UNKNOWN_HINT = "; the server may or may not have applied it; the caller reconciles by reading back"

_NOT_JSON = object()

_VAR_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}")


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


def _is_servicestack_error(data):
    """Whether an error body is ServiceStack's (a ResponseStatus), and not a route table's "no such handler"."""
    status = _ci_get(data, "ResponseStatus")
    if not isinstance(status, dict):
        return False
    return not str(_ci_get(status, "Message") or "").startswith("Handler for Request not found")


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
        parts = http_url_parts(url)
        if parts is None:
            raise ValueError("url must be an http:// or https:// URL with a host name")
        if not license:
            raise ValueError("license must not be empty")
        problem = license_problem(str(license))
        if problem:
            raise ValueError(problem)
        self._secrets = set()
        self._fragments = set()
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
        self._session = session
        self._sleep = sleep
        self._random = random.Random()
        self.stats = {"requests": 0, "retries": 0}
        self.log = None
        self._action = None

    @property
    def session(self):
        """The requests session, made on the first request (see _requests)."""
        if self._session is None:
            self._session = _requests().Session()
        return self._session

    def __repr__(self):
        return "PortaPlusClient(url=%r)" % (self.redact(self.url),)

    # -- secrets -------------------------------------------------------------

    def add_secret(self, value):
        """Redact ``value`` (and its encoded forms) from every message from now on, and every piece of
        it of ``FRAGMENT_LENGTH`` characters or more from what a server sends back (see ``scrub``)."""
        if value is None or isinstance(value, bool):
            return
        if not isinstance(value, str):
            value = str(value)
        if not value:
            return
        forms = {value, quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1], repr(value)[1:-1]}
        encoded = quote(value, safe="")
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
        forms.discard("")
        self._secrets.update(forms)
        for form in forms:
            lowered = form.lower()
            self._fragments.update(lowered[start:start + FRAGMENT_LENGTH]
                                   for start in range(len(lowered) - FRAGMENT_LENGTH + 1))

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

    def scrub(self, text):
        """Text a server sent (an error body, an echoed path, a header) with every secret and every piece of
        one of ``FRAGMENT_LENGTH`` characters or more, in any letter case, replaced by ``********``.

        Any piece that long is covered by the secret's runs of ``FRAGMENT_LENGTH`` characters, so each run found
        is masked and neighbouring masks merge; a server's decoding or splitting leaves nothing to read."""
        text = self.redact(text)
        if not self._fragments or len(text) < FRAGMENT_LENGTH:
            return text
        lowered = text.lower()
        if len(lowered) != len(text):       # a letter whose lower case is longer: compare as sent
            lowered = text
        masked = bytearray(len(text))
        fragments = self._fragments
        for start in range(len(text) - FRAGMENT_LENGTH + 1):
            if lowered[start:start + FRAGMENT_LENGTH] in fragments:
                masked[start:start + FRAGMENT_LENGTH] = b"\x01" * FRAGMENT_LENGTH
        if not any(masked):
            return text
        pieces, start = [], 0
        for match in re.finditer(b"\x01+", bytes(masked)):
            pieces.append(text[start:match.start()])
            pieces.append(REDACTED)
            start = match.end()
        pieces.append(text[start:])
        return "".join(pieces)

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
            problem = SUFFIX_REASON if text.lower().endswith(FORMAT_SUFFIXES) else None
        else:
            problem = path_segment_problem(text)
        if problem:
            raise self._path_error(route, variable, value, problem)
        segments = text.split("/")
        if any(segment in (".", "..") for segment in segments):
            raise self._path_error(route, variable, value, DOT_REASON)
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
        if self._action:
            message = "%s failed: %s (%s %s)" % (self._action, detail, route.verb, route.template)
        else:
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
        scrub = self._scrub_served
        reason = scrub(response.reason) or ""
        rs = _ci_get(data, "ResponseStatus")
        error_code = scrub(_ci_get(rs, "ErrorCode")) if isinstance(rs, dict) else None
        server_message = scrub(_ci_get(rs, "Message")) if isinstance(rs, dict) else None
        field_errors = []
        if isinstance(rs, dict):
            errors = _ci_get(rs, "Errors")
            for item in errors if isinstance(errors, list) else []:
                if isinstance(item, dict):
                    field_errors.append({
                        "ErrorCode": scrub(_ci_get(item, "ErrorCode")),
                        "FieldName": scrub(_ci_get(item, "FieldName")),
                        "Message": scrub(_ci_get(item, "Message")),
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
            cls = STATUS_ERRORS.get(status, ServerError)
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
        exc_mod = _requests().exceptions
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
            chain = list(_exception_chain(exc))
            if any(isinstance(inner, ConnectionRefusedError) for inner in chain):
                return "connection refused", True, True
            causes = _pre_send_causes()
            if causes and any(isinstance(inner, causes) for inner in chain):
                return "connection failed", True, True
            return "connection error", False, True
        if not isinstance(exc, exc_mod.RequestException):  # e.g. an unreadable ca_path
            return "local error", True, False
        return "transport error", False, True

    def call(self, route, path=None, body=None, query=None, convert=True, action=None):
        """Send one documented request and return the decoded JSON (``{}`` for an empty body).

        ``convert=False`` leaves response dates as the server wrote them, for callers that read a
        few dates of very many records and convert those themselves (CDR pages).
        ``action`` says what the user's task was doing ("reading the accounts of customer 1001");
        error messages start with it instead of the API's service name.
        """
        self._action = action
        try:
            return self._call(route, path, body, query, convert)
        finally:
            self._action = None

    def _call(self, route, path, body, query, convert):
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
            data = json.dumps(body, default=json_default).encode("utf-8")

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
                failure = (self._classify(exc), self._transport_text(exc))
            elapsed = time.monotonic() - started
            retries_left = attempt <= self.retries

            if failure is not None:
                (kind, pre_send, retryable), text = failure
                self._log("%s %s %s -> %s after %.3fs (attempt %d)" % (route.op, route.verb, route.template, kind, elapsed, attempt))
                if retryable and (pre_send or not route.write):
                    if retries_left:
                        wait = self._backoff(attempt - 1)
                        self._wait(min(wait, REFUSED_MAX_BACKOFF) if kind == "connection refused" else wait)
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
            if status in (404, 405) and not _is_servicestack_error(decoded):
                raise self._not_the_api(route, response, "not a ServiceStack error response")
            if route.write and status in UNKNOWN_OUTCOME_STATUSES:
                raise self._http_error(route, response, decoded, cls=OutcomeUnknownError, suffix=_UNKNOWN_HINT)
            raise self._http_error(route, response, decoded)

    def _transport_text(self, exc):
        """A short reason for a transport failure: where to, and the innermost cause's own words, never urllib3's
        repr of its connection objects."""
        innermost = exc
        for inner in _exception_chain(exc):
            if isinstance(inner, OSError) and getattr(inner, "strerror", None):
                innermost = inner
        reason = getattr(innermost, "strerror", None)
        if not reason:
            reason = type(exc).__name__
            exceptions = _requests().exceptions
            if isinstance(exc, exceptions.ReadTimeout):
                reason = "no answer within %s s (timeout)" % self._timeout()[1]
            elif isinstance(exc, exceptions.ConnectTimeout):
                reason = "no connection within %s s (timeout)" % self._timeout()[0]
            elif isinstance(exc, exceptions.SSLError):
                reason = "certificate or TLS handshake failed"
            elif isinstance(exc, exceptions.ConnectionError):
                reason = "the connection was closed or reset"
        try:
            parts = urlsplit(self.url)
            where = "%s:%s" % (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except ValueError:
            where = "the server"
        return "%s (%s)" % (reason, where)

    def _scrub_served(self, value):
        """A value the server sent, as text fit for a message (``scrub``), or None."""
        if value is None:
            return None
        return self.scrub(value if isinstance(value, str) else json.dumps(value, default=str))

    def _not_the_api(self, route, response, what):
        content_type = self._scrub_served((response.headers.get("Content-Type") or "no content type").split(";")[0])
        return self._error(
            NotTheApiError, route,
            "%s: %s answered %s %s with %s, %s; check url (and any path prefix in it)" % (
                NOT_THE_API, self.url, response.status_code, self._scrub_served(response.reason) or "", content_type, what),
            status=response.status_code)

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
            raise self._not_the_api(route, response, "not JSON")
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
        """Close the session's pooled connections (if a request made one)."""
        if self._session is not None:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc_info):
        self.close()


#: The name other plugins import.
Client = PortaPlusClient
