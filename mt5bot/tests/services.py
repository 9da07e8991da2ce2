"""The real services the multi-process tests talk to."""

import os

import pytest


def reachable_redis():
    """The Redis the multi-process tests use: REDIS_URL, else the local one.
    Skipped where none runs, except where MT5BOT_TESTS_NEED_REDIS is set (CI,
    which starts one): there a missing Redis fails instead of hiding tests."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception as exc:
        if os.environ.get("MT5BOT_TESTS_NEED_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return url
