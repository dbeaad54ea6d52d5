"""Requests that no page or endpoint can serve, refused before any view sees them."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from aspire import errors

FORM = "application/x-www-form-urlencoded"


class RefuseLargeBodies:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) before anything reads it.

    Django checks the size of a form when it parses it, but DRF's JSON parser reads the
    stream itself, without a limit. Uploads (multipart) are left to Django's own checks,
    which limit the fields but not the files: their size is the upload forms' to check.
    Raised rather than answered, so that it is logged and answered as Django's own
    RequestDataTooBig is (aspire/errors.py: 413, JSON under /api/).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        multipart = request.content_type.startswith("multipart/")
        if limit is not None and not multipart and _content_length(request) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class NoStorePrivateAnswers:
    """`Cache-Control: private, no-store` on whatever a signed-in person or an API client
    is answered, so that no browser cache or proxy keeps a copy of it. Static files
    (whitenoise answers them before this) and the pages of anonymous visitors, such as
    the sign-in page, stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # DRF sets request.user to the key's client on the request Django holds too.
        user = getattr(request, "user", None)
        if errors.is_api(request) or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RejectNulCharacters:
    """A NUL character in the path, the query or a form: 400 instead of a server error.

    PostgreSQL cannot store or even compare text containing NUL, so a code or a filter
    holding one would fail in the database. Form fields refuse it themselves; codes in
    URLs and lookups by code do not, and checking here covers every one of them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("The request contains a NUL character.")
            if errors.is_api(request):
                return errors.api_error(400, "invalid", message)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    values = [request.path, *_values(request.GET)]
    if request.content_type == FORM:  # uploads and JSON bodies are left to their parsers
        values += _values(request.POST)
    return any("\x00" in value for value in values)


def _values(query) -> list[str]:
    return [text for key, items in query.lists() for text in (key, *items)]
