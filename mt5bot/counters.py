"""
Counters and marks in the shared cache, in one round trip each: the
webhook's rate limit counts with `count`, the live pages' "someone is
listening" mark is read with `is_set`.

django-ratelimit counted each webhook with three calls to the cache, so three
round trips to Redis: SET NX, then EXISTS and INCR. Here a count is one
command, a script that Redis runs whole (INCR, and the expiry when it made
the key, so a counter never outlives its window), sent on the process's one
client (mt5bot.rediscache; docs/performance.md §7). Keys are the cache's own
(`make_and_validate_key`: its KEY_PREFIX and version), so Django's cache
reads and clears them as its own. Without Redis the same is done through the
cache's API.
"""

from django.core.cache import caches

from mt5bot.rediscache import RedisCache

COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
_count = None  # COUNT, registered with the first client (redis-py's Script)


def client():
    """This process's redis-py client for the default cache's server, or None
    when the cache is not Redis."""
    cache = caches["default"]
    return cache.client() if isinstance(cache, RedisCache) else None


def count(name, seconds):
    """Add one to the counter `name`, which lives `seconds` from its first
    count; return its new value."""
    cache = caches["default"]
    key = cache.make_and_validate_key(name)
    redis = client()
    if redis is not None:
        # EVALSHA; redis-py loads the script again if Redis lost it.
        return script(redis)(keys=[key], args=[max(1, int(seconds))], client=redis)
    if cache.add(name, 1, seconds):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # it expired between the two
        cache.set(name, 1, seconds)
        return 1


def script(redis):
    global _count
    if _count is None:
        _count = redis.register_script(COUNT)
    return _count


def is_set(name):
    """Whether `name` is in the cache (as `cache.get(name) is not None`)."""
    cache, redis = caches["default"], client()
    if redis is not None:
        return bool(redis.exists(cache.make_and_validate_key(name)))
    return cache.get(name) is not None
