# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The typed errors of the client: every message is redacted before it is raised."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


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
