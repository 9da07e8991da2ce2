"""
Django's SQLite backend, with one write lock shared by every process of an
install (`DATABASES["default"]["ENGINE"] = "mt5bot.sqlite"`).

SQLite lets one writer in at a time. Within one process our writers already
take turns (the webhook lane, the embedded supervisor). Across processes
(`serve --workers N`, or `serve` beside a separate `manage.py supervise`) a
writer that finds the database locked sleeps in SQLite's busy handler and
retries: 1, 2, 5, 10 ... 100 ms, so under load one writer can lose again and
again. Measured with bench/bridge.py, that made the webhook -> file p99 1.6 s
instead of 14 ms.

Here each write transaction first takes an exclusive lock on a file beside
the database (`<name>-writelock`), with filelock: `flock` on POSIX,
`LockFileEx` on Windows, so `serve` beside `supervise` queues its writes on
Windows too (before filelock this was `fcntl.flock`, absent on Windows, where
those writers went without). The operating system releases the lock when a
process dies, even by kill -9. A write outside a transaction (autocommit)
takes it around its one statement. Readers never take it: WAL lets them read
beside the writer.
"""

import logging

from django.db import OperationalError
from django.db.backends.sqlite3 import base
from filelock import FileLock, Timeout

from mt5bot import filemodes

log = logging.getLogger(__name__)

LOCK_SUFFIX = "-writelock"
# filelock has no blocking wait: a waiter tries again after this many seconds.
# Our write transactions last milliseconds, so the wait must be as short:
# with filelock's default of 50 ms, two workers at concurrency 8
# (bench/webhook.py) made 106-127 requests/s, against 191-250 at 1 ms and
# 209-256 with the kernel's blocking flock we had before.
POLL = 0.001
# Statements that never write: everything else in autocommit takes the lock.
# BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE are the transaction's own business.
NOT_WRITES = (
    "SELECT",
    "PRAGMA",
    "EXPLAIN",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "END",
)


class WriteLock:
    """An exclusive lock on one file, held by one connection at a time."""

    def __init__(self, path):
        # Not thread-local: the lock belongs to the connection, whichever
        # thread closes it. No soft fallback: on a filesystem without file
        # locks filelock would use a marker file instead, which a killed
        # holder leaves behind to block every writer; better to fail. The
        # file stays after a release, on Windows as on POSIX: there filelock
        # would delete it each time, so every write transaction created a
        # file anew, and while a waiter held it open the name sat
        # delete-pending, which no writer can open.
        self.file = FileLock(
            path,
            thread_local=False,
            fallback_to_soft=False,
            preserve_lock_file=True,
            poll_interval=POLL,
        )

    def acquire(self, timeout=None):
        """Wait until the lock is ours, for at most `timeout` seconds when
        given (then raise OperationalError, as a busy SQLite would); False if
        it already was."""
        if self.file.is_locked:
            return False
        try:
            self.file.acquire(blocking=False)
        except Timeout:
            # Contention made visible (LOG_LEVEL=DEBUG); the lock's tests wait
            # for this line to know a writer is queued.
            log.debug("Waiting for the SQLite write lock %s", self.file.lock_file)
            self.wait(timeout)
        return True

    def wait(self, timeout):
        try:
            self.file.acquire(timeout=-1 if timeout is None else timeout)
        except Timeout:
            raise OperationalError(
                f"database is locked (the write lock {self.file.lock_file} "
                f"stayed taken for {timeout:g} s)"
            ) from None

    def release(self):
        if self.file.is_locked:
            self.file.release(force=True)

    def close(self):
        self.release()


def writes(query):
    head = query.lstrip()[:9].upper()
    return not head.startswith(NOT_WRITES)


class LockingCursor(base.SQLiteCursorWrapper):
    write_lock = None

    def execute(self, query, params=None):
        return self._run(super().execute, query, params)

    def executemany(self, query, param_list):
        return self._run(super().executemany, query, param_list)

    def _run(self, method, query, params):
        if self.connection.in_transaction or not writes(query):
            return method(query, params)
        took = self.write_lock.acquire()
        try:
            return method(query, params)
        finally:
            if took:
                self.write_lock.release()


class DatabaseWrapper(base.DatabaseWrapper):
    write_lock = None
    # Seconds a transaction waits for the write lock; None waits as long as
    # it takes. The webhook sets it for its own (mt5bot.deadline).
    write_lock_timeout = None

    def get_new_connection(self, conn_params):
        # Here rather than in __init__: the test runner renames the database
        # after the wrapper is built.
        if self.write_lock is not None:
            self.write_lock.close()
        self.write_lock = None
        if not self.is_in_memory_db():
            self.write_lock = WriteLock(f"{self.settings_dict['NAME']}{LOCK_SUFFIX}")
            # A new database is owner-only from its first byte, and SQLite
            # gives its -wal and -shm the same mode; `setup` fixes older ones.
            filemodes.create_private(self.settings_dict["NAME"])
        return super().get_new_connection(conn_params)

    def create_cursor(self, name=None):
        if self.write_lock is None:
            return super().create_cursor(name)
        cursor = self.connection.cursor(factory=LockingCursor)
        cursor.write_lock = self.write_lock
        return cursor

    def _start_transaction_under_autocommit(self):
        if self.write_lock is None:
            return super()._start_transaction_under_autocommit()
        took = self.write_lock.acquire(self.write_lock_timeout)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            if took:
                self.write_lock.release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_unless_open()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_unless_open()

    def _close(self):
        try:
            return super()._close()
        finally:
            if self.write_lock is not None:
                self.write_lock.close()

    def _release_unless_open(self):
        # A failed COMMIT (disk full, ...) leaves the transaction open, and
        # its write lock with it, until the rollback that Django sends next.
        if self.write_lock is not None and not (
            self.connection is not None and self.connection.in_transaction
        ):
            self.write_lock.release()
