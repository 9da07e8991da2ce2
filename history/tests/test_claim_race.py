"""Two (here four) supervisors claiming the same queued commands at the same
moment on PostgreSQL: each command is taken exactly once. The claim is one
conditional UPDATE; PostgreSQL makes the second writer of a row wait for the
first and then re-check the condition, which no longer holds."""

import threading

import pytest
from django.db import connection, connections

from history.models import Command, Status
from signals.tests.webhook import post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race is between processes on PostgreSQL; SQLite has one "
        "writer at a time (and the in-memory test database one connection)",
    ),
]
CLAIMERS = 4


def test_concurrent_claims_take_each_command_once(client, cast, settings):
    settings.RATE_LIMIT_WEBHOOK = "100000 per minute"
    for i in range(50):
        body = {"accounts": ["1123456", "7891011"], "symbol": "EURUSD", "id": i}
        post(client, {**body, "action": "BUY", "volume": 0.1})
    ids = list(Command.objects.queued().values_list("id", flat=True))
    assert len(ids) == 100
    start = threading.Barrier(CLAIMERS)
    taken = []

    def claimer(order):
        try:
            start.wait()
            for chunk in range(0, len(order), 10):
                taken.append(Command.objects.claim(order[chunk : chunk + 10]))
        finally:
            connections.close_all()

    orders = [ids, ids[::-1], ids[1::2] + ids[::2], ids[::2] + ids[1::2]]
    threads = [threading.Thread(target=claimer, args=(o,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [pk for batch in taken for pk in batch]
    assert sorted(claimed) == sorted(ids), "a command claimed twice, or never"
    assert set(Command.objects.values_list("status", flat=True)) == {Status.DELIVERED}
