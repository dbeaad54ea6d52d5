import dataclasses
import functools

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from aspire.cache import warn_unreachable


class PerCallerThrottle(SimpleRateThrottle):
    """A request budget per API key, per signed-in user, or per address for the rest.

    With Redis (production), a counter per caller: the window opens at the caller's first
    request and lasts the rate's period. One round trip per request, atomic between workers,
    the same few bytes whatever the rate. (DRF's own throttle reads and writes back the list
    of every request's time in the period: two round trips, up to 1,000 timestamps at
    1000/hour, and two workers can each write over the other's count.) Without Redis (the
    demo), DRF's own throttle in the local cache. With Redis configured but down, requests
    are let through and a warning logged: a missing budget must not stop the whole API.

    A keyed request is charged in the round trip that reads its key from Redis
    (api/key_cache.py, `Budget`), so it costs one round trip, not two; a request its key
    opens but the endpoint then refuses (403) counts too. A key Redis does not hold (its
    first request in a while, a wrong secret) is charged here, after authentication.
    """

    scope = "caller"

    def get_rate(self) -> str:
        # Read at request time, not import time, so that a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        client = getattr(request.user, "client", None)
        if client is not None:
            ident = f"client-{client.prefix}"  # the key's random prefix: never reused
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    @classmethod
    def budget_of_key(cls, prefix: str) -> "Budget | None":
        """The budget of the key with this prefix, to charge as the key is read; None
        where it is not kept in Redis (no rate, no Redis)."""
        throttle = cls()
        if throttle.rate is None or not isinstance(caches["default"], RedisCache):
            return None
        ident = throttle.cache_format % {"scope": throttle.scope, "ident": f"client-{prefix}"}
        return Budget(counter=f"aspire:{ident}:{throttle.rate}", period=throttle.duration)

    def allow_request(self, request, view) -> bool:
        # On Django's request, where api.middleware.RateLimitHeaders reads it back.
        django_request = getattr(request, "_request", request)
        django_request.caller_throttle = self
        if self.rate is None or not isinstance(caches["default"], RedisCache):
            allowed = super().allow_request(request, view)
            self.used = len(getattr(self, "history", [])) if self.rate is not None else None
            return allowed
        key = f"aspire:{self.get_cache_key(request, view)}:{self.rate}"
        charged = getattr(django_request, "charged_budget", None)
        if charged is not None and charged.counter == key and charged.used is not None:
            self.used, self.remaining_s = charged.used, charged.remaining_s
            return self.used <= self.num_requests
        pipeline = redis_client(settings.REDIS_URL).pipeline(transaction=False)
        pipeline.set(key, 0, ex=self.duration, nx=True)
        pipeline.incr(key)
        pipeline.ttl(key)
        try:
            _created, count, self.remaining_s = pipeline.execute()
        except redis.RedisError as error:
            warn_unreachable("API requests are not throttled", error)
            return True
        self.used = count
        return count <= self.num_requests

    def wait(self) -> float | None:
        remaining = getattr(self, "remaining_s", None)
        return super().wait() if remaining is None else max(remaining, 0)


@dataclasses.dataclass
class Budget:
    """A key's request budget, charged in the round trip that reads the key (Redis's
    counter `counter`, opened for `period` seconds); `used` and `remaining_s` once done."""

    counter: str
    period: int
    used: int | None = None
    remaining_s: int | None = None


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per process, on the cache's Redis; as quick to give
    up as the cache when Redis does not answer."""
    timeouts = settings.REDIS_CACHE["OPTIONS"]
    return redis.Redis.from_url(url, **timeouts)


def rate_limit_headers(request, response) -> None:
    """`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds) on every
    throttled answer, so that a client paces itself before it meets a 429."""
    throttle = getattr(request, "caller_throttle", None)
    if throttle is None or throttle.rate is None:
        return
    used = getattr(throttle, "used", None)
    if used is None:  # DRF's own throttle (no Redis): the history it keeps
        used = len(getattr(throttle, "history", []))
    response["X-RateLimit-Limit"] = str(throttle.num_requests)
    response["X-RateLimit-Remaining"] = str(max(throttle.num_requests - used, 0))
    wait = getattr(throttle, "remaining_s", None)
    if wait is not None:
        response["X-RateLimit-Reset"] = str(max(int(wait), 0))
