"""Redis as a cache that degrades: Redis down is a cache miss and a warning, never a 500.

Nothing Aspire keeps in the cache is the only copy of anything, so a page can always be
served without it; a short socket timeout (settings.REDIS_CACHE) keeps that quick.
"""

import logging
import time
from collections.abc import Callable

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60  # one line a minute while Redis is down, not one per request
last_warnings: dict[str, float] = {}  # what → when it was last logged (monotonic)


def warn_unreachable(what: str, error: Exception) -> None:
    """Log that Redis could not be reached, and what that means, at most once a minute."""
    now = time.monotonic()
    if now - last_warnings.get(what, -WARN_EVERY_SECONDS) >= WARN_EVERY_SECONDS:
        last_warnings[what] = now
        logger.warning("Redis unreachable, %s: %s", what, error)


def _or[T](fallback: T, call: Callable[..., T], *args) -> T:
    try:
        return call(*args)
    except redis.RedisError as error:
        warn_unreachable("the cache misses", error)
        return fallback


class ForgivingRedisCacheClient(RedisCacheClient):
    """Each call answers as an empty cache would when Redis does not answer."""

    def add(self, key, value, timeout):
        return _or(False, super().add, key, value, timeout)

    def get(self, key, default):
        return _or(default, super().get, key, default)

    def set(self, key, value, timeout):
        return _or(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return _or(False, super().touch, key, timeout)

    def delete(self, key):
        return _or(False, super().delete, key)

    def get_many(self, keys):
        return _or({}, super().get_many, keys)

    def has_key(self, key):
        return _or(False, super().has_key, key)

    def incr(self, key, delta):
        value = _or(None, super().incr, key, delta)
        if value is None:  # what an empty cache says of a key it does not hold
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout):
        return _or(None, super().set_many, data, timeout)

    def delete_many(self, keys):
        return _or(None, super().delete_many, keys)

    def clear(self):
        return _or(False, super().clear)


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
