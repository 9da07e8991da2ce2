"""mt5bot.postgresql: a kept connection is checked at each request without a
round trip, and one the server has spoken on or closed is checked the way
Django does, and replaced when gone."""

import select

import pytest
from django.db import connection, connections

from mt5bot.postgresql.base import readable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's backend: run with DATABASE_URL=postgres://...",
    ),
]


class Sent:
    """The queries this connection sends from here on (libpq's trace)."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.file = self.path.open("w")
        connection.connection.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc):
        connection.connection.pgconn.untrace()
        self.file.close()

    def queries(self):
        lines = self.path.read_text().splitlines()
        return [line.split("\t")[4].strip() for line in lines if "\tF\t" in line]


def request_begins():
    """What Django does at each request's start: the check falls due."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


def first_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_readable(fileno):
    assert select.select([fileno], [], [], 60)[0], "the server never spoke"


def test_a_quiet_kept_connection_is_checked_without_a_round_trip(tmp_path):
    pid = first_query()
    request_begins()
    with Sent(tmp_path / "trace") as sent:
        assert first_query() == pid
    assert sent.queries() == ['"SELECT pg_backend_pid()"']


def test_a_connection_the_server_spoke_on_is_checked_by_a_query(tmp_path):
    pid = first_query()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN mt5bot_test")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("NOTIFY mt5bot_test")
    finally:
        other.close()
    wait_readable(connection.connection.fileno())
    request_begins()
    with Sent(tmp_path / "trace") as sent:
        assert first_query() == pid  # checked, found alive, kept
    assert sent.queries() == ['"SELECT 1"', '"SELECT pg_backend_pid()"']


def test_a_connection_the_server_closed_is_replaced_before_the_first_query():
    pid = first_query()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    wait_readable(connection.connection.fileno())
    assert readable(connection.connection.fileno())
    request_begins()
    assert first_query() != pid
