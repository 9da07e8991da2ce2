"""
Live-page updates from `serve`'s supervisor child to its web process.

With the in-memory channel layer (no REDIS_URL, the default) a layer reaches
only the process it lives in, and the supervisor that `serve` runs as a child
process (mt5bot/supervisor_child.py) has no page of its own to tell. So the
child sends the ids it would have announced (`live.signal_changed` and the
rest) as one datagram per chunk to a loopback port its parent listens on, and
the parent announces them to its pages as if they had changed there. With
Redis the layer crosses processes by itself and nothing goes through here.

A datagram is a hint, like every live push: the database is the truth, and a
page that missed one catches up from its cursor when it reconnects. Anything
on the machine can send to the port, so a datagram is read as data: a known
kind and at most CHUNK ids, each an integer id or an account number; anything
else is dropped. The worst a stray datagram can do is have the pages re-read
rows they may already show.
"""

import asyncio
import json
import logging
import socket

from accounts.validators import is_valid_login

log = logging.getLogger("mt5bot.live")

CHUNK = 200
# Far below a loopback datagram's limit: 200 ids of 20 digits and the rest.
MAX_DATAGRAM = 8192

_target = None  # (host, port) in the child: where its updates go
_socket = None


def aim(port):
    """In the child: send live updates to the parent's `port` (None: stop)."""
    global _target
    _target = ("127.0.0.1", port) if port else None


def aimed():
    return _target is not None


def forward(kind, ids):
    """Send `ids` of `kind` to the parent, in chunks; never raises."""
    global _socket
    ids = sorted(ids, key=str)
    try:
        if _socket is None:
            _socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            _socket.setblocking(False)
        for start in range(0, len(ids), CHUNK):
            body = json.dumps({"kind": kind, "ids": ids[start : start + CHUNK]})
            _socket.sendto(body.encode(), _target)
    except OSError:
        # The parent is gone or its buffer is full: the pages catch up from
        # the database when they reconnect.
        log.debug("live update of %s not relayed", kind, exc_info=True)


def read(datagram, kinds):
    """(kind, ids) from one datagram, or None for anything else."""
    if len(datagram) > MAX_DATAGRAM:
        return None
    try:
        message = json.loads(datagram)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    kind, ids = message.get("kind"), message.get("ids")
    if kind not in kinds or not isinstance(ids, list) or len(ids) > CHUNK:
        return None
    if kind == "accounts":
        good = all(is_valid_login(i) for i in ids)
    else:
        good = all(type(i) is int and 0 < i < 2**63 for i in ids)
    return (kind, ids) if good else None


def listening_socket():
    """A loopback UDP socket on a free port, for the parent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    return sock


class Receiver(asyncio.DatagramProtocol):
    def __init__(self, announce, kinds):
        self.announce, self.kinds = announce, kinds

    def datagram_received(self, data, addr):
        update = read(data, self.kinds)
        if update is None:
            log.debug("a datagram on the live relay was not an update; dropped")
            return
        self.announce(*update)


async def listen(sock, announce, kinds):
    """On the parent's event loop: announce every update the child relays."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: Receiver(announce, kinds), sock=sock
    )
    return transport
