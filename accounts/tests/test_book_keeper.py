"""The keeper's side of the book (accounts.bridge.book.Books): the file a
terminal writes is stored when it changes, parsed only then; a move of the
price alone at most every SAVE_EVERY seconds; a bad book set aside and
logged once, the last good one kept; and never a crash of the loop."""

import logging
import os
from decimal import Decimal

import pytest

from accounts.bridge import book
from accounts.bridge.book import Books
from accounts.models import AccountBook
from accounts.tests import book_cast, stand_in
from ea import protocol

pytestmark = pytest.mark.django_db
terminal_dirs = stand_in.terminal_dirs


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(book.time, "monotonic", clock)
    return clock


@pytest.fixture
def main(cast, terminal_dirs):
    account = cast["main"]
    account.files_dir().mkdir(parents=True)
    return account


def write(account, **changes):
    data = book_cast.raw(**{"login": account.login, **changes})
    folder = account.files_dir()
    protocol.write_atomic(folder, protocol.BOOK, data)
    # A distinct mtime for each write, as seconds apart would give.
    written = folder / protocol.BOOK
    os.utime(written, ns=(0, written.stat().st_mtime_ns + 1_000_000_000))
    return data


def stored():
    return AccountBook.objects.get()


def test_the_file_is_stored_and_read_again_only_when_it_changes(
    main, clock, monkeypatch
):
    books, parsed = Books(), []
    real = book.parse
    monkeypatch.setattr(
        book, "parse", lambda raw, login: parsed.append(1) or real(raw, login)
    )
    books.sync(main)  # no file yet
    assert not AccountBook.objects.exists()
    write(main)
    for _ in range(3):
        books.sync(main)
    assert len(parsed) == 1
    assert stored().positions == [book_cast.POSITION]


def test_a_position_opened_or_closed_is_stored_at_once(main, clock):
    books = Books()
    write(main)
    books.sync(main)
    write(main, positions=[], positions_total=0, balance=10036.3)
    books.sync(main)  # no time has passed
    assert (stored().positions, stored().balance) == ([], Decimal("10036.3"))


def test_a_move_of_the_price_alone_waits_for_its_turn(main, clock):
    books = Books()
    write(main)
    books.sync(main)
    moved = {**book_cast.POSITION, "profit": 61.0}
    write(main, positions=[moved], equity=10047.3, profit=60.5)
    books.sync(main)
    assert stored().equity == Decimal("10036.3")  # held back
    clock.now += book.SAVE_EVERY
    books.sync(main)  # the file has not changed since: the held book goes in
    assert (stored().equity, stored().positions) == (Decimal("10047.3"), [moved])


def test_a_bad_book_is_set_aside_logged_once_and_the_last_good_one_stays(
    main, clock, caplog
):
    books = Books()
    write(main)
    books.sync(main)
    caplog.set_level(logging.WARNING, "mt5bot.supervisor")
    too_many = [book_cast.POSITION] * (protocol.BOOK_ITEMS + 1)
    for balance in (1.0, 2.0):  # rewritten, refused for the same reason
        write(main, balance=balance, positions=too_many, positions_total=201)
        books.sync(main)
        books.sync(main)
    assert stored().balance == Decimal("9986.8")
    refusals = [r for r in caplog.records if "book of 1123456 not stored" in r.message]
    assert len(refusals) == 1 and "at most 200" in refusals[0].message


def test_a_book_of_another_login_is_refused(main, clock, caplog):
    caplog.set_level(logging.WARNING, "mt5bot.supervisor")
    write(main, login="7891011")
    Books().sync(main)
    assert not AccountBook.objects.exists()
    assert "of login 7891011" in caplog.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_in_its_place_is_never_opened(main, clock):
    os.mkfifo(main.files_dir() / protocol.BOOK)
    Books().sync(main)  # would block forever if opened for reading
    assert not AccountBook.objects.exists()


def test_a_database_error_loses_that_book_not_the_loop(
    main, clock, monkeypatch, caplog
):
    books = Books()

    def broken(account, data):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(book, "store", broken)
    write(main)
    books.sync(main)  # logged, and the keeper goes on
    assert "book of 1123456 not stored" in caplog.text
    monkeypatch.undo()
    write(main, balance=5.0)
    books.sync(main)
    assert stored().balance == Decimal(5)
