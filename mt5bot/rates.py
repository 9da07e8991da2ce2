"""Rate limits as the settings write them: "10 per minute", "10/m", "10/5m".
The webhook's limit and the API's are read the same way; the webhook's is
counted here (`over_rate`), in one round trip to the cache."""

import re
import time

from mt5bot import counters

RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d*)\s*([a-z]+?)s?\s*$", re.IGNORECASE)
UNITS = {"s": "s", "sec": "s", "second": "s", "m": "m", "min": "m", "minute": "m"}
UNITS |= {"h": "h", "hour": "h", "d": "d", "day": "d"}
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text):
    """The seed's "10 per minute" (or "10/m", "10/5m") -> django-ratelimit's "10/m"."""
    match = RATE.match(text or "")
    unit = UNITS.get(match.group(3).lower()) if match else None
    if unit is None:
        raise ValueError(f"Cannot read the rate {text!r}: write it as '10 per minute'.")
    return f"{match.group(1)}/{match.group(2)}{unit}"


def rate_window(text):
    """The seed's "100 per hour" (or "100/h", "100/5m") -> (100, 3600)."""
    count, period = parse_rate(text).split("/")
    return int(count), int(period[:-1] or 1) * SECONDS[period[-1]]


def over_rate(group, who, text):
    """Count one request of `who` in `group`; True when it is over the rate
    `text`. Fixed windows, as django-ratelimit's: the count starts again at
    each multiple of the period, in every process sharing the cache."""
    limit, period = rate_window(text)
    window = int(time.time()) // period
    name = f"rate:{group}:{limit}/{period}s:{who}:{window}"
    # Kept a second past its window, then gone: the next window has its own.
    return counters.count(name, period + 1) > limit
