"""The database unreachable: a fast 503 of our own, not a hang and a 500.

With the connect timeout and the pool's timeout short (DATABASE_CONNECT_TIMEOUT), a
request that needs the database while it is down fails within seconds; this middleware
turns that failure into a 503 with Retry-After: the page `503.html` (standalone: it needs
neither the database nor a request context, so it renders while both are unavailable) or,
under /api/, JSON with a code.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# PostgreSQL's SQLSTATEs of a database that is not there (rather than of a bad statement):
# class 08 is "connection exception"; 57P01-57P03 are shutting down or starting up.
UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


class DatabaseUnavailable:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session is the first query of most requests, read by the middleware after
        # this one (the idle timeout, the second factor): an error there would never reach
        # process_exception, which sees only the views' errors. So it is read here.
        try:
            session = getattr(request, "session", None)
            if session is not None and session.session_key:
                session.keys()  # loaded once, kept for the rest of the request
        except OperationalError as error:
            response = self.process_exception(request, error)
            if response is None:
                raise
            return response
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if not isinstance(error, OperationalError) or not unreachable(error):
            return None  # a bug or a bad statement: the usual 500 and its report
        logger.warning("database unreachable on %s %s: %s", request.method, request.path, error)
        return unavailable_response(request)


def unreachable(error: OperationalError) -> bool:
    """True when the database could not be reached, not when a statement failed.

    psycopg raises its OperationalError without a SQLSTATE when it cannot connect, and
    psycopg_pool's PoolTimeout (no connection free in time) is one of those.
    """
    cause = error.__cause__
    if cause is None or not hasattr(cause, "sqlstate"):
        return False  # not psycopg (SQLite's demo): leave it to the 500 page
    return cause.sqlstate is None or cause.sqlstate.startswith(UNAVAILABLE_STATES)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _("Aspire cannot reach its database just now. Please try again in a minute.")
    if request.path.startswith("/api/"):
        body = {"detail": message, "code": "database_unavailable"}
        response = JsonResponse(body, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
