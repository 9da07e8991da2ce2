"""A separate process writing to one SQLite file, for test_sqlite_lock.py.

    python sqlite_peer.py ENGINE DB_PATH TIMEOUT MODE [HOLD_SECONDS]

MODE: `hold` opens a write transaction, says "holding", sleeps, commits;
`transaction` / `autocommit` write one row that way and print the seconds
they waited, or "locked" when SQLite refused.
"""

import sys
import time

import django
from django.conf import settings

engine, path, timeout, mode = sys.argv[1:5]
settings.configure(
    DATABASES={
        "default": {
            "ENGINE": engine,
            "NAME": path,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": float(timeout)},
        }
    }
)
django.setup()

from django.db import OperationalError, connection, transaction  # noqa: E402

if mode == "hold":  # the first peer sets the file up
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (who TEXT)")

started = time.monotonic()
try:
    if mode == "hold":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('holder')")
            print("holding", flush=True)
            time.sleep(float(sys.argv[5]))
    elif mode == "transaction":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('waiter')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('waiter')")
except OperationalError as exc:
    print("locked" if "locked" in str(exc) else f"error {exc}", flush=True)
else:
    print(f"{time.monotonic() - started:.3f}", flush=True)
