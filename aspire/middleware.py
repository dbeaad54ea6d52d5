"""Requests that no page or endpoint can serve, refused before any view sees them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

FORM = "application/x-www-form-urlencoded"


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
            return HttpResponseBadRequest(_("The request contains a NUL character."))
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    values = [request.path, *_values(request.GET)]
    if request.content_type == FORM:  # uploads and JSON bodies are left to their parsers
        values += _values(request.POST)
    return any("\x00" in value for value in values)


def _values(query) -> list[str]:
    return [text for key, items in query.lists() for text in (key, *items)]
