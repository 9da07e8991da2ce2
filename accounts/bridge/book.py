"""Each account's book, as its terminal reports it (ea/PROTOCOL.md 5.1):
read from webhook_book.json by the supervisor's keeper, or posted by the
EA over HTTP (accounts/bridge/ea_api.py), checked whole by ea.bounds, and
kept as the account's latest book, with a point of its equity curve once
per step and the realised P&L of its broker's day.

Nothing here raises for a bad book: it is set aside, logged once, and the
last good one stays.
"""

import logging
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.books import AccountBook, DailyPnl, EquityPoint
from ea import bounds, protocol
from history import live

log = logging.getLogger("mt5bot.supervisor")

# A book that differs from the last one stored only in what moves with the
# price (floating profit, equity) is stored at most this often: a terminal
# with open positions writes one every heartbeat. Any other change (a
# position opened, closed or modified, the balance, the day) is stored at once.
SAVE_EVERY = 5.0
FLOATING = ("time", "server_time", "equity", "margin_free", "margin_level", "profit")
FLOATING_ITEM = ("profit", "swap")
MONEY = ("balance", "equity", "margin", "margin_free", "margin_level", "profit",
         "realized")  # fmt: skip
COPIED = ("server_offset", "currency", "positions_total", "orders_total",
          "deals_total", "positions", "orders", "deals")  # fmt: skip


class WrongLogin(protocol.ProtocolError):
    pass


def parse(raw, login):
    """The checked book in `raw`, or raise ProtocolError (WrongLogin for a
    book of another account: a terminal logged in elsewhere)."""
    book = bounds.parse_book(raw)
    if book["login"] != login:
        raise WrongLogin(f"the book is of login {book['login']}", "login")
    return book


def store(account, book, now=None):
    """Keep `book` (checked) as the account's latest, add an equity point
    when a new step began, and set the day's realised P&L; then tell the
    pages, once committed."""
    now = now or timezone.now()
    with transaction.atomic():
        row = AccountBook.objects.filter(account=account).first()
        before = row and (step_of(row.stored_at), daily(row))
        row = row or AccountBook(account=account)
        fill(row, book, now)
        row.save(force_insert=before is None)
        if before is None or before[0] != step_of(now):
            add_point(account, row, now)
        if before is None or before[1] != daily(row):
            DailyPnl.objects.update_or_create(
                account=account,
                day=row.day,
                defaults={"realized": row.realized, "deals": row.deals_total,
                          "updated_at": now},
            )  # fmt: skip
        transaction.on_commit(lambda: live.account_changed(account.login))
    return row


def daily(row):
    return row.day, row.realized, row.deals_total


def fill(row, book, now):
    row.reported_at = datetime.fromtimestamp(book["time"], UTC)
    row.stored_at = now
    row.day = date.fromisoformat(book["day"])
    for name in MONEY:
        setattr(row, name, decimal(book[name]))
    for name in COPIED:
        setattr(row, name, book[name])


def decimal(value):
    # Bounded by ea.bounds (below 10^12), so it fits the column exactly.
    return None if value is None else Decimal(str(value)).quantize(Decimal("1e-10"))


def step_of(moment):
    step = settings.BOOK_SERIES_STEP
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step, UTC)


def add_point(account, row, now):
    """The step's point (a race with another writer keeps the first), and
    the points that have aged out go."""
    EquityPoint.objects.bulk_create(
        [EquityPoint(account=account, at=step_of(now), balance=row.balance,
                     equity=row.equity)],
        ignore_conflicts=True,
    )  # fmt: skip
    oldest = now - timedelta(days=settings.BOOK_SERIES_DAYS)
    EquityPoint.objects.filter(account=account, at__lt=oldest).delete()


def shape(book):
    """What of `book` is not floating: a change here is stored at once."""
    fixed = {k: v for k, v in book.items() if k not in FLOATING}
    fixed["positions"] = [
        {k: v for k, v in p.items() if k not in FLOATING_ITEM}
        for p in book["positions"]
    ]
    return fixed


class Books:
    """The keeper's side: each file-transport account's webhook_book.json,
    looked at with a stat per pass and parsed only when it changed."""

    def __init__(self):
        self.files = {}  # login -> (mtime_ns, size) of the file last read
        self.kept = {}  # login -> (shape, monotonic) of the book last stored
        self.waiting = {}  # login -> (book, shape) held back by SAVE_EVERY
        self.refused = {}  # login -> why its last book was refused, as logged

    def sync(self, account):
        login = account.login
        path = account.files_dir() / protocol.BOOK
        try:
            stat = path.stat()
        except OSError:
            stat = None
        seen = stat and (stat.st_mtime_ns, stat.st_size)
        if seen and self.files.get(login) != seen:
            book = self.read(login, path)
            if book is not False:  # False: not read yet, try next pass
                self.files[login] = seen
            if book:
                self.waiting[login] = (book, shape(book))
        if login in self.waiting and self.due(login):
            self.save(account, *self.waiting.pop(login))

    def read(self, login, path):
        """The checked book; None when refused, False when it could not be
        read just now (being renamed into place)."""
        try:
            raw = protocol.read_regular(path, protocol.BOOK_MAX_BYTES)
            book = None if raw is None else parse(raw, login)
        except protocol.ProtocolError as exc:
            # Once per reason, not per file: a terminal logged in to another
            # account rewrites its book every heartbeat.
            if self.refused.get(login) != str(exc):
                log.warning("book of %s not stored: %s", login, exc)
            self.refused[login] = str(exc)
            return None
        except OSError:
            return False
        self.refused.pop(login, None)
        return book

    def due(self, login):
        kept = self.kept.get(login)
        return (
            kept is None
            or kept[0] != self.waiting[login][1]
            or time.monotonic() - kept[1] >= SAVE_EVERY
        )

    def save(self, account, book, fixed):
        try:
            store(account, book)
        except Exception:
            # This book is lost; the terminal's next one is stored.
            log.exception("book of %s not stored", account.login)
            return
        self.kept[account.login] = (fixed, time.monotonic())
