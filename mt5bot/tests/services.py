"""The real services the multi-process tests talk to, and the browser the
page tests drive."""

import contextlib
import os
import uuid
from pathlib import Path

import pytest

from mt5bot.rediscache import RedisCache

CHROMIUM = Path("/usr/bin/chromium")
# Set where Chromium must be there (CI, which installs it): its absence then
# fails the browser tests instead of skipping them.
NEED_CHROMIUM = "MT5BOT_TESTS_NEED_CHROMIUM"


def require_chromium():
    """Chromium's path, for a browser test module to call as it is imported.
    Where Chromium is missing the modules skip whole, on one line of the
    summary (the skip is raised here for all of them) that says how to get
    it: the test command installs nothing itself. Where NEED_CHROMIUM is set
    they fail instead."""
    if CHROMIUM.exists():
        return CHROMIUM
    missing = f"{CHROMIUM} is not installed"
    get_it = "(Debian: `sudo apt-get install chromium`)"
    if os.environ.get(NEED_CHROMIUM):
        pytest.fail(f"{missing} and {NEED_CHROMIUM} is set {get_it}", pytrace=False)
    pytest.skip(f"{missing}: the browser tests skip {get_it}", allow_module_level=True)


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


def scratch_postgres():
    """A fresh, empty PostgreSQL database for one test: yields its URL and
    drops it afterwards. The server is DATABASE_URL's when that names
    PostgreSQL, else the local one; skipped where none runs, except where
    MT5BOT_TESTS_NEED_POSTGRES is set."""
    import uuid

    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    server, _, _ = url.rpartition("/")
    try:
        admin = psycopg.connect(
            f"{server}/postgres", autocommit=True, connect_timeout=2
        )
    except psycopg.OperationalError as exc:
        if os.environ.get("MT5BOT_TESTS_NEED_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {server}: {exc}")
    name = f"mt5bot_scratch_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def scratch_redis():
    """A Redis database for one test's servers, which use their keys
    unprefixed (rate counters, the channel layer, presence marks): claimed
    by a key in database 0 that one run alone can set, emptied, and emptied
    again afterwards. Yields its URL. Redis has databases 0-15: this takes
    the highest unclaimed one, away from the low ones installs use and from
    this run's own REDIS_URL."""
    import redis

    base = reachable_redis()
    server, _, own = base.rpartition("/")
    claims = redis.Redis.from_url(f"{server}/0")
    token = uuid.uuid4().hex
    for number in range(15, 0, -1):
        claim = f"mt5bot-tests:redis-db:{number}"
        # An hour: a run that was killed gives it back by then.
        if str(number) != own and claims.set(claim, token, nx=True, ex=3600):
            break
    else:
        pytest.fail("every Redis database is claimed by another test run")
    database = redis.Redis.from_url(f"{server}/{number}")
    try:
        database.flushdb()
        yield f"{server}/{number}"
    finally:
        database.flushdb()
        if claims.get(claim) == token.encode():
            claims.delete(claim)
        database.close()
        claims.close()


class ScopedRedisCache(RedisCache):
    """The suite's own cache on a Redis that other test processes share (the
    other xdist worker, another checkout's run): `clear()` deletes the keys
    under this process's KEY_PREFIX, where Django's would FLUSHDB everyone's
    rate counters and presence marks mid-test."""

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return True
