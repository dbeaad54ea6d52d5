"""Authentication backends of our own (AUTHENTICATION_BACKENDS in aspire/settings.py)."""

from django.core.exceptions import PermissionDenied

from accounts import signin


class SignInRateLimit:
    """First in line: refuses every sign-in from a client address that has failed too many
    (SIGNIN_IP_RATE, across all accounts), before any password is checked. Failures are
    counted by the user_login_failed receiver in accounts/apps.py, for every door that
    calls authenticate(): our sign-in page and the admin's alike."""

    def authenticate(self, request, **credentials):
        if request is not None and signin.sign_in_blocked(request):
            request.sign_in_blocked = True  # the sign-in form says why
            raise PermissionDenied
        return None

    # No get_user(): this backend never signs anyone in, so no session names it.
