from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from mt5bot.rates import rate_window


class UserRate(SimpleRateThrottle):
    """RATE_LIMIT_API per logged-in user, keyed on the user's id (not the
    address: a browser and a script of one user share one allowance, and
    users behind one proxy do not share theirs). Counters live in the default
    cache, so they are per process unless REDIS_URL is set."""

    scope = "api"

    def get_rate(self):
        # Read per request (a throttle is built for each), so a changed
        # setting applies at once.
        return settings.RATE_LIMIT_API

    def parse_rate(self, rate):
        return rate_window(rate)

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None  # refused by the permission check before this runs
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
