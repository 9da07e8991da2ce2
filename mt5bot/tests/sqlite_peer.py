"""A separate process writing to one SQLite file, for test_sqlite_lock.py.

    python sqlite_peer.py ENGINE DB_PATH TIMEOUT MODE

MODE `hold` opens a write transaction, says "holding", and commits when a line
arrives on stdin ("committed"). `transaction` / `autocommit` write one row that
way and say "wrote", or "locked" when SQLite refused. Before that they say
"blocked" if they found the write lock held (our backend's debug line), so a
test knows the writer is waiting without guessing how long that takes.
"""

import logging
import sys

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


class SayBlocked(logging.Handler):
    def emit(self, record):
        print("blocked", flush=True)


lock_log = logging.getLogger("mt5bot.sqlite.base")
lock_log.addHandler(SayBlocked())
lock_log.setLevel(logging.DEBUG)

if mode == "hold":  # the first peer sets the file up
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (who TEXT)")

try:
    if mode == "hold":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('holder')")
            print("holding", flush=True)
            sys.stdin.readline()
        print("committed", flush=True)
    elif mode == "transaction":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('waiter')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('waiter')")
except OperationalError as exc:
    print("locked" if "locked" in str(exc) else f"error {exc}", flush=True)
else:
    if mode != "hold":
        print("wrote", flush=True)
