"""The book end to end: the supervisor's loop starts a real paper terminal,
delivers an alert's BUY and then its CLOSE_SYMBOL, and keeps what the
terminal's book says after each (ea/PROTOCOL.md 5.1): the position with its
SL/TP, then the day's deal, the realised P&L and a point of the curve.

The waits are for the database to show what the terminal wrote; their
deadline is a guard, far beyond what a pass takes."""

import time

import pytest

from accounts.bridge.supervisor import Worker
from accounts.models import Account, AccountBook, DailyPnl, Desired, EquityPoint
from accounts.tests import stand_in
from history.models import Command
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db
terminal_dirs = stand_in.terminal_dirs
GUARD = 60.0


@pytest.fixture
def worker(terminal_dirs):
    worker = Worker(manage_terminals=True)
    yield worker
    worker.stop()  # the terminals it started, stopped in order


def passes_until(worker, condition, what):
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        worker.run_pass(woken=True, force=True)
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"the supervisor never saw {what}")


def book():
    return AccountBook.objects.filter(account__login="1123456").first()


def alert(client, **fields):
    answer = post(client, order(**fields))
    assert answer.status_code == 200, answer.content
    return Command.objects.get(uid=answer.json()["accounts"][0]["command"])


def final(command):
    command.refresh_from_db()
    return command.status in ("executed", "rejected", "expired", "unknown")


def test_the_supervisor_keeps_the_book_a_running_paper_terminal_reports(
    client, cast, worker, settings
):
    settings.BOOK_SERIES_STEP = 60
    Account.objects.exclude(login="1123456").update(desired=Desired.STOPPED)
    worker.start()
    first = passes_until(worker, book, "a first book")
    assert (first.positions, first.deals, first.currency) == ([], [], "USD")

    buy = alert(client, volume=0.1, sl_points=500, tp_points=800, comment="cockpit")
    passes_until(worker, lambda: final(buy), "the BUY's result")
    assert buy.status == "executed", buy.message
    opened = passes_until(worker, lambda: (b := book()).positions and b, "a position")
    (position,) = opened.positions
    assert (position["ticket"], position["volume"], position["comment"]) == (
        buy.result_ticket, 0.1, "cockpit",
    )  # fmt: skip
    assert position["sl"] < position["price_open"] < position["tp"]

    close = alert(client, action="CLOSE_SYMBOL", volume=None)
    passes_until(worker, lambda: final(close), "the CLOSE's result")
    assert close.status == "executed", close.message
    closed = passes_until(worker, lambda: (b := book()).deals and b, "the close")
    assert closed.positions == [] and closed.positions_total == 0
    (deal,) = closed.deals
    assert (deal["position"], deal["entry"]) == (buy.result_ticket, "out")
    assert float(closed.realized) == deal["profit"]
    day = DailyPnl.objects.get(account__login="1123456", day=closed.day)
    assert (day.realized, day.deals) == (closed.realized, 1)
    assert EquityPoint.objects.filter(account__login="1123456").exists()
    assert AccountBook.objects.count() == 1  # one row, the latest book
