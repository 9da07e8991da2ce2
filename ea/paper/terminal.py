"""The paper terminal's loop: PROTOCOL.md sections 3 to 5 over a folder.

Each pass moves the prices (activating pending orders and SL/TP), drains every
command file in name order, answers a symbols request, and writes the
heartbeat when it is due. Between passes it sleeps until a file event or the
next work that is due (waiting.py). SIGTERM/SIGINT (SIGBREAK on Windows) set a
flag the loop checks between commands, so the command in hand is always
finished.
"""

import logging
import math
import os
import signal
import time
from pathlib import Path

from ea import protocol
from ea.paper import book, commands, publishing, trading, waiting
from ea.paper.limits import NO_LIMITS
from ea.paper.patience import Patience

log = logging.getLogger("ea.paper")

BAD_PREFIX = "webhook_bad_"
READ_ATTEMPTS = 5


class Terminal:
    def __init__(self, folder, login, broker, store, journal, executed, **options):
        self.folder = Path(folder)
        self.login = protocol.check_login(login)
        self.broker = broker
        self.market = broker.market
        self.store = store
        self.journal = journal
        self.executed = executed
        self.clock = options.get("clock", time.time)
        self.monotonic = options.get("monotonic", time.monotonic)
        self.poll = options.get("poll", 0.02)
        self.idle_poll = options.get("idle_poll", waiting.IDLE_POLL)
        self.sleep = options.get("sleep", time.sleep)
        # Retries and bounded waits (patience.py) sleep through this.
        self.patience = Patience(self._sleep_beating)
        self.heartbeat_every = options.get("heartbeat", 2.0)
        self.server = options.get("server", "Paper-Server")
        self.limits = options.get("limits", NO_LIMITS)
        self.shutdown = False
        self.was_connected = True  # as last logged
        # The journal lines of the last command, kept in every state saved
        # until the next command (see state.py).
        self.journal_tail = []
        self.heartbeat_seq = self._last_heartbeat_seq()
        self.heartbeat_due = 0.0
        # The book (PROTOCOL.md 5.1): the last one written, when, and when it
        # is next looked at (with the heartbeat, or after a trade).
        self.book_written, self.book_at, self.book_due = None, -math.inf, 0.0
        # Set by a pass that left work for the next one (a failed step, a
        # file not claimed yet): that pass comes after the short poll.
        self.retry_soon = False

    # --- life cycle -----------------------------------------------------------

    def run(self, once=False):
        self._install_signals()
        self.start()
        waiter = None
        try:
            if not once:
                # Watching starts before the first pass: a file that comes
                # before it is drained by it, one that comes after rings.
                waiter = waiting.Waiter(self.folder, self.poll)
            while not self.shutdown:
                self.run_pass()
                if once:
                    break
                waiter.wait(waiting.next_pass_in(self, self.idle_poll))
        finally:
            if waiter is not None:
                waiter.close()
            self.stop()

    def stop(self):
        """A last heartbeat that says `stopped` (PROTOCOL.md 5): the server
        shows the account down at once, not when the heartbeat goes stale.
        Also on a second signal's forced exit: stopped is still the truth."""
        try:
            self.write_book()
            self.write_heartbeat(state=protocol.STOPPED)
        except OSError:
            log.exception("the last book or heartbeat was not written")
        log.info("paper terminal %s stopped", self.login)

    def start(self):
        """Reconcile what a crash left, then announce ourselves."""
        self.reconcile()
        self.write_symbols()
        self.write_heartbeat()
        self.book_when_due()

    def run_pass(self):
        """One pass; a step that fails (a disk error, a held file) is logged
        and tried again on the next pass, never the end of the loop."""
        self.retry_soon = False
        for step in (self.tick, self.drain_commands, self.answer_symbols_request,
                     self.heartbeat_when_due, self.book_when_due):  # fmt: skip
            try:
                step()
            except Exception:
                log.exception("%s failed; trying again next pass", step.__name__)
                self.retry_soon = True

    def _sleep_beating(self, seconds):
        """A wait inside a command (a retry's pause, a disconnect) keeps the
        heartbeat going: a wait up to `expires_at` can outlast the server's
        three intervals, and it must see a terminal that waits, not one gone."""
        self.sleep(seconds)
        try:
            self.heartbeat_when_due()
        except OSError:
            log.exception("heartbeat during a wait failed; trying again")

    def heartbeat_when_due(self):
        if self.monotonic() >= self.heartbeat_due:
            self.write_heartbeat()

    def _install_signals(self):
        for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
            number = getattr(signal, name, None)
            if number is not None:
                signal.signal(number, self._on_signal)

    def _on_signal(self, number, frame):
        if self.shutdown:
            raise SystemExit(1)  # a second signal: stop now, mid-command or not
        log.info("signal %s: finishing the command in hand, then stopping", number)
        self.shutdown = True

    # --- start-up -------------------------------------------------------------

    def reconcile(self):
        """PROTOCOL.md section 3: an in-progress file left by a crash may or
        may not have reached the broker, so it gets `unknown` and is never
        sent again: its id is remembered first, so a copy the server writes
        again is dropped (step 4) instead of executed behind an `unknown`.
        If its result was written before the crash, that stands."""
        for name in protocol.listing(self.folder, protocol.IN_PROGRESS_PREFIX):
            rest = name.removeprefix(protocol.IN_PROGRESS_PREFIX)
            path = self.folder / name
            if (self.folder / (protocol.RESULT_PREFIX + rest)).exists():
                path.unlink()
                continue
            command_id = self._id_of(path)
            if command_id is None:
                self._move_aside(path, rest, "unreadable in-progress file")
                continue
            log.warning("%s was in progress at the last stop: unknown", name)
            if command_id not in self.executed:
                self.executed.add(command_id)
            self._finish(
                protocol.COMMAND_PREFIX + rest,
                path,
                {
                    "id": command_id,
                    "status": "unknown",
                    "message": "terminal restarted while executing; not sent again",
                },
            )

    def _id_of(self, path):
        try:
            return commands.parse(path.read_bytes())["id"]
        except commands.Malformed as exc:
            return exc.command_id

    def _last_heartbeat_seq(self):
        """Carry `seq` on across restarts, so it only ever increases."""
        try:
            return int(protocol.read_flat(self.folder / protocol.HEARTBEAT)["seq"])
        except (OSError, TypeError, KeyError, ValueError):
            return 0

    # --- each pass ------------------------------------------------------------

    def tick(self):
        if not self.market.advance(self.clock()):
            return
        events = self.broker.check_triggers()
        for event in events:
            log.info("%s", event)
        if events:
            self.store.save(self.login, self.broker, self.market, self.journal_tail)
            self.book_soon()

    def drain_commands(self):
        """Every command file, in name order, until none is left; a file that
        cannot be claimed yet waits for the next pass. While the terminal is
        disconnected none is claimed (PROTOCOL.md §4): each waits as a file,
        which the server can still withdraw, instead of being used up."""
        while not self.shutdown:
            if not self._connected():
                return
            claimed = 0
            for name in protocol.listing(self.folder, protocol.COMMAND_PREFIX):
                if self.shutdown:
                    break
                claimed += self.process(name)
            if not claimed:
                return

    def _connected(self):
        connected = self.broker.connected()
        if connected != self.was_connected:
            state = "connected to" if connected else "not connected to"
            log.info("%s the trade server: commands %s", state,
                     "run" if connected else "wait")  # fmt: skip
        self.was_connected = connected
        return connected

    def process(self, name):
        """Steps 1-7 of PROTOCOL.md section 3 for one command file; True when
        the file was claimed. One bad command never stops the loop."""
        path = self.folder / protocol.in_progress_name(name)
        try:
            os.replace(self.folder / name, path)
        except OSError:  # held by the writer or an antivirus: next pass
            self.retry_soon = True
            return False
        try:
            self.handle(name, path)
        except Exception:
            log.exception("%s failed", name)
            self._give_up(name, path)
        return True

    def handle(self, name, path):
        raw = self._read(name, path)
        if raw is None:
            return
        try:
            command = commands.parse(raw)
        except commands.Malformed as exc:
            if exc.command_id is None:
                self._move_aside(
                    path, name.removeprefix(protocol.COMMAND_PREFIX), exc.message
                )
                return
            log.warning("%s: %s", name, exc.message)
            self._finish(
                name,
                path,
                {"id": exc.command_id, "status": "rejected", "message": exc.message},
            )
            return
        self.handle_command(name, path, command)

    def handle_command(self, name, path, command):
        command_id = command["id"]
        if command["account"] != self.login:
            self._finish(
                name,
                path,
                {"id": command_id, "status": "rejected", "message": "wrong account"},
            )
        elif command_id in self.executed:
            log.warning(
                "%s: id %s was executed before; no second result", name, command_id
            )
            path.unlink()
        elif self.clock() >= command["expires_at"]:
            message = f"expired at {command['expires_at']}, not sent"
            self._finish(
                name, path, {"id": command_id, "status": "expired", "message": message}
            )
        else:
            self.executed.add(command_id)
            fields, sent = trading.execute(
                command, self.broker, self.patience, self.limits
            )
            self._record(command, sent)
            log.info(
                "%s %s %s: %s",
                command["action"],
                command["symbol"],
                fields["status"],
                fields["message"],
            )
            self._finish(name, path, {"id": command_id, **fields})

    def _read(self, name, path):
        """The in-progress file's bytes. If it cannot be opened (Windows: an
        antivirus holds it) it goes back to its command name for the next
        pass: nothing was sent, so that is safe."""
        for attempt in range(READ_ATTEMPTS):
            try:
                with open(path, "rb") as handle:
                    return handle.read(protocol.MAX_FILE_BYTES + 1)
            except OSError:
                time.sleep(0.02 * (attempt + 1))
        log.warning("%s: cannot read it yet; trying again next pass", name)
        self.retry_soon = True
        try:
            os.replace(path, self.folder / name)
        except OSError:
            log.exception("%s: stays in progress; it will end as unknown", name)
        return None

    def _record(self, command, sent):
        """State first, journal second (see state.py); both before the result."""
        if not sent:
            return
        lines = self.journal.lines_for(command, sent, round(self.clock(), 3))
        self.store.save(self.login, self.broker, self.market, lines)
        self.journal_tail = lines
        self.journal.append(lines)
        self.book_soon()

    def _finish(self, name, path, fields):
        base = {"protocol": protocol.VERSION, "account": self.login, "retcode": 0}
        base.update(ticket=None, price=None, volume=None, message="")
        merged = {**base, **fields, "time": round(self.clock(), 3)}
        # The protocol's fields first, in its order; optional ones after.
        result = {key: merged[key] for key in protocol.RESULT_FIELDS}
        result.update((k, v) for k, v in merged.items() if k not in result)
        protocol.write_atomic(
            self.folder, protocol.result_name(name), result, fsync=True
        )
        path.unlink()

    def _give_up(self, name, path):
        """After an unexpected error the command may have been sent: say so."""
        command_id = self._id_of(path) if path.exists() else None
        if command_id is None:
            return
        try:
            self._finish(
                name,
                path,
                {
                    "id": command_id,
                    "status": "unknown",
                    "message": "terminal error while executing",
                },
            )
        except OSError:
            log.exception("%s: no result written; it stays in progress", name)

    def _move_aside(self, path, rest, reason):
        target = self.folder / (BAD_PREFIX + rest)
        log.error("%s: %s; moved aside as %s", path.name, reason, target.name)
        os.replace(path, target)

    # --- heartbeat and symbols -------------------------------------------------

    def write_heartbeat(self, state=None):
        self.heartbeat_seq += 1
        protocol.write_atomic(self.folder, protocol.HEARTBEAT, self.heartbeat(state))
        self.heartbeat_due = self.monotonic() + self.heartbeat_every

    def heartbeat(self, state=None):
        return publishing.heartbeat(self, state)

    def book_next(self):
        """When (monotonic) the book is next looked at: never sooner than
        BOOK_GAP after the last write."""
        return max(self.book_due, self.book_at + protocol.BOOK_GAP)

    def book_soon(self):
        """A trade changed the book: look at it as soon as the gap allows."""
        self.book_due = 0.0

    def book_when_due(self):
        if self.monotonic() >= self.book_next():
            self.write_book()
            self.book_due = self.heartbeat_due  # then with the next heartbeat

    def write_book(self):
        """Write the book if it changed since the last one written."""
        data = book.book(self)
        if book.changed(self.book_written, data):
            protocol.write_atomic(self.folder, protocol.BOOK, data)
            self.book_written, self.book_at = data, self.monotonic()

    def write_symbols(self):
        protocol.write_atomic(self.folder, protocol.SYMBOLS, publishing.symbols(self))

    def answer_symbols_request(self):
        request = self.folder / protocol.SYMBOLS_REQUEST
        if request.exists():
            self.write_symbols()
            request.unlink(missing_ok=True)
