"""Rate limits as the settings write them: "10 per minute", "10/m", "10/5m".
The webhook's limit and the API's are read the same way."""

import re

RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d*)\s*([a-z]+?)s?\s*$", re.IGNORECASE)
UNITS = {"s": "s", "sec": "s", "second": "s", "m": "m", "min": "m", "minute": "m"}
UNITS |= {"h": "h", "hour": "h", "d": "d", "day": "d"}


def parse_rate(text):
    """The seed's "10 per minute" (or "10/m", "10/5m") -> django-ratelimit's "10/m"."""
    match = RATE.match(text or "")
    unit = UNITS.get(match.group(3).lower()) if match else None
    if unit is None:
        raise ValueError(f"Cannot read the rate {text!r}: write it as '10 per minute'.")
    return f"{match.group(1)}/{match.group(2)}{unit}"
