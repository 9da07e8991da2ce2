"""Waking supervisors: loopback UDP on one machine, and through Redis every
supervisor on any host, including a second one that could not have the port."""

import select
import socket
import time

import pytest

from accounts.bridge import wake
from mt5bot.tests.services import reachable_redis


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def woken(sock, timeout=2.0):
    ready, _, _ = select.select([sock], [], [], timeout)
    if ready:
        sock.recv(64)
    return bool(ready)


@pytest.fixture
def fresh(settings, monkeypatch):
    monkeypatch.setattr(wake, "_redis", None)
    monkeypatch.setattr(wake, "_subscriber", None)
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


def test_with_redis_every_supervisor_is_woken(fresh):
    fresh.REDIS_URL = reachable_redis()
    first = wake.listener(fresh.SUPERVISOR_WAKE_PORT)
    second = wake.listener(fresh.SUPERVISOR_WAKE_PORT)  # another host, say
    assert second.getsockname()[1] != fresh.SUPERVISOR_WAKE_PORT
    time.sleep(0.3)  # the relays subscribe
    wake.notify()
    assert woken(first) and woken(second)
    time.sleep(0.2)
    while woken(first, timeout=0):  # the UDP datagram and the relayed one
        pass
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
