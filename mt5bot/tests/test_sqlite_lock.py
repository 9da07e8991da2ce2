"""The write lock shared by the processes of one install (mt5bot.sqlite).

The peer processes tell what they are doing over their stdout, and the holder
commits only when told on its stdin: each step waits for the event it needs,
never for a guessed time, so a loaded machine makes the tests slower, not red.
"""

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler
from filelock import FileLock, Timeout

from mt5bot.sqlite.base import LOCK_SUFFIX, writes

ROOT = Path(__file__).resolve().parents[2]
PEER = Path(__file__).with_name("sqlite_peer.py")
OURS = "mt5bot.sqlite"
DJANGOS = "django.db.backends.sqlite3"
# Only how long a broken peer may keep a failing test waiting.
DEADLINE = 120


class Peer:
    """sqlite_peer.py in its own process; its stdout lines read as they come."""

    def __init__(self, engine, db, mode, timeout=0.0):
        self.errors = db.with_name(f"{mode}-{os.urandom(4).hex()}.err")
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(
                [sys.executable, str(PEER), engine, str(db), str(timeout), mode],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def says(self):
        line = self.lines.get(timeout=DEADLINE)
        assert line is not None, self.errors.read_text()
        return line

    def commit(self):
        self.process.stdin.write("commit\n")
        self.process.stdin.flush()
        assert self.says() == "committed"


@pytest.fixture
def peer(tmp_path):
    """Start peers on tmp_path/db.sqlite3; none outlives the test."""
    started = []

    def start(engine, mode, timeout=0.0):
        started.append(Peer(engine, tmp_path / "db.sqlite3", mode, timeout))
        return started[-1]

    yield start
    for one in started:
        one.process.kill()
        one.process.wait()


def holding(peer):
    holder = peer(OURS, "hold")
    assert holder.says() == "holding"
    return holder


def rows(tmp_path):
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    try:
        return db.execute("SELECT who FROM t ORDER BY rowid").fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("mode", ["transaction", "autocommit"])
def test_a_writer_in_another_process_waits_its_turn(peer, tmp_path, mode):
    """SQLite's busy timeout is 0 here: without the lock the second writer
    would fail at once (the control below)."""
    holder = holding(peer)
    waiter = peer(OURS, mode)
    assert waiter.says() == "blocked"
    holder.commit()
    assert waiter.says() == "wrote"
    assert rows(tmp_path) == [("holder",), ("waiter",)]


def test_without_the_lock_the_same_writer_is_refused(peer, tmp_path):
    holder = holding(peer)
    assert peer(DJANGOS, "transaction").says() == "locked"
    holder.commit()
    assert rows(tmp_path) == [("holder",)]


def test_a_holder_killed_mid_transaction_frees_the_lock(peer, tmp_path):
    holder = holding(peer)
    # The busy timeout covers the instant between the dead holder's lock file
    # closing and SQLite's own locks on the database closing.
    waiter = peer(OURS, "transaction", timeout=30.0)
    assert waiter.says() == "blocked"
    os.kill(holder.process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    holder.process.wait()
    assert waiter.says() == "wrote"
    assert rows(tmp_path) == [("waiter",)]


@pytest.fixture
def connection(tmp_path, django_db_blocker):
    """A wrapper of our own on a file, outside the test database."""
    django_db_blocker.unblock()
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": OURS,
                "NAME": str(tmp_path / "db.sqlite3"),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.0},
            }
        }
    )
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER UNIQUE)")
    yield connection
    connection.close()
    django_db_blocker.restore()


def lock_file(connection):
    return FileLock(f"{connection.settings_dict['NAME']}{LOCK_SUFFIX}")


def lock_is_free(connection):
    probe = lock_file(connection)
    try:
        probe.acquire(blocking=False)
    except Timeout:
        return False
    probe.release()
    return True


def test_held_from_begin_to_commit(connection):
    # What atomic() does on SQLite, on this wrapper (not django.db.connections).
    connection.set_autocommit(
        False, force_begin_transaction_with_broken_autocommit=True
    )
    assert not lock_is_free(connection)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    assert not lock_is_free(connection)
    connection.commit()
    connection.set_autocommit(True)
    assert lock_is_free(connection)


def test_released_by_rollback_and_by_close(connection):
    connection.set_autocommit(
        False, force_begin_transaction_with_broken_autocommit=True
    )
    connection.rollback()
    connection.set_autocommit(True)
    assert lock_is_free(connection)
    connection.set_autocommit(
        False, force_begin_transaction_with_broken_autocommit=True
    )
    assert not lock_is_free(connection)
    connection.close()
    assert lock_is_free(connection)


def test_released_when_an_autocommit_write_fails(connection):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(Exception, match="UNIQUE"):
            cursor.execute("INSERT INTO t VALUES (1)")
    assert lock_is_free(connection)


def test_the_lock_is_the_systems_own_and_its_file_stays(connection):
    # LockFileEx on Windows, flock on POSIX: never filelock's soft lock (a
    # marker file a killed holder leaves behind), and one file kept after
    # each release on both (filelock deletes it on Windows unless told).
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    lock = connection.write_lock.file
    native = "WindowsFileLock" if os.name == "nt" else "UnixFileLock"
    assert type(lock).__name__ == native
    assert lock.preserve_lock_file
    assert not lock.is_locked and Path(lock.lock_file).is_file()


def test_reads_never_take_it(connection):
    with lock_file(connection), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_an_in_memory_database_has_no_lock(django_db_blocker):
    django_db_blocker.unblock()
    handler = ConnectionHandler({"default": {"ENGINE": OURS, "NAME": ":memory:"}})
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.write_lock is None
    connection.close()
    django_db_blocker.restore()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT 1", False),
        ("  pragma foreign_keys", False),
        ("BEGIN IMMEDIATE", False),
        ("SAVEPOINT s1", False),
        ("INSERT INTO t VALUES (1)", True),
        ("update t set n = 2", True),
        ("DELETE FROM t", True),
        ("CREATE TABLE u (n)", True),
    ],
)
def test_which_statements_write(query, expected):
    assert writes(query) is expected


def test_a_transaction_with_a_timeout_gives_up_on_a_held_lock(connection):
    """The webhook's deadline (mt5bot.deadline) bounds the wait: the lock is
    held here until the end, so the wait can only end by the timeout."""
    connection.write_lock_timeout = 0.05
    with lock_file(connection):
        with pytest.raises(OperationalError, match="database is locked"):
            connection.set_autocommit(
                False, force_begin_transaction_with_broken_autocommit=True
            )
        assert connection.get_autocommit()
    # Usable again once the lock is free, and nothing of the try was left.
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    assert lock_is_free(connection)
