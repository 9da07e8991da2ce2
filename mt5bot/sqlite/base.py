"""
Django's SQLite backend, with one write lock shared by every process of an
install (`DATABASES["default"]["ENGINE"] = "mt5bot.sqlite"`).

SQLite lets one writer in at a time. Within one process our writers already
take turns (the webhook lane, the embedded supervisor). Across processes
(`serve --workers N`, or `serve` beside a separate `manage.py supervise`) a
writer that finds the database locked sleeps in SQLite's busy handler and
retries: 1, 2, 5, 10 ... 100 ms, with no queue, so under load one writer can
lose again and again. Measured with bench/bridge.py, that made the webhook ->
file p99 1.6 s instead of 14 ms.

Here each write transaction first takes an exclusive `flock` on a file beside
the database (`<name>-writelock`). The kernel queues the waiters and wakes one
the moment the holder commits or rolls back, and releases the lock when a
process dies, even by kill -9. A write outside a transaction (autocommit)
takes it around its one statement. Readers never take it: WAL lets them read
beside the writer.

POSIX only. On Windows `serve` is always one process with the supervisor
inside, so the lock is not needed there and this is Django's backend unchanged.
"""

import os

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_SUFFIX = "-writelock"
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
    """An exclusive flock on one file, held by one connection at a time."""

    def __init__(self, path):
        self.path = path
        self.fd = None
        self.held = False

    def acquire(self):
        """Block until the lock is ours; False if it already was."""
        if self.held:
            return False
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.held = True
        return True

    def release(self):
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self):
        if self.fd is not None:
            fd, self.fd, self.held = self.fd, None, False
            os.close(fd)  # releases the lock too


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

    def get_new_connection(self, conn_params):
        # Here rather than in __init__: the test runner renames the database
        # after the wrapper is built.
        if self.write_lock is not None:
            self.write_lock.close()
        self.write_lock = None
        if fcntl is not None and not self.is_in_memory_db():
            self.write_lock = WriteLock(f"{self.settings_dict['NAME']}{LOCK_SUFFIX}")
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
        took = self.write_lock.acquire()
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
