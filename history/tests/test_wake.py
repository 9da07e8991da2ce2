"""Waking supervisors: loopback UDP on one machine, and through Redis every
supervisor on any host, including a second one that could not have the port."""

import select
import socket
import threading
import time
import uuid

import pytest
import redis

from accounts.bridge import wake
from mt5bot.tests.services import reachable_redis


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def woken(sock, timeout=10.0):
    ready, _, _ = select.select([sock], [], [], timeout)
    if ready:
        sock.recv(64)
    return bool(ready)


def wakeups(sock):
    """How many datagrams wait on `sock`, taking them."""
    count = 0
    while woken(sock, timeout=0):
        count += 1
    return count


@pytest.fixture
def fresh(settings, monkeypatch):
    monkeypatch.setattr(wake, "_redis", None)
    monkeypatch.setattr(wake, "_subscriber", None)
    # Not quiet after another test's publish that nobody heard.
    monkeypatch.setattr(wake, "_publisher", wake._Publisher())
    settings.SUPERVISOR_WAKE_PORT = free_udp_port()
    return settings


def test_without_redis_the_port_holder_is_woken_and_a_second_one_polls(fresh):
    fresh.REDIS_URL = ""
    first = wake.listener(fresh.SUPERVISOR_WAKE_PORT)
    second = wake.listener(fresh.SUPERVISOR_WAKE_PORT)
    assert second is None  # the port is taken: it polls the database
    wake.notify()
    assert woken(first)
    first.close()


def test_with_redis_every_supervisor_is_woken(fresh, monkeypatch):
    fresh.REDIS_URL = reachable_redis()
    # A channel of this test's own: another run's supervisors publish and
    # listen on the real one, and the counts below are exact.
    monkeypatch.setattr(wake, "CHANNEL", f"mt5bot:wake:test-{uuid.uuid4().hex}")
    first = wake.listener(fresh.SUPERVISOR_WAKE_PORT)
    second = wake.listener(fresh.SUPERVISOR_WAKE_PORT)  # another host, say
    assert second.getsockname()[1] != fresh.SUPERVISOR_WAKE_PORT
    subscribers = redis.Redis.from_url(fresh.REDIS_URL)
    wait_until(lambda: subscribers.pubsub_numsub(wake.channel())[0][1] == 2)
    wake.notify()
    assert woken(first) and woken(second)
    assert woken(first)  # the UDP datagram and the relayed one
    assert wakeups(first) == wakeups(second) == 0
    fresh.SUPERVISOR_WAKE_PORT = 0  # Redis alone reaches both
    wake.notify()
    assert woken(first) and woken(second)
    first.close()
    second.close()


def test_a_redis_that_is_down_costs_the_webhook_nothing(fresh):
    fresh.REDIS_URL = f"redis://127.0.0.1:{free_udp_port()}/0"  # nobody there
    started = time.perf_counter()
    wake.notify()
    wake.notify()
    assert time.perf_counter() - started < 0.5


class HeldPublish:
    """`wake._publish` held on an event, noting on which thread each ran and
    whether another ask was pending as it began."""

    def __init__(self, heard=1):
        self.heard = heard
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.runs = []

    def __call__(self):
        self.runs.append(
            (threading.current_thread().name, wake._publisher.asked.is_set())
        )
        self.started.release()
        assert self.release.wait(60)
        return self.heard


def test_the_webhook_never_waits_for_the_redis_publish(fresh, monkeypatch):
    fresh.REDIS_URL = "redis://127.0.0.1:6379/0"  # never reached: held instead
    held = HeldPublish()
    monkeypatch.setattr(wake, "_publish", held)
    wake.notify()  # returns with the publish still held
    assert held.started.acquire(timeout=60)
    wake.notify()
    wake.notify()  # both asked while one is under way: one more after it
    held.release.set()
    assert held.started.acquire(timeout=60)
    assert held.runs == [("mt5bot-wake", False), ("mt5bot-wake", False)]


def test_after_a_publish_nobody_heard_the_next_wait_a_while(fresh, monkeypatch):
    fresh.REDIS_URL = "redis://127.0.0.1:6379/0"
    held = HeldPublish(heard=0)
    held.release.set()
    monkeypatch.setattr(wake, "_publish", held)
    wake.notify()
    assert held.started.acquire(timeout=60)
    wait_until(lambda: wake._publisher.quiet_until > 0, timeout=60)
    wake.notify()
    assert len(held.runs) == 1  # skipped on the caller's side: nothing to wait for
    wake._publisher.quiet_until = time.monotonic()  # the while is over
    wake.notify()
    assert held.started.acquire(timeout=60)
