"""The soak of bench/soak.py, small: PostgreSQL and Redis, two web workers
and two supervisors (--host a, --host b), a web process and a supervisor
killed (-9) mid-run; nothing lost, nothing executed twice. The full run
(10,000 webhooks, 20 accounts) is `.venv/bin/python bench/soak.py`."""

import os

import pytest

from bench import soak
from mt5bot.tests.services import scratch_redis

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="kill -9, serve --workers"),
]


def postgres_server():
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    server = url.rsplit("/", 1)[0]
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("MT5BOT_TESTS_NEED_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {server}: {exc}")
    return f"{server}/postgres"


def test_a_small_soak_loses_and_doubles_nothing(capsys):
    database = postgres_server()
    with scratch_redis() as redis:
        args = [
            "--webhooks", "400", "--concurrency", "8", "--accounts", "6",
            "--rate", "60", "--database-url", database, "--redis-url", redis,
        ]  # fmt: skip
        passed = soak.main(args) == 0
    out = capsys.readouterr().out
    print(out)
    assert passed, out
    assert "kills: web process" in out and "supervisor a" in out
    assert "lost 0? yes; doubled 0? yes" in out
