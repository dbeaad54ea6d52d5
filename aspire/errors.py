"""Our own answers when a request fails: pages in the site's look and the reader's language
(Japanese by default), JSON with a machine-readable code under /api/.

These are the handler400/403/404/500 of aspire/urls.py. Django calls them for what no view
answered itself: an unknown address, a PermissionDenied or Http404 a page raised, a
SuspiciousOperation (400; a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413), and any
exception (500). The API's own views answer their errors through api.exceptions, in the
same shape: `{"detail": "…", "code": "not_found"}`.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

API_PREFIX = "/api/"

# status: (code, detail) of the JSON answer; DRF's own wording (and translations) where
# it has one.
API_ERRORS = {
    400: ("bad_request", exceptions.ParseError.default_detail),
    403: ("permission_denied", exceptions.PermissionDenied.default_detail),
    404: ("not_found", exceptions.NotFound.default_detail),
    413: ("request_too_large", _("The request body is too large.")),
    500: ("server_error", _("Something went wrong on our side; it has been logged.")),
}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, code: str | None = None, detail: str | None = None) -> JsonResponse:
    default_code, default_detail = API_ERRORS.get(status, API_ERRORS[400])
    body = {"detail": str(detail or default_detail), "code": code or default_code}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    return _answer(request, status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own refusals say why ("This report cannot be edited now."); they are translated.
    reason = str(exception) if exception is not None and exception.args else ""
    return _answer(request, 403, reason)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404)  # never the exception's text: it may name what is hidden


def server_error(request: HttpRequest) -> HttpResponse:
    """Without the request's context: no context processor, no session, no database, which
    may be what failed."""
    if is_api(request):
        return api_error(500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def _answer(request: HttpRequest, status: int, reason: str = "") -> HttpResponse:
    if is_api(request):
        return api_error(status, detail=reason or None)
    page = loader.get_template(f"{status}.html").render({"reason": reason}, request)
    return HttpResponse(page, status=status)
