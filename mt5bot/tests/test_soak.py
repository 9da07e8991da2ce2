"""The soak of bench/soak.py, small: PostgreSQL and Redis, two web workers
and two supervisors (--host a, --host b), a web process and a supervisor
killed (-9) mid-run, every paper broker on the `realistic` fault profile;
nothing lost, nothing executed twice, no `rejected` that may have executed,
every position accounted for. The full run (10,000 webhooks, 20 accounts) is
`.venv/bin/python bench/soak.py --faults realistic`."""

import os

import pytest

from bench import soak
from mt5bot.tests.services import reachable_redis

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
    # The soak makes its own database and Redis key prefix, and removes both.
    args = [
        "--webhooks", "400", "--concurrency", "8", "--accounts", "6",
        "--rate", "60", "--database-url", database, "--redis-url", reachable_redis(),
        "--faults", "realistic",
    ]  # fmt: skip
    passed = soak.main(args) == 0
    out = capsys.readouterr().out
    print(out)
    assert passed, out
    assert "kills: web process" in out and "supervisor a" in out
    assert "lost 0? yes; doubled 0? yes" in out
    assert "paper broker faults: realistic" in out
    # The broker's refusals (no money for 50 lots) are `rejected` 10019.
    assert "rejected 10019: " in out
    # The faults were met: the brokers refused some sends (journals).
    answers = out.split("trade server answers per retcode (journals): ")[1]
    assert any(f"{code}: " in answers.splitlines()[0] for code in (10004, 10020, 10021))
