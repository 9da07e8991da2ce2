"""
Django's Redis cache with one connection pool per process.

Django keeps a cache object per async context, and daphne runs each request
in a context of its own. With Django's RedisCache every request that used
the cache built a new connection pool, so connected to Redis again (a TCP
connection and five commands to set it up: HELLO, CLIENT twice and more,
SELECT), and every call built a new redis-py client object (about 90 µs of
CPU on the development machine). The webhook paid that on each alert
(docs/performance.md §7); the pages and the API still would.

Here the cache objects of a process share one RedisCacheClient, so its pools
and their open connections; redis-py makes a pool safe across threads and
starts it afresh in a forked child. `client()` hands out one redis-py client
on that pool for what talks to Redis directly (mt5bot.counters).

With a KEY_PREFIX (REDIS_PREFIX) `clear()` deletes the keys under it, not the
whole database as Django's FLUSHDB would, other installs' keys included.
"""

import re
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property

_lock = threading.Lock()
_shared = {}  # (servers, options) -> the RedisCacheClient of this process


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        options = tuple(sorted((name, repr(v)) for name, v in self._options.items()))
        key = (tuple(self._servers), options)
        with _lock:
            if key not in _shared:
                _shared[key] = self._class(self._servers, **self._options)
            return _shared[key]

    def clear(self):
        if not self.key_prefix:
            return super().clear()
        delete_prefixed(self.client(), self.key_prefix)
        return True

    def client(self):
        """This process's redis-py client for the server the cache writes to."""
        shared = self._cache
        with _lock:
            if not hasattr(shared, "one_client"):
                shared.one_client = shared.get_client(None, write=True)
            return shared.one_client


def delete_prefixed(client, prefix):
    """Delete the keys named "<prefix>:..." and no other; how many."""
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"
    deleted = 0
    batch = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted
