"""The write lock shared by the processes of one install (mt5bot.sqlite)."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from mt5bot.sqlite.base import LOCK_SUFFIX, writes

fcntl = pytest.importorskip("fcntl", reason="the lock is POSIX only")

ROOT = Path(__file__).resolve().parents[2]
PEER = Path(__file__).with_name("sqlite_peer.py")
OURS = "mt5bot.sqlite"
DJANGOS = "django.db.backends.sqlite3"
HOLD = 0.8


def peer(engine, db, mode, timeout=0.0, hold=HOLD):
    return subprocess.Popen(
        [sys.executable, str(PEER), engine, str(db), str(timeout), mode, str(hold)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def holding(db, engine=OURS):
    holder = peer(engine, db, "hold")
    assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
    return holder


def answer(process):
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out.strip()


@pytest.mark.parametrize("mode", ["transaction", "autocommit"])
def test_a_writer_in_another_process_waits_its_turn(tmp_path, mode):
    """SQLite's busy timeout is 0 here: without the lock the second writer
    would fail at once (the control below)."""
    db = tmp_path / "db.sqlite3"
    holder = holding(db)
    waited = answer(peer(OURS, db, mode))
    assert float(answer(holder)) >= HOLD
    assert waited != "locked"
    assert float(waited) >= HOLD / 2
    rows = sqlite3.connect(db).execute("SELECT who FROM t ORDER BY rowid").fetchall()
    assert rows == [("holder",), ("waiter",)]


def test_without_the_lock_the_same_writer_is_refused(tmp_path):
    db = tmp_path / "db.sqlite3"
    holder = holding(db)
    assert answer(peer(DJANGOS, db, "transaction")) == "locked"
    assert float(answer(holder)) >= HOLD


def test_a_holder_killed_mid_transaction_frees_the_lock(tmp_path):
    db = tmp_path / "db.sqlite3"
    holder = holding(db)
    waiter = peer(OURS, db, "transaction", timeout=5.0)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert float(answer(waiter)) < HOLD
    rows = sqlite3.connect(db).execute("SELECT who FROM t").fetchall()
    assert rows == [("waiter",)]


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


def lock_is_free(connection):
    fd = os.open(f"{connection.settings_dict['NAME']}{LOCK_SUFFIX}", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
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


def test_reads_never_take_it(connection):
    other = os.open(f"{connection.settings_dict['NAME']}{LOCK_SUFFIX}", os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            assert cursor.fetchone() == (0,)
    finally:
        os.close(other)


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
