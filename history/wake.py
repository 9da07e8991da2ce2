"""
Waking the supervisor the moment a webhook commits its Commands.

In one process (`serve` with its embedded supervisor) that is an Event. A
supervisor in another process on this machine listens on a loopback UDP port
(`SUPERVISOR_WAKE_PORT`): one datagram, no reply, no connection, nothing the
webhook can wait on. Either way the supervisor also polls the database, so a
lost wake-up only costs latency, never a command.
"""

import logging
import socket
import threading

from django.conf import settings

log = logging.getLogger("mt5bot.supervisor")
event = threading.Event()
_sender = None
_subscriber = None


def subscribe(callback):
    """Have `notify` also call `callback` (the embedded supervisor's loop)."""
    global _subscriber
    _subscriber = callback


def notify():
    event.set()
    if _subscriber is not None:
        _subscriber()  # the supervisor runs in this process
        return
    port = settings.SUPERVISOR_WAKE_PORT
    if port:
        _poke(port)


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


def listener(port):
    """A bound, non-blocking UDP socket for `supervise`, or None if disabled."""
    if not port:
        return None
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        # Another install on this machine has the port: poll instead of fail.
        log.warning("cannot listen for wake-ups on port %s (%s); polling", port, exc)
        sock.close()
        return None
    sock.setblocking(False)
    return sock
