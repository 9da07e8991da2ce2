"""How the paper terminal waits between passes: asleep until a file comes
or work falls due, instead of a pass every 20 ms (issue 15).

Polling every 20 ms cost an idle terminal about 1 % of a core, so fifty took
half a core doing nothing. Now a watchdog observer (inotify on Linux,
ReadDirectoryChangesW on Windows) wakes the loop when a file is renamed onto
a command's name or the symbols request's: every writer writes a temporary
file and renames it (PROTOCOL.md 2), so that rename is the news. Without
news the loop sleeps until the soonest of what falls due on its own
(`next_pass_in`):

- the heartbeat, and with it the book (PROTOCOL.md 5.1); after a trade the
  book once its gap since the last write has passed;
- the market's next step, only while a price move can act by itself: a
  pending order to activate or expire, a position with a SL or TP. Otherwise
  the walk catches up at the start of the next pass (Terminal.tick runs
  before the commands are read), so a command after a quiet spell still
  trades at the price of its moment;
- the next turn of a fault profile's disconnect window: commands wait as
  files while the terminal is offline, and no file event says it is back;
- the short poll, after a step failed or a command file could not be
  claimed yet (held by its writer or an antivirus);
- the idle poll, `IDLE_POLL`, in case an event was lost or a file came
  without a rename.

What an idle terminal costs is mostly how often it wakes, so the idle poll
matches the heartbeat's interval (one wake per heartbeat), and the observer
listens to renames only: the terminal's own writes then stir its threads
once per file, not three times. When no observer can start (on Linux,
fs.inotify.max_user_instances caps inotify instances per user, 128 by
default) the terminal polls as it used to, and says so in its log.

The loop sleeps in select() on one end of a socket pair, not on a
threading.Event: the observer's thread writes a byte to the other end, and
so does Python when a signal arrives (signal.set_wakeup_fd), so SIGTERM or
Ctrl-Break ends the wait at once, on Windows too. An Event cannot be set
from a signal handler safely: its lock may be held by the very code the
signal interrupted.
"""

import contextlib
import logging
import os
import select
import signal
import socket
import sys

from watchdog.events import FileMovedEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ea import protocol
from ea.paper.market import STEP_SECONDS

log = logging.getLogger("ea.paper")

# Seconds between passes while nothing happens: the longest a lost event
# delays a command. As the heartbeat's default interval, so an idle terminal
# wakes once per heartbeat; `python -m ea.paper --idle-poll` changes it.
IDLE_POLL = 2.0
# A due time is waited for this much longer, so the pass it wakes finds the
# work due rather than a hair early (and then waits again for nothing).
LATE = 0.001
EVENTS = [FileMovedEvent]  # renames only: see the module's docstring


# --- when the next pass is due (pure) ---------------------------------------------


def soonest(*seconds):
    """The smallest of the waits given (None: nothing due that way), never
    below zero: a due time already past means a pass now."""
    return max(0.0, min(s for s in seconds if s is not None))


def prices_matter(broker):
    """True when a price move can change the account by itself: a pending
    order (activation, expiry) or a position with a SL or TP (orders.py)."""
    return bool(broker.orders) or any(
        p.get("sl") is not None or p.get("tp") is not None for p in broker.positions
    )


def market_step_in(market, now):
    """Seconds from `now` (the broker's clock) to the market's next step."""
    return market.time + STEP_SECONDS - now + LATE


def connection_change_in(broker, now):
    """Seconds to the next turn of the broker's connection, or None."""
    change = broker.faults.next_change(now) if broker.faults is not None else None
    return None if change is None else change + LATE


def next_pass_in(terminal, idle_poll=IDLE_POLL):
    """Seconds until the terminal's next pass is due, read from its state."""
    broker, now = terminal.broker, terminal.clock()
    return soonest(
        idle_poll,
        terminal.heartbeat_due - terminal.monotonic(),
        terminal.book_next() - terminal.monotonic(),
        terminal.poll if terminal.retry_soon else None,
        market_step_in(broker.market, now) if prices_matter(broker) else None,
        connection_change_in(broker, now),
    )


def renames_at_once():
    """Have watchdog pass a rename on at once, in this whole process.

    inotify reports a rename as two events, and watchdog holds the first
    (IN_MOVED_FROM) up to half a second to pair it with the second. When
    its thread takes the first before the second has come, the command the
    rename delivered waits out that half second. The terminal needs only the
    new name, paired or not (`new_observer` reports an unpaired one as a
    move too), so its process drops the hold. Process-wide: only
    `python -m ea.paper` calls it."""
    try:
        from watchdog.observers import inotify_move_event_grouper as grouper
    except ImportError:  # another watchdog: a rename may then wait
        return
    grouper.InotifyMoveEventGrouper.delay = 0.0


def new_observer():
    """The platform's observer. On Linux one that reports a rename whose
    other half it did not pair as a move with an empty side, not as a
    creation the renames-only filter would drop."""
    if sys.platform.startswith("linux"):
        from watchdog.observers.inotify import InotifyObserver

        return InotifyObserver(generate_full_events=True)
    return Observer()


def wakes(path):
    """Whether a file renamed onto `path` is news for the loop: a command or
    a symbols request. The terminal's own writes (heartbeat, results, state)
    and its claims (a command renamed to in-progress) are not, or each would
    cost a pass."""
    name = os.path.basename(os.fsdecode(path)) if path else ""
    return name.startswith(protocol.COMMAND_PREFIX) or name == protocol.SYMBOLS_REQUEST


# --- the wait ---------------------------------------------------------------------


class Ringer(FileSystemEventHandler):
    """Runs on the observer's thread: rings the bell for news."""

    def __init__(self, ring):
        self.ring = ring

    def on_moved(self, event):
        if wakes(event.dest_path):
            self.ring()


class Waiter:
    """The terminal's sleep between passes; `close` it when the loop ends."""

    def __init__(self, folder, poll):
        self.poll = poll  # the short poll: without events, and for retries
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        self.previous_wakeup = self._catch_signals()
        self.observer = self._observe(folder)
        self.warned = self.observer is None

    def _catch_signals(self):
        """Have a signal write to the bell; None where Python does not allow
        it (outside the main thread: a test's terminal in a thread)."""
        try:
            return signal.set_wakeup_fd(self.writer.fileno(), warn_on_full_buffer=False)
        except ValueError:
            return None

    def _observe(self, folder):
        observer = None
        try:
            observer = new_observer()
            observer.schedule(Ringer(self.ring), str(folder), event_filter=EVENTS)
            observer.start()
        except Exception as exc:  # OSError: the inotify limits; anything else too
            log.warning(
                "no file events for %s (%s): polling every %g s instead",
                folder, exc, self.poll,
            )  # fmt: skip
            if observer is not None:
                _stop_quietly(observer)
            return None
        log.debug("waiting on file events in %s", folder)
        return observer

    @property
    def watching(self):
        """True while the observer runs; the first time it is found dead,
        the terminal goes back to the short poll and says so."""
        if self.observer is not None and self.observer.is_alive():
            return True
        if not self.warned:
            log.warning("the file observer stopped: polling every %g s", self.poll)
            self.warned = True
        return False

    def ring(self):
        """Wake the loop; from any thread. A full buffer already holds a ring."""
        with contextlib.suppress(OSError):
            self.writer.send(b"\0")

    def wait(self, seconds):
        """Sleep until a ring or `seconds` (at most the short poll without
        an observer); True when rung. The rings are read before the pass, so
        one that comes during it wakes the next wait at once."""
        if not self.watching:
            seconds = min(seconds, self.poll)
        ready, _, _ = select.select([self.reader], [], [], max(0.0, seconds))
        if ready:
            self._drain()
        return bool(ready)

    def _drain(self):
        with contextlib.suppress(OSError):  # BlockingIOError: every ring is read
            while self.reader.recv(4096):
                pass

    def close(self):
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
        if self.previous_wakeup is not None:
            signal.set_wakeup_fd(self.previous_wakeup)
        self.reader.close()
        self.writer.close()


def _stop_quietly(observer):
    """Release what a half-started observer holds (its inotify thread)."""
    try:
        observer.stop()
    except Exception:
        log.debug("the half-started observer did not stop cleanly", exc_info=True)
