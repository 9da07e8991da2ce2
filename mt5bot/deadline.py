"""
The webhook's deadline: an alert is stored within WEBHOOK_DEADLINE seconds of
its arrival, or not at all, and the sender hears which.

TradingView gives up on a request after 3 s and never hears what became of
it; a 5xx it does hear is sent again. So an alert that cannot be stored in
time (a locked database, a lane busy with something slow) must be answered 503
before the sender gives up, and must then never be stored: a late commit would
trade an alert its sender believes failed, and may send again without an id.

Two parties can decide an alert's fate, and `Arrival` lets only one of them:
the thread storing it claims the commit as the last thing inside its
transaction (`commit_or_miss`), the event loop answering the sender gives up at
the deadline (`give_up`). Whichever comes first wins, under one lock: a commit
that was claimed goes ahead and the loop waits for its answer; a request given
up on rolls back at its commit point, however late it gets there. The waits
inside the transaction are bounded by the time left (`storing`), so a locked
database frees the thread at about the deadline instead of 20 s later.
"""

import math
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone

PENDING, COMMITTING, ABANDONED = "pending", "committing", "abandoned"
# Seconds a sender is asked to wait before sending again; TradingView waits
# 5 s before its own re-send of a 5xx whatever this says.
RETRY_AFTER = 5
RETRY_HEADERS = {"Retry-After": str(RETRY_AFTER)}


class Missed(Exception):
    """The alert could not be stored in time, and nothing of it was."""

    code = "deadline_exceeded"

    def __init__(self, why):
        super().__init__(why)
        self.why = why

    def as_dict(self):
        return {
            "error": self.code,
            "detail": (
                f"The alert could not be stored within {settings.WEBHOOK_DEADLINE:g} s"
                f" ({self.why}); nothing was stored or traded. Send it again: "
                "the same body is not taken for a re-send of this one."
            ),
            "field": None,
            "retry_after": RETRY_AFTER,
        }


class Arrival:
    """When a request arrived, and who decides its fate."""

    __slots__ = ("_lock", "at", "deadline", "state")

    def __init__(self, budget=None):
        # The wall clock for the record (received_at, the TTL's start), the
        # monotonic one for the deadline: a clock step must not move it.
        self.at = timezone.now()
        budget = settings.WEBHOOK_DEADLINE if budget is None else budget
        self.deadline = time.monotonic() + budget
        self.state = PENDING
        self._lock = threading.Lock()

    def remaining(self):
        return self.deadline - time.monotonic()

    def commit_or_miss(self, why="the deadline passed before the commit"):
        """Claim the commit, or raise Missed when the deadline passed or the
        loop gave up first. Called last inside the storing transaction."""
        with self._lock:
            if self.state == PENDING and time.monotonic() < self.deadline:
                self.state = COMMITTING
                return
            self.state = ABANDONED
        raise Missed(why)

    def give_up(self):
        """The answering side at the deadline: True when the alert is sure
        never to be stored, False when its commit was claimed (wait for it)."""
        with self._lock:
            if self.state == PENDING:
                self.state = ABANDONED
            return self.state == ABANDONED

    def check(self, why):
        """Raise Missed now if the alert can no longer be stored in time."""
        if self.state == ABANDONED or self.remaining() <= 0:
            self.give_up()
            raise Missed(why)


@contextmanager
def storing(arrival, using=DEFAULT_DB_ALIAS, first=None):
    """One transaction that commits only if `arrival`'s deadline allows.

    Raises Missed, with everything rolled back, when the time runs out or the
    database refuses before the commit point (a lock wait cut short, a
    statement cancelled, a busy SQLite). An error at or after the commit
    itself is not a Missed: the commit may have happened, so it is not
    answered as if it surely had not.

    `first`, a statement as (sql, params), runs first in the transaction; on
    PostgreSQL in the same round trip as the deadline's settings, and bound
    by them.
    """
    arrival.check("the server was busy before the alert could be stored")
    connection = connections[using]
    try:
        with sqlite_waits(connection, arrival), transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                postgres_waits(connection, arrival, first)
            elif first is not None:
                with connection.cursor() as cursor:
                    cursor.execute(*first)
            yield
            arrival.commit_or_miss()
    except OperationalError as exc:
        if arrival.state == COMMITTING:
            raise
        arrival.give_up()
        raise Missed("the database is busy") from exc


def millis(seconds):
    return max(1, math.ceil(seconds * 1000))


@contextmanager
def sqlite_waits(connection, arrival):
    """On SQLite, bound the waits for the write lock by the time left: our
    cross-process lock (mt5bot.sqlite) and SQLite's busy handler, which a
    writer that does not take our lock (the sqlite3 shell) keeps busy."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    usual = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5.0)
    left = max(arrival.remaining(), 0.001)
    # On the driver's connection, not a Django cursor: a PRAGMA takes no lock,
    # and it keeps the webhook's statement count what it was.
    raw.execute(f"PRAGMA busy_timeout = {millis(left)}")
    connection.write_lock_timeout = left
    try:
        yield
    finally:
        connection.write_lock_timeout = None
        if connection.connection is raw:
            raw.execute(f"PRAGMA busy_timeout = {round(usual * 1000)}")


# Both reset by the server when the transaction ends.
POSTGRES_WAITS = (
    "SELECT set_config('lock_timeout', %s, true),"
    " set_config('statement_timeout', %s, true)"
)


def postgres_waits(connection, arrival, then=None):
    """On PostgreSQL, bound every lock wait and statement of this transaction
    by the time left; then run `then`, (sql, params), if given.

    Both go in one message, so `then` costs no round trip of its own. The
    server runs the statements of a message in order and, since PostgreSQL
    13, times each one by itself with the settings then in force, so `then`
    is bound too (tested in signals/tests/test_webhook_roundtrips.py). A
    message can hold several statements only when the driver binds the
    parameters itself, Django's default; with `server_side_binding` they go
    one by one.
    """
    left = f"{millis(max(arrival.remaining(), 0.001))}ms"
    sql, params = POSTGRES_WAITS, [left, left]
    together = not connection.settings_dict["OPTIONS"].get("server_side_binding")
    with connection.cursor() as cursor:
        if then is not None and together:
            cursor.execute(f"{sql}; {then[0]}", [*params, *then[1]])
            return
        cursor.execute(sql, params)
        if then is not None:
            cursor.execute(*then)
