"""
The sender: threads in this process that do the notifications' slow work, so
the webhook and the supervisor only ever put an event on a queue.

One dispatcher thread takes events, throttles them (`throttle.Throttle`) and
hands each message to every channel; each channel has a thread of its own, so
a mail server that never answers delays neither the Telegram message nor the
next alert. Each send is recorded as a `Notification` row before the channel
is called and finished after.

Why memory and not an outbox table: a row per event would put a write on the
webhook's hot path (on SQLite, a turn at the one write lock) and a thousand
rows into the database during a flood that ends in two messages. The truth is
already durable (Signals, Commands, accounts' status); a notification still
queued when the process dies is a lost hint, and every one sent or failed is
recorded. Several processes (`serve --workers N`, a separate `supervise`)
agree on who sends an alert first through the cache (Redis, which several
web processes need anyway): one first message per alert and window in all;
each process then sums up its own repeats.
"""

import hashlib
import logging
import os
import queue
import threading
import time
from math import ceil

from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, connections

from mt5bot.logs import redact
from notifications.models import Notification
from notifications.throttle import Throttle

log = logging.getLogger("mt5bot.notify")

STOP = object()
# Messages waiting per channel: only distinct alerts get this far (the
# throttle sends one per key and window), so a full queue means a channel
# stuck on its timeout under many different alerts; the excess is dropped.
CHANNEL_BACKLOG = 1000


class ChannelSender:
    def __init__(self, channel):
        self.channel = channel
        self.queue = queue.Queue(maxsize=CHANNEL_BACKLOG)
        self.thread = threading.Thread(
            target=self.run, name=f"notify {channel.label}", daemon=True
        )

    def offer(self, message):
        try:
            self.queue.put_nowait(message)
        except queue.Full:
            log.warning(
                "%s is behind; dropped: %s", self.channel.label, message.subject
            )

    def run(self):
        while (message := self.queue.get()) is not STOP:
            try:
                self.deliver(message)
            except Exception:
                log.exception("notification to %s failed", self.channel.label)
            finally:
                close_old_connections()
        # A connection outlives its thread otherwise, and keeps PostgreSQL
        # from dropping the database (tests) or holds a server slot.
        connections.close_all()

    def deliver(self, message):
        """Record, send, record the outcome. A database that cannot record
        does not stop the send: the trader hearing about it matters more."""
        record = self.record(message)
        try:
            self.channel.send(message.subject, message.body)
            error = ""
        except Exception as exc:
            error = redact(f"{type(exc).__name__}: {exc}")[:2000] or "failed"
            log.warning(
                "%s notification to %s failed: %s",
                message.kind,
                self.channel.label,
                error,
            )
        if record is not None:
            record.finish(error)

    def record(self, message):
        try:
            return Notification.objects.create(
                kind=message.kind,
                key=message.key[:100],
                channel=self.channel.label[:200],
                subject=message.subject[:200],
                body=message.body,
                repeats=message.repeats,
            )
        except DatabaseError:
            log.exception("could not record a notification; sending it anyway")
            return None


class Outbox:
    def __init__(self, channels, window):
        self.pid = os.getpid()
        self.events = queue.SimpleQueue()
        self.throttle = Throttle(window)
        self.senders = [ChannelSender(channel) for channel in channels]
        self.thread = threading.Thread(target=self.run, name="notify", daemon=True)

    def start(self):
        for sender in self.senders:
            sender.thread.start()
        self.thread.start()

    def put(self, event):
        self.events.put(event)

    def run(self):
        """Take events until STOP, waking when a throttle window ends."""
        while True:
            due = self.throttle.next_due()
            wait = None if due is None else max(0.0, due - time.monotonic())
            try:
                event = self.events.get(timeout=wait)
            except queue.Empty:
                event = None
            if event is STOP:
                break
            try:
                self.step(event)
            except Exception:  # one bad event never stops the notifications
                log.exception("could not dispatch a notification")
        self.dispatch(self.throttle.due(float("inf")))
        for sender in self.senders:
            sender.queue.put(STOP)  # waits its turn behind what is queued

    def step(self, event):
        # Windows that ended first: their summaries precede a new alert.
        self.dispatch(self.throttle.due(time.monotonic()))
        if event is None:
            return
        message = self.throttle.admit(event, event.at)
        if message is not None and not first_anywhere(event, self.throttle.window):
            self.throttle.hold(event)
            message = None
        self.dispatch([message])

    def dispatch(self, messages):
        for message in messages:
            if message is None:
                continue
            for sender in self.senders:
                sender.offer(message)

    def close(self, timeout):
        """Send the held-back summaries, then wait up to `timeout` seconds for
        the channels to finish what is queued."""
        self.events.put(STOP)
        deadline = time.monotonic() + timeout
        for thread in [self.thread, *(s.thread for s in self.senders)]:
            thread.join(max(0.0, deadline - time.monotonic()))


def first_anywhere(event, window):
    """True unless another process sent this alert within the window (a key
    in the shared cache, set by whoever sends first)."""
    digest = hashlib.sha256(f"{event.kind}\0{event.key}".encode()).hexdigest()
    try:
        return cache.add(f"mt5bot:notify:{digest}", 1, timeout=max(1, ceil(window)))
    except Exception:  # no cache: send rather than stay silent
        log.warning("cannot check other processes' notifications", exc_info=True)
        return True


_outbox = None
_lock = threading.Lock()


def current(build):
    """This process's outbox, started by `build()` on first use. A child
    forked from a process that had one gets its own: threads do not fork."""
    global _outbox
    outbox = _outbox
    if outbox is not None and outbox.pid == os.getpid():
        return outbox
    with _lock:
        if _outbox is None or _outbox.pid != os.getpid():
            _outbox = build()
            _outbox.start()
        return _outbox


def shutdown(timeout=5.0):
    """Stop this process's outbox (at exit, and between tests)."""
    global _outbox
    with _lock:
        outbox, _outbox = _outbox, None
    if outbox is not None and outbox.pid == os.getpid():
        outbox.close(timeout)
