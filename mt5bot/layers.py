"""The Redis channel layer, one definition for the settings and the tests;
and the names in Redis under REDIS_PREFIX."""

# A consumer waits for its messages in blocking pops of 5 s (channels-redis's
# `brpop_timeout`), and redis-py's default read timeout is 5 s too: the pop's
# empty answer came just too late, and every page quiet for 5 s lost its
# socket ("Timeout reading from ...") and reconnected. The read waits longer.
READ_TIMEOUT = 15


def redis_channel_layer(url, prefix="asgi"):
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": url, "socket_timeout": READ_TIMEOUT}],
            "prefix": prefix,
        },
    }


def prefixed(name, prefix):
    """`name` in the Redis namespace `prefix` (REDIS_PREFIX), or as it is
    without one."""
    return f"{prefix}:{name}" if prefix else name
