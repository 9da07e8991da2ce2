"""
Whether a supervisor will deliver what the webhook queues: when none is
beating, the answer to the sender says so and the trader hears it once per
outage, instead of every alert being answered `queued` while its commands wait
to expire.

The supervisors' beats (accounts.models.Supervisor) are read at most once a
second per process: one indexed query a second instead of one per alert on
the hot path, and a supervisor that stops is noticed within
SUPERVISOR_STALE_AFTER plus that second.
"""

import logging
import threading
import time

from django.db import DatabaseError

from accounts.models import Supervisor
from notifications import notify

log = logging.getLogger("mt5bot.signals")

MAX_AGE = 1.0
RUNNING = "running"


class Presence:
    def __init__(self):
        self.lock = threading.Lock()
        self.state = RUNNING
        self.read_at = None  # time.monotonic() of the last read, None: never
        self.outage = False  # told about the current outage already

    def current(self):
        """The supervisors' state, read again when the last read is a second
        old. The alert is committed by now: a failed read keeps the last state
        rather than turn a stored alert's answer into a 500."""
        now = time.monotonic()
        if self.read_at is None or now - self.read_at >= MAX_AGE:
            try:
                state = Supervisor.objects.state()
            except DatabaseError:
                log.exception("could not read the supervisors' beats")
                return self.state
            with self.lock:
                self.state, self.read_at = state, now
        return self.state

    def begins_outage(self, state):
        """True the first time `state` is seen since a supervisor last ran."""
        with self.lock:
            news = state != RUNNING and not self.outage
            self.outage = state != RUNNING
        return news


_presence = Presence()


def tell(reply):
    """Add `"supervisor": state` to an accepted alert's reply when none is
    running, and notify once per outage. The alert stays accepted (2xx): it
    is stored, and delivered if a supervisor starts before it expires."""
    state = _presence.current()
    if _presence.begins_outage(state):
        notify.supervisor_absent(state, reply["signal"])
    if state != RUNNING:
        reply["supervisor"] = state


def forget():
    """Read the beats afresh at the next alert (tests)."""
    global _presence
    _presence = Presence()
