# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every exception of the collection, and the rules of what a path value may be.

The client's typed errors (``PortaPlusError`` and subclasses; every message is redacted before it
is raised) and the one vocabulary for bad user input (``InputError`` and subclasses; the message
names the option and the value, never a secret). Modules turn them into failures in
``engine/runner.py``; lookups and the inventory into plugin errors in ``plugin_utils/errors.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


#: How results, diffs and messages show a secret (the License, a password).
MASK = "********"

#: Path values ServiceStack would strip as a format suffix (API_FACTS C.2, A14).
FORMAT_SUFFIXES = (".json", ".xml", ".jsv", ".csv", ".html")
SUFFIX_REASON = "must not end in %s, which ServiceStack strips as a format suffix" % "/".join(FORMAT_SUFFIXES)
DOT_REASON = "'.' and '..' cannot be sent as path segments"


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
        return SUFFIX_REASON
    if text in (".", ".."):
        return DOT_REASON
    return None


class InputError(ValueError):
    """Bad user input found before any write. The message names the option and the value.

    ``option`` None: ``message`` is the whole message (it names the option itself).
    """

    def __init__(self, option, message, value=None, show_value=True):
        self.option = option
        text = message if option is None else "%s: %s" % (option, message)
        if show_value and value is not None:
            text = "%s (got %r)" % (text, value)
        super(InputError, self).__init__(text)


class ConnectionOptionError(InputError):
    """A plugin option has a value the client cannot use; ``message`` names the option."""

    def __init__(self, message):
        super(ConnectionOptionError, self).__init__(None, message)


class CdrInputError(InputError):
    """Bad input found before any request that reads CDRs; the value is shown as ``(got 'value')``."""

    def __init__(self, option, problem, value=None):
        message = "%s: %s" % (option, problem)
        if value is not None:
            message += " (got '%s')" % (value,)
        super(CdrInputError, self).__init__(None, message)
        self.option = option


class CdrReportError(InputError):
    """A CSV the report cannot read, or a report option it cannot use; ``message`` says which."""

    def __init__(self, message):
        super(CdrReportError, self).__init__(None, message)


class CustomerFileError(InputError):
    """All problems of one customer file; ``problems`` holds one line per problem."""

    def __init__(self, source, problems):
        super(CustomerFileError, self).__init__(
            None, "%s is not a valid customer file (nothing was sent to the API):\n%s"
            % (source, "\n".join("%s: %s" % (source, problem) for problem in problems)))
        self.source = source
        self.problems = problems


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


class NotTheApiError(PortaPlusError):
    """The answer is not a ServiceStack one (HTML, a plain 404, another route table): a wrong url (H8)."""


class TransportError(PortaPlusError):
    """Connection, timeout or TLS failure (after the retries that were safe to make)."""


class OutcomeUnknownError(PortaPlusError):
    """A write may or may not have been applied; the caller reconciles by reading back."""


class PathValueError(PortaPlusError, ValueError):
    """A path value that cannot be sent faithfully; nothing was sent."""

    def __init__(self, message, variable=None, **kwargs):
        super().__init__(message, **kwargs)
        self.variable = variable


STATUS_ERRORS = {
    400: ValidationError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ValidationError,
    422: ValidationError,
}
