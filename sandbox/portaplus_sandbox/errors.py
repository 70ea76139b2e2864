"""Errors a request can end with, named and mapped to HTTP the way ServiceStack does (§C.6).

The error code is the .NET exception type name ServiceStack would report; it is also the
HTTP reason phrase.  Bodies are the generic ErrorResponse (assumption A3).
"""

from __future__ import annotations

from collections.abc import Sequence

FieldError = tuple[str, str, str]          # (ErrorCode, FieldName, Message)


class ApiError(Exception):
    def __init__(self, status: int, error_code: str, message: str,
                 field_errors: Sequence[FieldError] = (), headers: Sequence[tuple[str, str]] = ()):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.field_errors = tuple(field_errors)
        self.headers = tuple(headers)


def bad_request(message: str, field_errors: Sequence[FieldError] = ()) -> ApiError:
    return ApiError(400, "ArgumentException", message, field_errors)


def binding_failed(message: str, field: str | None) -> ApiError:
    errors = [("SerializationException", field, message)] if field else []
    return ApiError(400, "SerializationException", message, errors)


def invalid(field_errors: Sequence[FieldError]) -> ApiError:
    """Validation failure: like ServiceStack's ValidationError, the first error's code and
    message lead, and every error is listed with its FieldName."""
    code, _field, message = field_errors[0]
    return ApiError(400, code, message, field_errors)


def unauthorized() -> ApiError:
    return ApiError(401, "UnauthorizedAccessException", "Invalid License")        # A1


def not_found(what: str) -> ApiError:
    return ApiError(404, "FileNotFoundException", f"{what} not found")            # A2


def unknown_operation(op: str) -> ApiError:
    return ApiError(405, "NotImplementedException",
                    f"The operation '{op}' does not exist for this service")


class DropConnection(ConnectionError):
    """Raised after the socket was cut on purpose (faults `reset` and `timeout`); the
    server treats it like a client that went away."""
