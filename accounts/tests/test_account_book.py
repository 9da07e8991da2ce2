"""Keeping each account's book (accounts.bridge.book.store): the latest one
only, an equity point per step with the old ones pruned, and the realised
P&L of each broker's day; the pages told once it is committed."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.bridge import book
from accounts.models import AccountBook, DailyPnl, EquityPoint
from accounts.tests import book_cast
from history import live

pytestmark = pytest.mark.django_db

START = datetime(2025, 11, 24, 16, 0, tzinfo=UTC)  # a step's start


@pytest.fixture(autouse=True)
def steps(settings):
    settings.BOOK_SERIES_STEP = 300
    settings.BOOK_SERIES_DAYS = 30


def store(account, at, **changes):
    return book.store(account, book_cast.sample(account.login, **changes), now=at)


def test_the_latest_book_replaces_the_last(cast):
    main = cast["main"]
    store(main, START)
    store(main, START + timedelta(seconds=2), balance=10036.8, positions=[],
          positions_total=0)  # fmt: skip
    kept = AccountBook.objects.get()
    assert kept.account == main
    assert (kept.balance, kept.positions, kept.positions_total) == (
        Decimal("10036.8"), [], 0,
    )  # fmt: skip
    assert kept.orders == [book_cast.ORDER] and kept.deals == [book_cast.DEAL]
    assert kept.day == date(2025, 11, 24) and kept.server_offset == 7200
    assert kept.margin_level == Decimal("9207.61")
    assert kept.reported_at == datetime.fromtimestamp(book_cast.NOW + 0.5, UTC)
    assert kept.stored_at == START + timedelta(seconds=2)


def test_no_margin_is_kept_as_no_level(cast):
    store(cast["main"], START, margin=0, margin_level=None)
    assert AccountBook.objects.get().margin_level is None


def test_one_equity_point_per_step_whatever_the_books_between(cast):
    main = cast["main"]
    for seconds, equity in [(0, 10001), (2, 10002), (299, 10003), (300, 10004),
                            (301, 10005), (900, 10006)]:  # fmt: skip
        store(main, START + timedelta(seconds=seconds), equity=equity)
    points = [(p.at, p.equity) for p in EquityPoint.objects.filter(account=main)]
    assert points == [
        (START, Decimal(10001)),
        (START + timedelta(seconds=300), Decimal(10004)),
        (START + timedelta(seconds=900), Decimal(10006)),
    ]


def test_points_older_than_the_days_kept_are_pruned(cast, settings):
    main, other = cast["main"], cast["second"]
    settings.BOOK_SERIES_DAYS = 2
    store(main, START - timedelta(days=3))
    store(main, START - timedelta(days=1))
    store(other, START - timedelta(days=3))
    store(main, START)
    kept = EquityPoint.objects.filter(account=main).values_list("at", flat=True)
    assert list(kept) == [START - timedelta(days=1), START]
    assert EquityPoint.objects.filter(account=other).count() == 1  # not its turn


def test_each_broker_day_keeps_its_last_realised_pnl(cast):
    main = cast["main"]
    store(main, START, realized=-13.2, deals_total=1)
    store(main, START + timedelta(hours=1), realized=36.8, deals_total=2)
    store(main, START + timedelta(hours=7), day="2025-11-25", realized=0,
          deals=[], deals_total=0)  # fmt: skip
    store(main, START + timedelta(hours=8), day="2025-11-25", realized=-5.25,
          deals_total=1)  # fmt: skip
    days = DailyPnl.objects.filter(account=main).values_list("day", "realized", "deals")
    assert list(days) == [
        (date(2025, 11, 24), Decimal("36.8"), 2),
        (date(2025, 11, 25), Decimal("-5.25"), 1),
    ]


def test_the_pages_hear_of_it_once_committed(cast, django_capture_on_commit_callbacks):
    with live.recorded() as sent:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            store(cast["main"], START)
        assert sent == []
        for callback in callbacks:
            callback()
    assert sent == [("accounts", ["1123456"])]


def test_books_of_two_accounts_are_apart(cast):
    store(cast["main"], START)
    store(cast["second"], START, balance=500)
    balances = dict(AccountBook.objects.values_list("account__login", "balance"))
    assert balances == {"1123456": Decimal("9986.8"), "7891011": Decimal(500)}
