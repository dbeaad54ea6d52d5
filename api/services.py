"""API keys: made once, stored hashed, checked in constant time; they expire, and a
revocation is final. What a key may do (write, which programs, until when) is fixed when
it is made (api.models.FIXED_FIELDS)."""

import datetime
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import key_cache
from api.models import APIClient, default_expiry
from api.throttling import Budget
from programs.models import Program

PREFIX_LENGTH = 8
# Last use is recorded to the minute: a write on every read would make each API request a
# committed transaction on one shared row (a disk flush, and a row lock between requests).
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


class KeyRefused(Exception):
    """A key that opens nothing; the message tells its holder why."""


def _hash(key: str) -> str:
    # The key is 256 random bits: a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


def check_expiry(expires_at: datetime.datetime | None) -> None:
    """A new key's expiry must lie ahead (None: the default, API_KEY_DAYS from now)."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("A key must expire in the future.")})


def create_client(
    name: str,
    can_write: bool = False,
    created_by=None,
    expires_at: datetime.datetime | None = None,
    programs: Iterable[Program] = (),
) -> tuple[APIClient, str]:
    """A new client and its key; the key is returned here and never again. `programs`
    scopes the key to their data (none: every program)."""
    check_expiry(expires_at)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = APIClient(
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        can_write=can_write,
        program_ids=sorted({program.pk for program in programs}),
        expires_at=expires_at or default_expiry(),
        created_by=created_by,
    )
    client._history_user = created_by  # the history says who made it, from any door
    client.save()
    return client, key


def client_for_key(key: str, budget: Budget | None = None) -> APIClient:
    """The client holding `key`, its last use recorded (to the minute). Raises KeyRefused
    for an unknown, revoked or expired key; only the key's holder learns which.

    With Redis, the row is read from there rather than the database (api/key_cache.py),
    and `budget` charged in the same round trip (its `used` stays None when it was not)."""
    hashed = _hash(key)
    client = key_cache.read(hashed, budget)
    if client is key_cache.GONE:
        raise KeyRefused(_("This key is unknown."))
    cached = client is not None
    if not cached:
        client = APIClient.objects.filter(prefix=key.split(".", 1)[0]).first()
        if client is None or not hmac.compare_digest(client.key_hash, hashed):
            raise KeyRefused(_("This key is unknown."))
        key_cache.keep(client)
    now = timezone.now()
    if client.revoked_at is not None:
        raise KeyRefused(_("This key was revoked on %(date)s.") % {"date": _day(client.revoked_at)})
    if client.expires_at <= now:
        message = _("This key expired on %(date)s; ask for a new one.")
        raise KeyRefused(message % {"date": _day(client.expires_at)})
    _record_use(client, now, from_row=not cached)
    return client


# When this process last recorded the use of each key read from Redis (monotonic
# seconds): that copy does not carry the last use, so each process writes it at most
# once a minute per key.
_recorded: dict[int, float] = {}


def _record_use(client: APIClient, now: datetime.datetime, from_row: bool) -> None:
    """`from_row`: the client was just read from the database, with its last use."""
    if from_row:
        due = client.last_used_at is None or now - client.last_used_at >= LAST_USE_PRECISION
    else:
        since = time.monotonic() - _recorded.get(client.pk, -math.inf)
        due = since >= LAST_USE_PRECISION.total_seconds()
    if due:
        _recorded[client.pk] = time.monotonic()
        APIClient.objects.filter(pk=client.pk).update(last_used_at=now)


def _day(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def revoke(client: APIClient, by=None) -> bool:
    """Revoke the key at once and for good, recording who and when; False if it was
    revoked already (the first revocation stands)."""
    with transaction.atomic():
        locked = APIClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked._history_user = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    client.revoked_at, client.revoked_by = locked.revoked_at, locked.revoked_by
    return True
