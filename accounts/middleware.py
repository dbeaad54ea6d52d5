"""Sessions that end when idle, and the second factor before any page for those who need it."""

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts.rules import needs_second_factor

SEEN_SESSION_KEY = "seen"
SEEN_EVERY = 60  # seconds: how often activity moves a session's expiry on


def mark_seen(session) -> None:
    """Start the idle clock again: the session is saved, so its expiry (database and cookie)
    becomes now + SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES)."""
    session[SEEN_SESSION_KEY] = int(time.time())


class IdleTimeout:
    """A signed-in session ends SESSION_IDLE_MINUTES after its last request, not two weeks
    after sign-in. Each request could save the session (SESSION_SAVE_EVERY_REQUEST), at a
    database write per request; this saves it at most once a minute instead, so the timeout
    holds to the minute. The clock starts at sign-in (the user_logged_in receiver)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        seen = session.get(SEEN_SESSION_KEY)
        signed_in = SESSION_KEY in session  # anonymous sessions are left as they are
        if signed_in and (seen is None or time.time() - seen >= SEEN_EVERY):
            mark_seen(session)
        return self.get_response(request)


OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "set_language", "two_factor", "two_factor_setup"}


class RequireSecondFactor:
    """After django_otp's OTPMiddleware, which tells whether the session is verified. Every
    door with a session goes through it: our pages, the admin, the API's browser session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not needs_second_factor(user):
            return None
        match = request.resolver_match
        if not match.namespace and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        return redirect_to_login(request.get_full_path(), reverse("two_factor"))
