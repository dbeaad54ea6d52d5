"""API keys read from Redis instead of the database on every request.

A keyed request used to cost a query for its key before the query for its data: at
hundreds of requests a second that is as many round trips to PostgreSQL again, for a
row that almost never changes (what a key may do is fixed when it is made,
api.models.FIXED_FIELDS). With Redis (production), the row is kept there for CACHE_S
under the key's hash: only the holder of the whole key finds it, and a wrong secret
misses and is refused by the database as before.

The database stays the only authority: the copy is written again from it whenever the
row changes (a revocation, a new name) or goes, once the change is committed, so that a
key revoked is refused from the next request on, by every worker. A copy is added only
where none is (`nx`): a request that read the row just before a revocation cannot put
its older copy over the revoked one. Expiry is checked on every request from the copy's
`expires_at`, which never changes. Anything that changes the row behind the ORM's back
(an UPDATE in SQL) is seen within CACHE_S; revocations go through api.services.revoke.

The same round trip charges the key's request budget (api/throttling.py), by a script
that charges it only when a copy is there: a wrong secret finds none, so it cannot spend
the budget of the key it guesses.

Without Redis (the demo, the tests) nothing is cached: each request reads the row.
"""

import datetime
import functools
import json

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from api.models import APIClient
from api.throttling import Budget, redis_client
from aspire.cache import warn_unreachable

CACHE_S = 60  # how long a change made behind the ORM's back can go unseen
FIELDS = ("id", "name", "prefix", "key_hash", "can_write", "program_ids")
MOMENTS = ("expires_at", "revoked_at")
GONE = "gone"  # a deleted client: refused as unknown, and no older copy may come back


# KEYS: the copy, the budget's counter; ARGV: the budget's period. The copy (nil if none)
# and, only with a copy, the requests counted in the period and the seconds it has left.
READ_AND_CHARGE = """
local kept = redis.call('GET', KEYS[1])
if not kept then return nil end
redis.call('SET', KEYS[2], 0, 'EX', ARGV[1], 'NX')
local used = redis.call('INCR', KEYS[2])
return {kept, used, redis.call('TTL', KEYS[2])}
"""


def _entry(key_hash: str) -> str:
    return f"aspire:api-key:{key_hash}"


def _redis() -> redis.Redis | None:
    """The cache's Redis, or None where the cache is not Redis (nothing is kept then)."""
    if not isinstance(caches["default"], RedisCache):
        return None
    return redis_client(settings.REDIS_URL)  # the throttle's: one pool per process


def read(key_hash: str, budget: Budget | None = None) -> APIClient | str | None:
    """The client whose key hashes to `key_hash` as kept in Redis, GONE for a deleted one,
    None when no copy is kept (or Redis is not there: the caller reads the database).
    With a copy, `budget` is charged in the same round trip (its `used` filled in)."""
    server = _redis()
    if server is None:
        return None
    try:
        if budget is None:
            kept = server.get(_entry(key_hash))
        else:
            keys = [_entry(key_hash), budget.counter]
            answer = _script(server)(keys=keys, args=[budget.period])
            kept = None if answer is None else answer[0]
            if answer is not None:
                budget.used, budget.remaining_s = answer[1], answer[2]
    except redis.RedisError as error:
        warn_unreachable("API keys are read from the database", error)
        return None
    if kept is None:
        return None
    if kept == GONE.encode():
        return GONE
    row = json.loads(kept)
    # As loaded from the database, the fields not kept deferred: whatever reads one more
    # (or saves it) gets the row's own. from_db takes them in the model's order.
    names = [field.attname for field in APIClient._meta.concrete_fields if field.attname in row]
    values = [_moment(row[name]) if name in MOMENTS else row[name] for name in names]
    return APIClient.from_db("default", names, values)


@functools.cache
def _script(server: redis.Redis):
    """READ_AND_CHARGE, sent once and then named by its hash (EVALSHA)."""
    return server.register_script(READ_AND_CHARGE)


def keep(client: APIClient, replace: bool = False) -> None:
    """Keep `client` (as just read from the database) for the next requests; only where
    no copy is, unless `replace` (the row changed: this copy is the newer)."""
    row = {name: getattr(client, name) for name in FIELDS}
    row |= {name: _iso(getattr(client, name)) for name in MOMENTS}
    _set(client.key_hash, json.dumps(row), replace)


def _set(key_hash: str, value: str, replace: bool) -> None:
    server = _redis()
    if server is None:
        return
    try:
        server.set(_entry(key_hash), value, ex=CACHE_S, nx=not replace)
    except redis.RedisError as error:
        # A change not written: a copy made before it could be used once Redis is back,
        # for CACHE_S at most. Said loudly, not once a minute.
        warn_unreachable(f"API key {key_hash[:8]}… may be read as it was for {CACHE_S} s", error)


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


@receiver(post_save, sender=APIClient, dispatch_uid="api-key-cache-saved")
def _saved(sender, instance: APIClient, **kwargs) -> None:
    if _redis() is None:
        return
    pk = instance.pk

    def rewrite() -> None:
        # Read again once committed: the row as every later request will see it.
        stored = APIClient.objects.filter(pk=pk).first()
        if stored is not None:
            keep(stored, replace=True)

    transaction.on_commit(rewrite)


@receiver(post_delete, sender=APIClient, dispatch_uid="api-key-cache-deleted")
def _deleted(sender, instance: APIClient, **kwargs) -> None:
    if _redis() is None:
        return
    key_hash = instance.key_hash
    transaction.on_commit(lambda: _set(key_hash, GONE, replace=True))
