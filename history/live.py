"""
Live updates for the trader's pages.

After their commit, the intake, the delivery loop, the terminal keeper and the
pages call `signal_changed`, `commands_changed` or `account_changed`. A call
only notes the ids and wakes the sender: the rows are read and sent later, off
the caller's thread, so the webhook and the supervisor never wait on the
channel layer, and nothing here raises into them. Ids that pile up while a
send is under way go out together: one read, one message.

Where the send runs:
- on the event loop of this process's websocket consumers (daphne's) while
  one is connected: the in-memory layer reaches only consumers on that loop;
- else, when the layer crosses processes (channels-redis), on a thread of our
  own: `manage.py supervise` in its own process has no event loop;
- else, in the supervisor that `serve` runs as its child with the in-memory
  layer, as datagrams to the parent, which sends them on (history/relay.py);
- else nobody can be listening (in-memory layer, no consumer in this process)
  and a call costs a check.

With a layer that crosses processes, pages open in other processes are known
by a key in the cache (Redis too), set by every open page before it reads its
snapshot and refreshed while it stays open. Without it nothing is read or sent:
pages nobody has open cost one cache read, not a build and a send. That read
is made on our own thread, after the ids were noted, never by the caller: the
webhook answers without a round trip to Redis for it (docs/performance.md §7),
and a page that marked itself before its snapshot still hears of every
change committed after it.

The database is the truth and a push is a hint: a page that missed one
catches up from its cursor when it reconnects (`history.rows.snapshot`).
"""

import asyncio
import contextvars
import logging
import threading
from contextlib import contextmanager

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.cache import cache

from history import relay
from mt5bot import counters

log = logging.getLogger("mt5bot.live")

GROUP = "live"
EVENT = "live.event"
KINDS = ("signals", "commands", "accounts", "removed")
# Rows per message: a flood of alerts goes out in pieces a page digests.
CHUNK = 50
# Seconds a send waits before it takes the ids noted: the changes of the
# alerts that come meanwhile go in the same read, message and presence check.
# A page sees them this much later; a flood costs one read per pause, not
# one per alert (docs/performance.md §7).
GATHER = 0.05
SNAPSHOT_SIGNALS = 50
# "A page is open somewhere": set by each open page, refreshed every third of
# its lifetime, so it lapses a minute after the last page closed or its
# process died.
PRESENCE_KEY = "mt5bot:live:listening"
PRESENCE_TTL = 60

# Reads the rows for a batch of ids: history/rows.py's `messages`, set when
# the app is ready (history/apps.py). This module knows ids, never pages or
# models, so that everything that moves a row can call it.
build = None


def signal_changed(signal_id):
    """A Signal was stored or changed (its commands come with it)."""
    _notify("signals", [signal_id])


def commands_changed(command_ids):
    """These Commands moved (queued, delivered, a result, expired, ...)."""
    _notify("commands", command_ids)


def account_changed(login):
    """An account, its terminal's status or its heartbeat changed, or it was
    removed (the page then drops its row)."""
    _notify("accounts", [login])


def accounts_changed(logins):
    _notify("accounts", logins)


def signals_removed(signal_ids):
    """These Signals were deleted (history cleared)."""
    _notify("removed", signal_ids)


_recording = None


@contextmanager
def recorded():
    """For tests: collect the updates asked for, as (kind, [ids]), instead of
    sending them.

        with live.recorded() as sent, django_capture_on_commit_callbacks(execute=True):
            receive(body, "application/json", None)
        assert ("signals", [signal.pk]) in sent
    """
    global _recording
    previous, _recording = _recording, []
    try:
        yield _recording
    finally:
        _recording = previous


def _notify(kind, ids):
    try:
        if _recording is not None:
            _recording.append((kind, sorted(ids)))
        elif relay.aimed() and isinstance(get_channel_layer(), InMemoryChannelLayer):
            relay.forward(kind, ids)  # serve's supervisor child: to its parent
        else:
            sender.add(kind, ids)
    except Exception:
        log.exception("live update of %s %s not sent", kind, ids)


class Sender:
    """This process's pending ids, and the loop their send runs on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {kind: set() for kind in KINDS}
        self.busy_on = None  # the loop a send is scheduled or running on
        self.loop = None  # where this process's consumers run
        self.listeners = 0
        self.own = None  # our own loop, for a layer that crosses processes
        self.task = None

    def attach(self, loop):
        """A consumer connected on `loop` (the last one wins: one per process
        in production, one per test in tests)."""
        with self.lock:
            self.loop = loop
            self.listeners += 1

    def detach(self):
        with self.lock:
            self.listeners = max(0, self.listeners - 1)

    def add(self, kind, ids):
        ids = set(ids)
        if not ids:
            return
        with self.lock:
            busy = self.busy_on is not None and self.busy_on.is_running()
            loop = self.busy_on if busy else self.target()
            if loop is None:
                return
            self.pending[kind] |= ids
            if busy:
                return
            self.busy_on = loop
        try:
            # A fresh context: the caller's (the webhook lane's) would send
            # the read of the rows to the lane's own thread.
            loop.call_soon_threadsafe(self.start, context=contextvars.Context())
        except RuntimeError:  # the loop closed in between
            with self.lock:
                self.busy_on = None
            raise

    def target(self):
        loop, layer = self.loop, get_channel_layer()
        if layer is None:
            return None
        running = loop if loop is not None and loop.is_running() else None
        if isinstance(layer, InMemoryChannelLayer):
            return running if self.listeners else None
        if running is not None and self.listeners:
            return running  # a page is open in this process
        # Whether one is open elsewhere is asked there (flush), off the
        # caller's thread.
        return self.own_loop()

    def own_loop(self):
        if self.own is None or self.own.is_closed():
            self.own = asyncio.new_event_loop()
            threading.Thread(
                target=self.own.run_forever, name="mt5bot-live", daemon=True
            ).start()
        return self.own

    def start(self):
        # Held: the loop keeps only a weak reference to a task.
        self.task = asyncio.ensure_future(self.flush())

    def take(self):
        with self.lock:
            batch = {kind: ids for kind, ids in self.pending.items() if ids}
            self.pending = {kind: set() for kind in KINDS}
            if not batch:
                self.busy_on = None
            return batch

    async def flush(self):
        # Our own loop's thread is not a server's: leave no connection open
        # behind it (a test database must be droppable when the run ends).
        own = close = asyncio.get_running_loop() is self.own
        try:
            while True:
                await asyncio.sleep(GATHER)
                if not (batch := self.take()):
                    break
                if own and not someone_listens():
                    continue  # no page open anywhere: nothing to read or send
                messages = await database_sync_to_async(build)(batch, close)
                layer = get_channel_layer()
                for message in messages:
                    await layer.group_send(GROUP, {"type": EVENT, "data": message})
        except Exception:
            log.exception("live updates not sent")
            with self.lock:
                self.busy_on = None


sender = Sender()


def someone_listens():
    try:
        return counters.is_set(PRESENCE_KEY)
    except Exception:
        # Unsure: send. A failed send costs a log line, a skipped one a page
        # that shows old rows.
        log.warning("cannot tell whether a page is open; sending", exc_info=True)
        return True


async def mark_present():
    """A page is open in this process (its consumer calls this first)."""
    try:
        await cache.aset(PRESENCE_KEY, 1, PRESENCE_TTL)
    except Exception:
        log.warning("cannot mark a live page open", exc_info=True)


async def keep_present():
    """Run while a page stays open: renews the mark until cancelled."""
    while True:
        await asyncio.sleep(PRESENCE_TTL / 3)
        await mark_present()
