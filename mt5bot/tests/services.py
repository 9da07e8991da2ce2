"""The real services the multi-process tests talk to, and the browser the
page tests drive."""

import contextlib
import os
from pathlib import Path

import pytest

from mt5bot.rediscache import delete_prefixed
from mt5bot.tests import runnames

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
    name = runnames.scratch_database()
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def scratch_redis():
    """A Redis namespace for one test's servers: yields the environment that
    points them at it (REDIS_URL, REDIS_PREFIX, a prefix no other run has),
    and deletes its keys afterwards, and only those: the database may be
    shared with other runs or a real install."""
    import redis

    url = reachable_redis()
    prefix = runnames.redis_prefix(runnames.new_run_id())
    try:
        yield {"REDIS_URL": url, "REDIS_PREFIX": prefix}
    finally:
        client = redis.Redis.from_url(url)
        delete_prefixed(client, prefix)
        client.close()
