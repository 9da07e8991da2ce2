"""
Keeping each account's terminal in the state asked for, and saying honestly
what state it is in.

"Online" means the terminal's own heartbeat is fresh and says it is connected
and allowed to trade, not merely that a process exists. Stopping never blocks
the loop: a terminal asked to stop gets a terminate, and is killed on a later
pass if it has not exited by its deadline.
"""

import logging
import os
import time
from collections import deque
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import ea_build, terminals
from accounts.bridge import symbols as broker_symbols
from accounts.bridge.book import Books
from accounts.models import (
    Account,
    Desired,
    Kind,
    TerminalStatus,
    Transport,
    files_dir,
)
from accounts.validators import fault_profile_problem
from ea import bounds, metaeditor, protocol
from history import live
from notifications import notify

log = logging.getLogger("mt5bot.supervisor")

STOP_TIMEOUT = 10.0
BACKOFF_FIRST, BACKOFF_MAX = 2.0, 60.0
HEARTBEAT_SAVE_EVERY = 10.0
CHECK_EVERY, CHECK_BUDGET = 1.0, 0.002


def terminal_status(
    account, running, heartbeat, heartbeat_age, started_age, ea_installed=None
):
    """(status, reason) from what the supervisor can see. Pure.
    `ea_installed`: False when an MT5 terminal has no MT5Bot.ex5 (see
    `silent_reason`), else None or when it was built."""
    if account.desired == Desired.STOPPED and not running:
        # Asked to stop and gone: say so now, not when the last heartbeat
        # it wrote has gone stale.
        return TerminalStatus.STOPPED, ""
    if heartbeat is not None and heartbeat.get("state") == protocol.STOPPED:
        return stopped_by_heartbeat(account, running, started_age)
    if is_fresh(heartbeat, heartbeat_age):
        problem = heartbeat_problem(account, heartbeat)
        if problem:
            return TerminalStatus.DEGRADED, problem
        return TerminalStatus.ONLINE, ""
    if running:
        if started_age is not None and started_age < settings.TERMINAL_START_GRACE:
            return TerminalStatus.STARTING, "waiting for the first heartbeat"
        return TerminalStatus.DEGRADED, silent_reason(account, heartbeat, ea_installed)
    if account.desired == Desired.STOPPED:
        return TerminalStatus.STOPPED, ""
    return TerminalStatus.OFFLINE, "terminal not running"


def is_fresh(heartbeat, age):
    return heartbeat is not None and age <= settings.HEARTBEAT_STALE_AFTER


def silent_reason(account, heartbeat, ea_installed):
    """Why a terminal that runs gives no heartbeat, as far as the server can
    tell. An MT5 terminal without MT5Bot.ex5 never will; one that never gave
    any is most often not logged in yet (the EA waits for a login) or does
    not run the EA (not on a chart, Algo Trading off)."""
    if ea_installed is False:
        return (
            f"terminal running without the EA: no {metaeditor.PROGRAM} in its "
            "MQL5\\Experts\\mt5bot; compile the EA, then run `manage.py accounts "
            f"install {account.login}` (README.md, Real MT5 on Windows)"
        )
    if account.kind == Kind.MT5 and heartbeat is None:
        return (
            "terminal running but its EA never gave a heartbeat: log in to the "
            "account once in the terminal's window; is the EA on a chart, and "
            "Algo Trading on?"
        )
    return "terminal running but its EA is silent"


def stopped_by_heartbeat(account, running, started_age):
    """The terminal's last heartbeat said it stopped (ea/PROTOCOL.md 5): down
    at once, not when that heartbeat goes stale; a terminal started again
    since is starting until its EA's first heartbeat replaces it."""
    starting = started_age is not None and started_age < settings.TERMINAL_START_GRACE
    if running and starting:
        return TerminalStatus.STARTING, "waiting for the first heartbeat"
    if account.desired == Desired.STOPPED:
        return TerminalStatus.STOPPED, ""
    return TerminalStatus.OFFLINE, "the EA stopped (removed from its chart or closed)"


def heartbeat_problem(account, heartbeat):
    if str(heartbeat.get("login")) != account.login:
        return f"terminal is logged in to {heartbeat.get('login')}, not {account.login}"
    if not heartbeat.get("connected"):
        return "terminal not connected to the trade server"
    if not heartbeat.get("trade_allowed"):
        return "automated trading is not allowed (Algo Trading button or account)"
    return ""


def can_run_here(account):
    if account.kind == Kind.MT5 and os.name != "nt":
        return "MT5 terminals run on Windows only"
    if account.kind == Kind.MT5 and not settings.MT5_MAIN_PATH:
        return "MT5_MAIN_PATH is not set"
    if account.kind == Kind.PAPER:
        # A row written past the model's validation (a bulk update): say so
        # on the account instead of starting a terminal that exits at once.
        problem = fault_profile_problem(account.paper_faults)
        return f"bad fault profile: {problem}" if problem else ""
    return ""


def running(account):
    """The account's recorded terminal if it still runs, else None."""
    ref = terminals.current(account)
    return ref if terminals.find(ref) is not None else None


def posted_heartbeat(account):
    """The heartbeat an EA last posted over HTTP, and its age."""
    if not account.heartbeat_at:
        return None, None
    return account.heartbeat, (timezone.now() - account.heartbeat_at).total_seconds()


class TerminalKeeper:
    def __init__(self, host=""):
        self.host = host  # minds the accounts of this host only
        self.round = deque()  # accounts still to check in this round
        self.next_round = 0.0
        self.stopping = {}  # login -> (ProcessRef, kill at, monotonic)
        self.retry_at = {}  # login -> (monotonic, next delay)
        self.heartbeats = {}  # login -> (mtime, data)
        self.saved_at = {}  # login -> monotonic of the last heartbeat save
        self.symbol_files = {}  # login -> (mtime_ns, size) of the list stored
        self.wants_symbols = broker_symbols.Wants()
        self.books = Books()  # each terminal's webhook_book.json

    def accounts(self):
        return Account.objects.filter(host=self.host)

    def adopt(self):
        """Terminals a previous supervisor started keep running: their
        recorded process identity is all `check` needs to recognise them."""
        for account in self.accounts().exclude(pid=None):
            if running(account) is None:
                log.info("terminal of %s is no longer running", account.login)

    def check(self):
        """Check every account now (at start-up and in `--once`)."""
        for account in self.accounts():
            self.check_one(account)
        return False

    def check_some(self, budget=CHECK_BUDGET):
        """Check accounts in turn for at most `budget` seconds, starting a new
        round at most once per CHECK_EVERY seconds.

        With the supervisor on the webhook's thread, a hundred accounts
        checked in one go would hold alerts back for tens of milliseconds;
        spread over the passes of a second, each pass costs a fraction.
        """
        now = time.monotonic()
        if not self.round and now >= self.next_round:
            self.round = deque(self.accounts())
            self.next_round = now + CHECK_EVERY
        until = now + budget
        while self.round and time.monotonic() < until:
            self.check_one(self.round.popleft())
        return False

    def check_one(self, account):
        self.finish_stopping(account.login)
        ref = running(account)
        if ref is not None and self.should_stop(account, ref):
            self.begin_stop(account.login, ref)
        elif ref is None and account.desired == Desired.RUNNING:
            ref = self.maybe_launch(account)
        self.record(account, ref)
        if account.transport == Transport.FILE:
            self.sync_symbols(account)
            self.books.sync(account)

    def should_stop(self, account, ref):
        if account.desired == Desired.STOPPED:
            return True
        requested = account.restart_requested_at
        return bool(requested and ref.created < requested.timestamp())

    def begin_stop(self, login, ref):
        if login in self.stopping:
            return
        log.info("stopping the terminal of %s (pid %s)", login, ref.pid)
        terminals.terminate(ref)
        self.stopping[login] = (ref, time.monotonic() + STOP_TIMEOUT)

    def finish_stopping(self, login):
        if login not in self.stopping:
            return
        ref, kill_at = self.stopping[login]
        if terminals.find(ref) is None:
            del self.stopping[login]
        elif time.monotonic() >= kill_at:
            log.warning("terminal of %s ignored terminate; killing it", login)
            terminals.kill(ref)

    def maybe_launch(self, account):
        login = account.login
        reason = can_run_here(account)
        if reason or login in self.stopping:
            return None
        at, delay = self.retry_at.get(login, (0.0, BACKOFF_FIRST))
        if time.monotonic() < at:
            return None
        self.retry_at[login] = (time.monotonic() + delay, min(delay * 2, BACKOFF_MAX))
        try:
            ref = terminals.launch(account)
        except Exception:
            log.exception("could not start the terminal of %s", login)
            return None
        log.info("started the terminal of %s (pid %s)", login, ref.pid)
        live.account_changed(login)
        return ref

    def record(self, account, ref):
        if account.transport == Transport.HTTP:
            heartbeat, age = posted_heartbeat(account)
        else:
            heartbeat, age = self.read_heartbeat(account.login)
        started_age = time.time() - ref.created if ref else None
        ea_installed = None
        if account.kind == Kind.MT5 and ref and not is_fresh(heartbeat, age):
            # Looked at only while silent: a stat is not free on this thread.
            ea_installed = ea_build.installed(account, local=True)
        status, reason = terminal_status(
            account, ref is not None, heartbeat, age, started_age, ea_installed
        )
        if status == TerminalStatus.OFFLINE:
            reason = can_run_here(account) or reason
        if status == TerminalStatus.ONLINE:
            self.retry_at.pop(account.login, None)
        changed = (account.status, account.status_reason) != (status, reason)
        if changed and account.status != status:
            notify.account_status(account.login, status, reason)
        if changed:
            detail = f": {reason}" if reason else ""
            log.info("%s is %s%s", account.login, status, detail)
            account.status, account.status_reason = status, reason
            account.status_changed_at = timezone.now()
        if changed and account.transport == Transport.HTTP:
            account.save(update_fields=["status", "status_reason", "status_changed_at"])
            live.account_changed(account.login)
        elif changed or self.heartbeat_due(account.login, heartbeat):
            account.heartbeat = heartbeat
            account.heartbeat_at = (
                timezone.now() - timedelta(seconds=age) if heartbeat else None
            )
            self.saved_at[account.login] = time.monotonic()
            account.save(
                update_fields=[
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "heartbeat",
                    "heartbeat_at",
                ]
            )
            live.account_changed(account.login)

    def heartbeat_due(self, login, heartbeat):
        last = self.saved_at.get(login)
        return heartbeat is not None and (
            last is None or time.monotonic() - last >= HEARTBEAT_SAVE_EVERY
        )

    def read_heartbeat(self, login):
        """(data, age in seconds by the file's mtime) or (None, None)."""
        path = files_dir(login) / protocol.HEARTBEAT
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None, None
        cached = self.heartbeats.get(login)
        if cached is None or cached[0] != mtime:
            try:
                data = protocol.read_flat(path)
                if data is not None:
                    bounds.check_heartbeat(data)
            except OSError:  # being renamed into place: the next pass reads it
                data = cached[1] if cached else None
            except protocol.ProtocolError as exc:
                # Logged once: the same file (same mtime) is not read again.
                log.warning("heartbeat of %s not read: %s", login, exc)
                data = cached[1] if cached else None
            self.heartbeats[login] = (mtime, data)
        return self.heartbeats[login][1], max(0.0, time.time() - mtime)

    def sync_symbols(self, account):
        """Store the terminal's symbol list when its file changes (a stat per
        pass; parsed only then), and ask for one when fetching is on and the
        account has none or wants a fresh one."""
        folder = account.files_dir()
        path = folder / protocol.SYMBOLS
        try:
            stat = path.stat()
        except OSError:
            stat = None
        seen = stat and (stat.st_mtime_ns, stat.st_size)
        if seen and self.symbol_files.get(account.login) != seen:
            # Remembered after storing: a database error retries next pass.
            if broker_symbols.store_file(account, path):
                self.wants_symbols.stored(account)
            self.symbol_files[account.login] = seen
        if settings.SYMBOL_FETCH_ENABLED and self.wants_symbols(account):
            broker_symbols.request(folder)

    def stop_all(self):
        """At shutdown: terminate every terminal we know, wait, kill the rest."""
        refs = [r for a in self.accounts().exclude(pid=None) if (r := running(a))]
        for ref in refs:
            terminals.terminate(ref)
        deadline = time.monotonic() + STOP_TIMEOUT
        for ref in refs:
            if not terminals.wait(ref, max(0.1, deadline - time.monotonic())):
                terminals.kill(ref)
                terminals.wait(ref, terminals.KILL_WAIT)
        stopped = self.accounts().filter(pid__isnull=False)
        logins = list(stopped.values_list("login", flat=True))
        stopped.update(
            status=TerminalStatus.STOPPED,
            status_reason="stopped with the supervisor",
            status_changed_at=timezone.now(),
        )
        live.accounts_changed(logins)
