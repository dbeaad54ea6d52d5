"""The API's audit log: every write (POST, PUT, PATCH, DELETE under /api/v1/) and every
CSV export, one INSERT each, with who, what, when and from where. Reads in JSON write
nothing, so the lists cost what they did.

A write and its entry commit together: the request runs in one transaction with the
entry written at its end, so the log never lacks a write that happened, nor lists one
that was rolled back. A server error rolls the request back and is logged after it.
"""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

from audit.models import Action, Channel
from audit.services import record_request

PREFIX = "/api/v1/"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AuditLog:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if request.method not in WRITES:
            response = self.get_response(request)
            if _is_csv_export(request, response):
                _record(request, response, Action.EXPORT)
            return response
        with transaction.atomic():
            response = self.get_response(request)
            failed = response.status_code >= 500
            if failed:
                transaction.set_rollback(True)
            elif request.user.is_authenticated:
                _record(request, response, Action.API_WRITE)
        if failed and request.user.is_authenticated:
            _record(request, response, Action.API_WRITE)
        return response


def _is_csv_export(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and _export_format(response) in ("csv", "xlsx", "jsonl")
        and request.user.is_authenticated
    )


def _export_format(response: HttpResponse) -> str | None:
    """The format of a download (api/downloads.py) or of a rendered page."""
    streamed = getattr(response, "export_format", None)
    return streamed or getattr(getattr(response, "accepted_renderer", None), "format", None)


def _record(request: HttpRequest, response: HttpResponse, action: str) -> None:
    kind, _slash, target = request.path_info[len(PREFIX) :].strip("/").partition("/")
    data = getattr(response, "data", None)
    fields = {"target": target or _created(request, data), "status": response.status_code}
    if action == Action.EXPORT:
        # A streamed download is logged before it is read: its rows are not counted.
        rows = None if getattr(response, "export_format", None) else _rows(data)
        fields |= {"format": _export_format(response), "rows": rows, "filters": _filters(request)}
    else:
        fields["method"] = request.method
    record_request(request, action, Channel.API, kind, **fields)


def _created(request: HttpRequest, data) -> str:
    """A new record's code or id, as its address would name it ('' if none was made)."""
    if request.method != "POST" or not isinstance(data, dict):
        return ""
    view = getattr(request.resolver_match, "func", None)
    lookup = getattr(getattr(view, "cls", None), "lookup_field", "pk")
    value = data.get("id" if lookup == "pk" else lookup)
    return "" if value is None else str(value)


def _rows(data) -> int:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    return len(data) if isinstance(data, list) else 1


def _filters(request: HttpRequest) -> dict:
    return {
        key: values[0] if len(values) == 1 else values
        for key, values in request.GET.lists()
        if key != "format"
    }


class RateLimitHeaders:
    """The caller's budget on every API answer (api.throttling.rate_limit_headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        from api.throttling import rate_limit_headers

        rate_limit_headers(request, response)
        return response


class CompressAPI(GZipMiddleware):
    """gzip for the API's answers only. Pages stay uncompressed: they carry CSRF tokens,
    and compressing a secret beside text an attacker can reflect is BREACH. API answers
    carry no CSRF token (keys are sent as headers), so the lists and downloads shrink."""

    def process_response(self, request, response):
        if not request.path_info.startswith("/api/"):
            return response
        return super().process_response(request, response)
