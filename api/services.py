"""API keys: made once, stored hashed, checked in constant time, revoked at once."""

import datetime
import hashlib
import hmac
import secrets

from django.utils import timezone

from api.models import APIClient

PREFIX_LENGTH = 8
# Last use is recorded to the minute: a write on every read would make each API request a
# committed transaction on one shared row (a disk flush, and a row lock between requests).
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def _hash(key: str) -> str:
    # The key is 256 random bits: a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


def create_client(name: str, can_write: bool = False, created_by=None) -> tuple[APIClient, str]:
    """A new client and its key; the key is returned here and never again."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = APIClient.objects.create(
        name=name, prefix=prefix, key_hash=_hash(key), can_write=can_write, created_by=created_by
    )
    return client, key


def client_for_key(key: str) -> APIClient | None:
    """The active client holding `key`, its last use recorded (to the minute); None for any
    other key."""
    prefix = key.split(".", 1)[0]
    client = APIClient.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USE_PRECISION:
        client.last_used_at = now
        APIClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def revoke(client: APIClient) -> None:
    APIClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
