from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PerCallerThrottle(SimpleRateThrottle):
    """A request budget per API key, per signed-in user, or per address for the rest."""

    scope = "caller"

    def get_rate(self) -> str:
        # Read at request time, not import time, so that a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        client = getattr(request.user, "client", None)
        if client is not None:
            ident = f"client-{client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
