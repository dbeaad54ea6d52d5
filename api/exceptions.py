"""The API's errors carry a machine-readable code beside their message:
`{"detail": "Not found.", "code": "not_found"}`, as aspire/errors.py answers what no view
did (an unknown address, a body too large, a server error). Field errors (400 of a bad
body or filter) keep DRF's shape, `{"field": ["message"]}`: their names are the codes."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def handler(exc: Exception, context: dict) -> Response | None:
    response = exception_handler(exc, context)
    if response is None or not isinstance(response.data, dict) or set(response.data) != {"detail"}:
        return response
    response.data["code"] = _code(exc)
    return response


def _code(exc: Exception) -> str:
    if isinstance(exc, Http404):
        return exceptions.NotFound.default_code
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied.default_code
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else "error"
