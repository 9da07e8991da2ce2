"""
The supervisor's loop: deliver queued Commands, record results, settle the
ones that expired, and keep each account's terminal in the state asked for.

`manage.py supervise` runs it in its own process (`run`); `manage.py serve`
runs the same passes inside the server, on the webhook's thread (see
`mt5bot/embedded.py`). Each pass drains one kind of work at a time, and one
bad unit never stops the loop.
"""

import logging
import os
import select
import time
from functools import partial

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from accounts.bridge import delivery, wake
from accounts.bridge.keeper import TerminalKeeper
from accounts.bridge.watch import FolderWatch
from accounts.models import Account, Supervisor, Transport, files_dir
from ea.protocol import ProtocolError
from history.models import Command
from mapping.seedfile import SeedFile
from notifications import notify

log = logging.getLogger("mt5bot.supervisor")

BATCH = 50


class Worker:
    def __init__(self, host="", manage_terminals=True, poll=None, wake_port=None):
        self.host = host
        # Where the web process wakes us: SUPERVISOR_WAKE_PORT, or the port
        # `serve` chose for the supervisor it runs as its child.
        self.wake_port = (
            settings.SUPERVISOR_WAKE_PORT if wake_port is None else wake_port
        )
        self.poll = settings.SUPERVISOR_POLL if poll is None else poll
        self.keeper = TerminalKeeper(host) if manage_terminals else None
        self.shutdown = False
        self.record = None
        self.wake_socket = None
        self.logins = []  # this host's accounts on the file transport
        self.all_logins = []  # all of this host's accounts
        self.due = {}
        # Result files noticed as they appear (accounts/bridge/watch.py);
        # `on_news`, when set, wakes a loop that is not ours (embedded.py).
        self.watch = FolderWatch(self.news)
        self.on_news = None
        # data/custom_mappings.json lives on the server's machine, whose
        # supervisor is the one without a host.
        self.seed_file = None if host else SeedFile()

    # Life cycle -----------------------------------------------------------

    def start(self):
        """Register, then reconcile what a crash may have left half-done."""
        Supervisor.objects.filter(stopped_at=None, pid=os.getpid()).update(
            stopped_at=timezone.now()
        )
        self.record = Supervisor.objects.create(host=self.host, pid=os.getpid())
        self.watch.start()
        self.refresh_accounts()
        finished = delivery.reconcile_claimed(self.all_logins)
        if finished:
            log.warning("finished %s deliveries interrupted by a crash", finished)
        swept = delivery.sweep_temporary(self.logins)
        if swept:
            log.warning("removed %s temporary files left by a crash", swept)
        # Results written while nobody was recording go in before anything
        # can expire: the first pass delivers (and expires) before it ingests.
        self.guard("ingest", self.ingest_all)
        if self.keeper:
            self.keeper.adopt()
        log.info("supervisor %s started for %s accounts", os.getpid(), len(self.logins))
        notify.startup(self.host, len(self.logins))

    def stop(self):
        """Stop terminals in order, then mark this run stopped."""
        if self.keeper:
            self.keeper.stop_all()
        self.watch.stop()
        if self.record:
            self.record.stopped_at = timezone.now()
            self.record.save(update_fields=["stopped_at"])
        if self.wake_socket:
            self.wake_socket.close()
        log.info("supervisor %s stopped", os.getpid())

    def run(self, once=False):
        """The loop of `manage.py supervise`; returns when asked to stop."""
        self.wake_socket = wake.listener(self.wake_port)
        self.start()
        try:
            woken = True
            while not self.shutdown:
                self.run_pass(woken=woken, force=once)
                if once:
                    break
                woken = self.wait()
        finally:
            self.stop()

    def pause(self):
        """Seconds the loop sleeps when nothing wakes it: the result poll's
        interval, or with file-system events the database poll's."""
        if self.watch.active:
            return max(self.poll, settings.SUPERVISOR_DB_POLL)
        return self.poll

    def news(self):
        """A result file appeared (on the observer's thread): wake the loop."""
        if self.on_news is not None:
            self.on_news()
        elif self.wake_socket is not None:
            wake.poke(self.wake_socket)
        else:
            wake.event.set()

    def wait(self):
        """Sleep until woken or for one pause; True if woken."""
        if self.wake_socket is None:
            woken = wake.event.wait(self.pause())
            wake.event.clear()
            return woken
        ready, _, _ = select.select([self.wake_socket], [], [], self.pause())
        if ready:
            drain(self.wake_socket)
        return bool(ready)

    # One pass -------------------------------------------------------------

    def run_pass(self, woken=False, force=False):
        """Do every kind of work that is due; True if anything was done.

        Queued commands are looked up when the web process wakes us and on a
        slower database poll (the fallback); result files on every pass.
        """
        if not connection.in_atomic_block:  # a test's transaction, say
            close_old_connections()
        worked = False
        pending = Pending()
        if force or self.every("accounts", 1.0):
            self.guard("accounts", self.refresh_accounts)
            if self.seed_file:
                self.guard("mappings file", self.seed_file.check)
        polled = self.every("deliver", settings.SUPERVISOR_DB_POLL)
        if woken or force or (polled and pending.queued()):
            worked |= self.drain(self.deliver_batch)
        listing = force or self.every("ingest", self.listing_every())
        worked |= self.drain(self.ingest_all if listing else self.ingest_news)
        if force or self.every("settle", 0.5):
            if force or pending.delivered():
                settle = partial(delivery.settle_unanswered, self.all_logins)
                worked |= bool(self.guard("settle", settle))
            if force or pending.queued():
                self.guard("expire", self.expire_queued)
        if self.keeper:
            check = self.keeper.check if force else self.keeper.check_some
            self.guard("terminals", check)
        if force or self.every("beat", 2.0):
            self.beat()
        return worked

    def drain(self, step, budget=0.2):
        """Repeat `step` while it finds work, for at most `budget` seconds:
        under a flood of alerts the other steps (terminals, expiry) still get
        their turn, and a unit that keeps failing cannot hold the loop."""
        worked = False
        until = time.monotonic() + budget
        while not self.shutdown and time.monotonic() < until:
            if not self.guard(step.__name__, step):
                break
            worked = True
        return worked

    def guard(self, name, step):
        try:
            return step()
        except Exception:
            log.exception("supervisor step %s failed; going on", name)
            return False

    def every(self, name, seconds):
        now = time.monotonic()
        if now < self.due.get(name, 0):
            return False
        self.due[name] = now + seconds
        return True

    # Steps ----------------------------------------------------------------

    def deliver_batch(self):
        """Deliver up to BATCH queued commands; True if a full batch was seen."""
        commands = list(
            Command.objects.queued().filter(account_login__in=self.logins)[:BATCH]
        )
        delivery.deliver_many(commands)
        return len(commands) == BATCH

    def ingest_all(self):
        """Record the result files of every account; True if any was found."""
        self.watch.take()  # this look covers them
        return bool(delivery.ingest_many(self.logins))

    def listing_every(self):
        """Seconds between looks at every account's folder: a fallback when
        file-system events tell us which folders have news."""
        if self.watch.active:
            return settings.SUPERVISOR_POLL_FALLBACK
        return self.poll

    def ingest_news(self):
        """Record the results of the accounts whose folders have news (and of
        those whose folders are not watched); True if any was found."""
        news = self.watch.take()
        logins = [
            login
            for login in self.logins
            if login in news or not self.watch.watching(login)
        ]
        return bool(logins) and bool(delivery.ingest_many(logins))

    def expire_queued(self):
        now = timezone.now()
        due = Command.objects.queued().filter(expires_at__lte=now)
        for command in due.filter(account_login__in=self.logins)[:BATCH]:
            delivery.expire_queued(command, now)

    def refresh_accounts(self):
        """This host's accounts (`--host`; another host's supervisor minds
        the rest), and of those, the ones whose commands travel as files
        (the others fetch theirs over HTTP, see accounts/bridge/ea_api.py)."""
        accounts = Account.objects.filter(host=self.host).order_by()
        rows = list(accounts.values_list("login", "transport"))
        self.all_logins = [login for login, _ in rows]
        self.logins = [login for login, way in rows if way == Transport.FILE]
        self.watch.follow(self.folders())

    def folders(self):
        found = {}
        for login in self.logins:
            try:
                found[login] = files_dir(login)
            except ProtocolError:
                continue  # refused by the install checks; never watched
        return found

    def beat(self):
        if self.record:
            self.record.beat_at = timezone.now()
            self.record.save(update_fields=["beat_at"])


class Pending:
    """Whether any command waits to be delivered or answered, asked of the
    database once a pass at most, and only when a step wants to know: the
    loop of an idle supervisor then costs a statement where it cost three
    queries (bench/serve_idle.py). A failed ask says yes, so the steps run
    and report their own errors."""

    def __init__(self):
        self.answer = None

    def ask(self):
        if self.answer is None:
            try:
                self.answer = Command.objects.pending()
            except Exception:
                log.exception("cannot tell whether commands are pending")
                self.answer = (True, True)
        return self.answer

    def queued(self):
        return self.ask()[0]

    def delivered(self):
        return self.ask()[1]


def drain(sock):
    try:
        while sock.recv(64):
            pass
    except (BlockingIOError, OSError):
        pass
