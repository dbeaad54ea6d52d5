"""Signing in: one spelling of an address, one client address, and budgets kept in the cache.

django-axes locks an account after repeated wrong passwords; it asks `axes_username` and
`client_ip` below (AXES_USERNAME_CALLABLE, AXES_CLIENT_IP_CALLABLE), so that `MEMBER@…`,
` member@…` and `ｍｅｍｂｅｒ@…` (full-width, as a Japanese input method types it) are one
account, and so that the address counted is the one configured (TRUSTED_PROXIES). On top
of that lock, failed sign-ins per client address across all accounts and password-reset
mails per address and per client are counted in the cache.
"""

import hashlib
import ipaddress
import logging
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

log = logging.getLogger(__name__)


def normalise_email(value: str) -> str:
    """The address as the user meant it: NFKC (full-width to ASCII), no surrounding spaces."""
    return unicodedata.normalize("NFKC", value or "").strip()


def email_key(value: str) -> str:
    """One key for every spelling of an address: normalised and case-folded."""
    return normalise_email(value).casefold()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes counts failures under (AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return email_key(value or "")


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless TRUSTED_PROXIES reverse proxies stand in
    front of us, in which case the address the outermost of them saw, read from the right of
    CLIENT_IP_HEADER (each proxy appends the address it was called from; anything further
    left was written by the client and cannot be trusted)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote  # not through all our proxies: the header is the client's own words
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def _counter(scope: str, value: str) -> str:
    # Hashed: addresses are neither kept in the cache nor limit the key's characters.
    return f"limit:{scope}:{hashlib.sha256(value.encode()).hexdigest()}"


def _spend(key: str, rate: tuple[int, int]) -> bool:
    """Count one event; False once more than the rate's count fell within its window."""
    count, seconds = rate
    cache.add(key, 0, seconds)  # the window starts with its first event
    try:
        spent = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, seconds)
        spent = 1
    return spent <= count


# --- Sign-in: failures per client address, across accounts --------------------------------


def sign_in_blocked(request: HttpRequest) -> bool:
    """True once this client address has failed SIGNIN_IP_RATE sign-ins in its window.

    Without the cache (Redis down) nobody is blocked: django-axes, in the database, still
    locks each account, and a broken cache must not lock everybody out.
    """
    count, _seconds = settings.SIGNIN_IP_RATE
    try:
        return (cache.get(_counter("signin-ip", client_ip(request))) or 0) >= count
    except Exception:  # any cache failure; the lock per account still holds
        log.exception("Sign-in rate limit not checked: the cache is unavailable")
        return False


def count_failed_sign_in(request: HttpRequest | None) -> None:
    if request is None:  # authenticate() called outside a request (a command)
        return
    try:
        _spend(_counter("signin-ip", client_ip(request)), settings.SIGNIN_IP_RATE)
    except Exception:
        log.exception("Failed sign-in not counted: the cache is unavailable")


# --- Password reset: mails per address and per client address ------------------------------


def may_send_password_reset(request: HttpRequest, email: str) -> bool:
    """Spend one reset from the address's budget and the client's; False when either is
    spent. Every request counts, whether or not an account has the address, so that the
    answer says nothing about which addresses exist. Without the cache no mail goes out:
    a flood of mails is worse than a reset that waits."""
    try:
        per_address = _spend(_counter("reset-email", email_key(email)), settings.RESET_EMAIL_RATE)
        per_client = _spend(_counter("reset-ip", client_ip(request)), settings.RESET_IP_RATE)
    except Exception:
        log.exception("Password reset not sent: the cache is unavailable")
        return False
    if not (per_address and per_client):
        log.warning("Password reset not sent: over the limit for the address or the client")
    return per_address and per_client
