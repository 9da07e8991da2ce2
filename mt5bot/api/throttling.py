from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from mt5bot.rates import parse_rate

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_window(text):
    """The seed's "100 per hour" (or "100/h", "100/5m") -> (100, 3600)."""
    count, period = parse_rate(text).split("/")
    return int(count), int(period[:-1] or 1) * SECONDS[period[-1]]


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
