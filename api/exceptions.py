"""The API's errors carry a machine-readable code beside their message:
`{"detail": "Not found.", "code": "not_found"}`, as aspire/errors.py answers what no view
did (an unknown address, a body too large, a server error). Field errors (400 of a bad
body or filter) keep DRF's shape, `{"field": ["message"]}`: their names are the codes.
A write refused only because its key is taken is a 409 of the same shape, one that names a
record not there a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler


def handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        # Django's message names the model ("No FundingAgency matches…"): not the caller's.
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ValidationError) and _only(exc.get_codes(), "unique"):
        exc = Duplicate(exc.detail)
    elif isinstance(exc, exceptions.ValidationError) and _only(exc.get_codes(), "does_not_exist"):
        # A body naming a record that is not there (or not the caller's), as JSON:API
        # answers it: 404, naming the field; the same as a filter's unknown code.
        exc = exceptions.NotFound(exc.detail)
    response = exception_handler(exc, context)
    if isinstance(exc, Moved):
        response["Location"] = exc.location
    request = context.get("request")
    if response is not None and request is not None:
        # Errors are JSON whatever format was asked (a CSV of an error helps nobody).
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if response is None or not isinstance(response.data, dict) or set(response.data) != {"detail"}:
        return response
    response.data["code"] = _code(exc)
    return response


class Duplicate(exceptions.APIException):
    """409: the record's key (a code, a unique set of fields) is taken; the body names it."""

    status_code = 409
    default_code = "duplicate"


class Moved(exceptions.APIException):
    """301 (308 for a write, which keeps its method): the code in the address was renamed
    by staff (programs/codes.py); `Location` is the record's address now."""

    default_code = "moved"

    def __init__(self, location: str, method: str):
        self.location = location
        self.status_code = 301 if method in ("GET", "HEAD") else 308
        super().__init__(
            _("The code was renamed: the record is at %(location)s.") % {"location": location}
        )


class Frozen(exceptions.APIException):
    """409: the record is part of a report handed in (or accepted): frozen at every door."""

    status_code = 409
    default_code = "frozen"


def _only(codes, code: str) -> bool:
    """Whether every refusal of a 400 has this code (a duplicate, a missing record)."""
    if isinstance(codes, dict):
        return bool(codes) and all(_only(value, code) for value in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only(value, code) for value in codes)
    return codes == code


def _code(exc: Exception) -> str:
    if isinstance(exc, Http404):
        return exceptions.NotFound.default_code
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied.default_code
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else "error"
