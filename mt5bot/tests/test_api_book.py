"""The book in the REST API, read only: an account's latest book, its equity
curve and its realised P&L per broker day (ea/PROTOCOL.md 5.1). Who may read
them is the permission matrix's (matrix.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.bridge import book
from accounts.tests import book_cast

pytestmark = pytest.mark.django_db
START = datetime(2025, 11, 24, 16, 0, tzinfo=UTC)


@pytest.fixture
def stored(cast, settings):
    """Books of 1123456 over two broker days, and one of 7891011."""
    settings.BOOK_SERIES_STEP = 300
    main = cast["main"]
    book.store(main, book_cast.sample(equity=10001), now=START)
    book.store(main, book_cast.sample(equity=10002), now=START + timedelta(minutes=5))
    book.store(main, book_cast.sample(day="2025-11-25", realized=7.5, deals_total=2,
                                      equity=10003),
               now=START + timedelta(hours=9))  # fmt: skip
    book.store(cast["second"], book_cast.sample("7891011", equity=5), now=START)
    return main


def test_the_book_is_the_latest_one_with_numbers_as_numbers(api, stored):
    answer = api.get("/api/accounts/1123456/book/")
    assert answer.status_code == 200
    data = answer.json()
    assert (data["login"], data["day"], data["equity"], data["margin_level"]) == (
        "1123456", "2025-11-25", 10003, 9207.61,
    )  # fmt: skip
    assert data["positions"] == [book_cast.POSITION]
    assert data["orders"] == [book_cast.ORDER]
    assert data["deals"] == [book_cast.DEAL]
    assert (data["positions_total"], data["deals_total"]) == (1, 2)
    assert data["reported_at"].startswith("2025-11-24T16:00:00.5")


def test_no_book_yet_is_404(api, cast):
    answer = api.get("/api/accounts/7891011/book/")
    assert answer.status_code == 404
    assert "no book" in answer.json()["detail"]


def test_the_equity_curve_is_one_point_per_step_oldest_first(api, stored):
    points = api.get("/api/accounts/1123456/equity/").json()
    assert [(p["at"], p["equity"]) for p in points] == [
        ("2025-11-24T16:00:00Z", 10001),
        ("2025-11-24T16:05:00Z", 10002),
        ("2025-11-25T01:00:00Z", 10003),
    ]
    since = api.get("/api/accounts/1123456/equity/?since=2025-11-24T16:05:00Z")
    assert [p["equity"] for p in since.json()] == [10002, 10003]
    until = api.get("/api/accounts/1123456/equity/?until=2025-11-24T16:05:00Z")
    assert [p["equity"] for p in until.json()] == [10001]


def test_the_daily_pnl_is_each_broker_day_oldest_first(api, stored):
    days = api.get("/api/accounts/1123456/pnl/").json()
    assert days == [
        {"day": "2025-11-24", "realized": -13.2, "deals": 1},
        {"day": "2025-11-25", "realized": 7.5, "deals": 2},
    ]
    since = api.get("/api/accounts/1123456/pnl/?since=2025-11-25").json()
    assert [d["day"] for d in since] == ["2025-11-25"]


@pytest.mark.parametrize(
    "url",
    ["/api/accounts/1123456/equity/?since=yesterday",
     "/api/accounts/1123456/pnl/?until=2025-13-01"],
)  # fmt: skip
def test_a_filter_that_is_no_time_is_400(api, stored, url):
    assert api.get(url).status_code == 400


def test_an_unknown_account_is_404(api, stored):
    for what in ("book", "equity", "pnl"):
        assert api.get(f"/api/accounts/4440001/{what}/").status_code == 404


def test_the_book_cannot_be_written(api, stored):
    for method in ("post", "put", "patch", "delete"):
        answer = getattr(api, method)("/api/accounts/1123456/book/", {})
        assert answer.status_code == 405
