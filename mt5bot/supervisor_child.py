"""
The supervisor as a child process of `manage.py serve`.

`serve` used to run the supervisor's passes on the webhook's own thread: the
file writes, the result polls and their database writes shared the webhook's
thread and its interpreter lock, and a webhook answered in 21 ms at c=1 what
it answers in about 5 without them (docs/performance.md §6, §8). In a process
of its own the supervisor has a core of its own; SQLite's writes of the two
processes take turns on one file lock (mt5bot.sqlite).

The two talk over loopback UDP, on ports `serve` picks when it starts, so two
installs (or test runs) on one machine never hear each other:
- web -> child: "a webhook committed commands" (accounts/bridge/wake.py);
- child -> web: the live-page updates, when the channel layer is the
  in-memory one (history/relay.py); with Redis the layer carries them.

The child is started again when it dies (after a growing pause if it keeps
dying young, mt5bot/workers.py), stopped in order when `serve` stops (its
terminals first), and stops itself if `serve` dies without asking it to.
"""

import asyncio
import logging
import socket
import threading
from functools import partial

from accounts.bridge import wake
from history import live, relay
from mt5bot import workers

log = logging.getLogger("mt5bot.server")

# Seconds: the time the supervisor has to stop its terminals in order.
STOP_TIMEOUT = 60


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChildSupervisor:
    def __init__(self, cwd):
        self.cwd = cwd
        self.wake_port = free_udp_port()
        self.relay_socket = relay.listening_socket()
        self.child = None
        self.stopping = threading.Event()
        self.minder = None
        self.listening = None

    def arguments(self):
        return [
            "--wake-port",
            str(self.wake_port),
            "--live-relay",
            str(self.relay_socket.getsockname()[1]),
        ]

    def start(self):
        """On daphne's event loop, once it listens."""
        self.listening = asyncio.ensure_future(
            relay.listen(self.relay_socket, live.sender.add, live.KINDS)
        )
        wake.aim(self.wake_port)
        launch = partial(workers.start_supervisor, self.cwd, self.arguments())
        self.child = workers.Child("supervisor", launch)
        self.minder = threading.Thread(
            target=self.mind, name="mt5bot-supervisor-child", daemon=True
        )
        self.minder.start()

    def mind(self):
        while not self.stopping.wait(0.2):
            try:
                self.child.keep_alive()
            except OSError:
                log.exception("the supervisor could not be started again")

    def stop(self):
        """After the server stopped: the supervisor stops its terminals in
        order, then exits (blocking, up to STOP_TIMEOUT)."""
        self.stopping.set()
        if self.minder is not None:
            self.minder.join()
        wake.aim(None)
        if self.child is not None and self.child.process is not None:
            workers.stop_children([self.child.process], timeout=STOP_TIMEOUT)
        self.relay_socket.close()
