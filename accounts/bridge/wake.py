"""
Waking the supervisor the moment a webhook commits its Commands.

In one process (`serve` with its embedded supervisor) that is an Event. A
supervisor in another process on this machine listens on a loopback UDP port
(`SUPERVISOR_WAKE_PORT`): one datagram, no reply, no connection, nothing the
webhook can wait on. With REDIS_URL set, the web process also publishes on a
Redis channel, which reaches every supervisor, on any host (`supervise
--host`), and a second one on this machine that could not have the port.
Either way the supervisor also polls the database, so a lost wake-up only
costs latency, never a command.

The publish is a round trip to Redis, so the webhook does not make it: it
asks a thread of this process to (`_Publisher`), and answers its sender
without waiting. Asks that come while a publish is under way are served by
one more publish after it, which the supervisors only need once. A publish
that no supervisor heard (Redis counts who did) stops the next ones for
QUIET seconds: none subscribes where the supervisor is embedded and alone,
and one that subscribes meanwhile polls the database until the next
(docs/performance.md §7).
"""

import logging
import os
import socket
import threading
import time

from django.conf import settings

from mt5bot import layers

log = logging.getLogger("mt5bot.supervisor")
event = threading.Event()
_sender = None
_subscriber = None


def subscribe(callback):
    """Have `notify` also call `callback` (the embedded supervisor's loop)."""
    global _subscriber
    _subscriber = callback


CHANNEL = "mt5bot:wake"  # under REDIS_PREFIX, see channel()
# Seconds without a publish after one that no supervisor heard.
QUIET = 1.0
_redis = None
_port = None  # where this process's own supervisor child listens


def aim(port):
    """Send wake-ups to `port` (the supervisor `serve` runs as its child,
    mt5bot/supervisor_child.py) instead of SUPERVISOR_WAKE_PORT; None undoes."""
    global _port
    _port = port


def notify():
    event.set()
    if _subscriber is not None:
        _subscriber()  # the supervisor runs in this process
    elif _port or settings.SUPERVISOR_WAKE_PORT:
        _poke(_port or settings.SUPERVISOR_WAKE_PORT)
    if settings.REDIS_URL:
        _publisher.ask()


class _Publisher:
    """A thread that publishes a wake-up after each ask, however many asks
    came while it published the last one."""

    def __init__(self):
        self.asked = threading.Event()
        self.lock = threading.Lock()
        self.pid = None  # the process its thread runs in: a fork has none
        self.quiet_until = 0.0  # time.monotonic(): nobody heard the last one

    def ask(self):
        if time.monotonic() < self.quiet_until:
            return
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.asked = threading.Event()
                    threading.Thread(
                        target=self.run,
                        args=(self.asked,),
                        name="mt5bot-wake",
                        daemon=True,
                    ).start()
                    self.pid = os.getpid()
        self.asked.set()

    def run(self, asked):
        while True:
            asked.wait()
            asked.clear()
            if _publish() == 0:
                self.quiet_until = time.monotonic() + QUIET


_publisher = _Publisher()


def _publish():
    """Publish one wake-up: how many subscribers heard it, None on a failure."""
    global _redis
    try:
        if _redis is None:
            import redis

            _redis = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=0.2, socket_connect_timeout=0.2
            )
        return _redis.publish(channel(), b"w")
    except Exception:  # Redis down: the database poll covers it
        log.debug("wake-up not published", exc_info=True)
        return None


def channel():
    """The Redis channel of this install's wake-ups: another install's
    supervisors on the same Redis do not hear them."""
    return layers.prefixed(CHANNEL, settings.REDIS_PREFIX)


def relay_from_redis(sock):
    """For `supervise` with REDIS_URL: a thread turning each published
    wake-up into a datagram on `sock`, the socket its loop waits on."""

    def relay():
        import redis

        address = sock.getsockname()
        poke = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while True:
            try:
                client = redis.Redis.from_url(settings.REDIS_URL)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(channel())
                for _message in pubsub.listen():
                    poke.sendto(b"w", address)
            except Exception:
                log.warning("wake-ups from Redis interrupted; retrying", exc_info=True)
                time.sleep(1.0)

    threading.Thread(target=relay, name="mt5bot-wake", daemon=True).start()


def _poke(port):
    global _sender
    try:
        if _sender is None:
            _sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            _sender.setblocking(False)
        _sender.sendto(b"w", ("127.0.0.1", port))
    except OSError:
        # Nobody listening, or a full buffer: the database poll covers it.
        pass


def poke(sock):
    """Wake a loop waiting on `sock` (its own listener) from another thread."""
    _poke(sock.getsockname()[1])


def listener(port):
    """A bound, non-blocking UDP socket for `supervise`, or None if disabled.
    With REDIS_URL it always has one (the port, else any free one), and
    published wake-ups are relayed to it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", port or 0))
    except OSError as exc:
        # Another supervisor or install has the port: Redis, else the poll.
        log.warning("cannot listen for wake-ups on port %s (%s)", port, exc)
        sock.bind(("127.0.0.1", 0))
        port = None
    if not port and not settings.REDIS_URL:
        sock.close()
        return None
    sock.setblocking(False)
    if settings.REDIS_URL:
        relay_from_redis(sock)
    return sock
