"""mt5bot.counters: the webhook's rate counter, exact under concurrent
counts, gone after its window, and one round trip to Redis per count."""

import threading

import pytest
import redis.connection
from django.conf import settings
from django.core.cache import cache, caches

from mt5bot import counters
from mt5bot.rates import over_rate, rate_window

with_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="run with REDIS_URL")


def test_counts_from_many_threads_at_once_add_up():
    # With Redis each thread counts on a connection of its own (the pool's):
    # what processes sharing the counter do.
    ready = threading.Barrier(4)

    def counting():
        ready.wait(60)
        for _ in range(50):
            counters.count("shared", 60)

    threads = [threading.Thread(target=counting) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert counters.count("shared", 60) == 201


@with_redis
def test_a_count_is_one_round_trip_and_its_counter_lives_its_window(monkeypatch):
    counters.count("warm", 5)  # the script loaded, the connection made
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, *args, **kwargs):
        sent.append(args)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(
        redis.connection.AbstractConnection, "send_packed_command", counted
    )
    assert [counters.count("window", 61) for _ in range(3)] == [1, 2, 3]
    assert len(sent) == 3
    lives = counters.client().ttl(cache.make_and_validate_key("window"))
    assert 0 < lives <= 61
    assert cache.get("window") == 3  # Django's cache reads it as its own


def test_is_set_reads_what_the_cache_set():
    assert not counters.is_set("mark")
    cache.set("mark", 1, 60)
    assert counters.is_set("mark")


def test_the_rate_lets_the_limit_through_and_refuses_the_next():
    assert rate_window("3 per minute") == (3, 60)
    seen = [over_rate("test", "198.51.100.7", "3 per minute") for _ in range(4)]
    # A minute can turn between two counts: then the new one starts at one.
    assert seen in ([False, False, False, True], [False] * 4)
    assert not over_rate("test", "198.51.100.8", "3 per minute")  # its own


@with_redis
def test_a_new_cache_object_reuses_the_process_connections(monkeypatch):
    """What each request's context gets from Django (a cache object of its
    own) connects to Redis no more."""
    caches.create_connection("default").get("warm")
    connects = []
    connect = redis.connection.Connection._connect  # opens the socket

    def counted(self, *args, **kwargs):
        connects.append(self)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    for _ in range(3):
        fresh = caches.create_connection("default")
        fresh.set("k", 1, 60)
        assert fresh.get("k") == 1
    assert connects == []
    assert fresh.client() is caches["default"].client()
