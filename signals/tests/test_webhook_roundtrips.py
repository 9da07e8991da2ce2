"""What an alert costs in round trips to PostgreSQL and Redis, counted on the
wire through the webhook's lane (mt5bot.handlers), and the deadline still
bounding the waits of the statements that now share a round trip.

On PostgreSQL an accepted alert makes six: BEGIN, the deadline's settings
with the dedupe lock, the accounts, the Signal, the Commands, COMMIT. It
made ten: a health check (`SELECT 1`), the settings and the lock apart, and
a savepoint around the Signal. On the lane, Redis is asked once, for the
rate counter; the wake-up and the live pages' mark are asked off it. It was
asked five times. docs/performance.md §7.
"""

import asyncio
import json
import threading
from collections import Counter

import psycopg
import pytest
import redis.connection
from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.db import connection

from history.models import Signal
from mt5bot.handlers import LaneASGIHandler
from signals import intake, presence
from signals.tests.test_webhook_deadline import post

pytestmark = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's round trips: run with DATABASE_URL=postgres://...",
)
ALERTS = 3


def alert(tag):
    fields = {"accounts": ["1123456", "7891011"], "symbol": "EURUSD"}
    return json.dumps({**fields, "action": "BUY", "volume": 0.1, "id": tag}).encode()


async def in_lane(application, function):
    """Run `function` on the webhook's lane thread, where its connection lives."""
    token = SyncToAsync.thread_sensitive_context.set(application.webhook_lane)
    try:
        return await sync_to_async(function)()
    finally:
        SyncToAsync.thread_sensitive_context.reset(token)


def close_connection():
    connection.close()  # the lane's: the test database must be droppable


async def accepted(application, tag):
    status, _, answer = await post(application, alert(tag))
    assert (status, answer.get("status")) == (200, "accepted"), answer


@pytest.fixture
def warm(cast, monkeypatch):
    """A lane whose connection is open and whose supervisors' state is read:
    what every alert after the first finds. That state is read again once a
    second, a cost of the clock, not of the alert: not here."""
    application = LaneASGIHandler()
    asyncio.run(accepted(application, "warm-up"))
    monkeypatch.setattr(presence, "MAX_AGE", float("inf"))
    yield application
    asyncio.run(in_lane(application, close_connection))


class Wire:
    """libpq's trace of the lane's connection: every message, both ways."""

    def __init__(self, path):
        self.path = path

    def start(self):
        connection.ensure_connection()
        self.file = self.path.open("w")
        connection.connection.pgconn.trace(self.file.fileno())

    def stop(self):
        connection.connection.pgconn.untrace()
        self.file.close()

    def messages(self):
        """(direction, message type, text) of each message; F: ours, B: the server's."""
        found = []
        for line in self.path.read_text().splitlines():
            _, direction, _, kind, *rest = line.split("\t")
            found.append((direction, kind, " ".join(rest).strip()))
        return found


@on_postgres
def test_an_accepted_alert_costs_six_round_trips_to_postgresql(warm, tmp_path):
    wire = Wire(tmp_path / "libpq.trace")

    async def run():
        await in_lane(warm, wire.start)
        for n in range(ALERTS):
            await accepted(warm, f"a{n}")
        await in_lane(warm, wire.stop)

    asyncio.run(run())
    messages = wire.messages()
    # One ReadyForQuery ends each exchange: one per round trip.
    answered = [m for m in messages if m[:2] == ("B", "ReadyForQuery")]
    sent = [text for direction, kind, text in messages if kind == "Query"]
    assert len(answered) == 6 * ALERTS, sent
    assert not [text for text in sent if "SELECT 1" in text or "SAVEPOINT" in text]
    assert sum("pg_advisory_xact_lock" in text for text in sent) == ALERTS


@pytest.mark.skipif(not settings.REDIS_URL, reason="run with REDIS_URL set")
def test_the_lane_asks_redis_once_per_alert_for_its_rate_counter(warm, monkeypatch):
    asked = Counter()
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, *args, **kwargs):
        asked[threading.get_ident()] += 1
        return send(self, *args, **kwargs)

    monkeypatch.setattr(
        redis.connection.AbstractConnection, "send_packed_command", counted
    )

    async def run():
        lane = await in_lane(warm, threading.get_ident)
        for n in range(ALERTS):
            await accepted(warm, f"r{n}")
        return lane

    lane = asyncio.run(run())
    assert asked[lane] == ALERTS


@on_postgres
def test_the_dedupe_lock_sharing_the_settings_round_trip_is_bound_by_them(
    warm, settings
):
    """The lock waits in the same message as the settings that bound it: cut
    at the deadline, it frees the lane for the next alert."""
    key = "held-elsewhere"
    sql, params = intake.dedupe_lock(Signal(idempotency_key=key))
    holder = psycopg.connect(**connection.get_connection_params())
    holder.execute(sql, params)  # held until this transaction ends

    async def run():
        settings.WEBHOOK_DEADLINE = 0.2
        held = await post(warm, alert(key))
        # Long enough for any machine: a lane stuck on the lock would use it.
        settings.WEBHOOK_DEADLINE = 30.0
        free = await post(warm, alert("free"))
        return held, free

    try:
        (held_status, _, held), (free_status, _, free) = asyncio.run(run())
    finally:
        holder.rollback()
        holder.close()
    assert (held_status, held.get("error")) == (503, "deadline_exceeded"), held
    assert (free_status, free.get("status")) == (200, "accepted"), free
    assert not Signal.objects.filter(idempotency_key=key).exists()
