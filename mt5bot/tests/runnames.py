"""The names a test run gives what it makes in services other runs on the
same machine share (PostgreSQL, Redis): its own, so that two runs at once
never meet, and recognisable, so that a run cleans up only what it made.
Plain functions of the run's id, which mt5bot.test_settings draws once per
test process (each pytest-xdist worker is one)."""

import uuid


def new_run_id():
    return uuid.uuid4().hex[:10]


def test_database(engine, run_id):
    """pytest-django's TEST settings for the default database."""
    if engine == "mt5bot.sqlite":
        # In memory, as Django makes it for sqlite3; said outright, as
        # pytest-django would otherwise suffix the file name with the worker.
        return {"NAME": ":memory:"}
    # pytest-django appends the worker ("_gw0") and drops it at the end.
    return {"NAME": f"test_mt5bot_{run_id}"}


def redis_prefix(run_id):
    """REDIS_PREFIX: every key and channel of the run begins with it."""
    return f"mt5bot-test-{run_id}"


def scratch_database():
    """A PostgreSQL database one test makes and drops (services.scratch_postgres)."""
    return f"mt5bot_scratch_{uuid.uuid4().hex[:12]}"
