"""How the paper terminal waits between passes (ea/paper/waiting.py): when
the next pass is due, what wakes it, and that a command after a quiet spell
still trades at the price of its moment. In process, on test clocks; the
real process idling is test_paper_idle.py."""

import logging
import os
import signal
import sys
import types

import pytest

from ea import protocol
from ea.paper import waiting
from ea.paper.broker import Broker
from ea.paper.faults import Faults
from ea.paper.market import STEP_SECONDS, Market
from ea.vectors import parts

from .conftest import NOW, command, drop, make_broker, result_of

LATE = waiting.LATE


# --- the timeout ------------------------------------------------------------------


def test_the_soonest_wait_ignores_what_is_not_due_and_never_goes_negative():
    assert waiting.soonest(1.0, None, 0.25, None) == 0.25
    assert waiting.soonest(1.0, -3.0) == 0.0  # overdue: a pass now
    assert waiting.soonest(2.0) == 2.0


def test_prices_matter_only_with_a_pending_order_or_stops():
    broker = make_broker()
    assert not waiting.prices_matter(broker)
    broker.positions = [parts.pos(1, "EURUSD", "buy", 0.1, 1.085)]
    assert not waiting.prices_matter(broker)  # no SL or TP: nothing can trigger
    broker.positions = [parts.pos(1, "EURUSD", "buy", 0.1, 1.085, sl=1.08)]
    assert waiting.prices_matter(broker)
    broker.positions = [parts.pos(1, "EURUSD", "sell", 0.1, 1.085, tp=1.08)]
    assert waiting.prices_matter(broker)
    broker.positions = []
    broker.orders = [parts.order(2, "EURUSD", "buy_limit", 0.1, 1.08)]
    assert waiting.prices_matter(broker)


def test_the_market_is_due_at_its_next_step():
    market = Market(1, 1000.0)
    assert waiting.market_step_in(market, 1000.1) == pytest.approx(
        STEP_SECONDS - 0.1 + LATE
    )
    market.advance(1000.3)  # one step: the market's time is 1000.25
    assert waiting.market_step_in(market, 1000.3) == pytest.approx(0.2 + LATE)


def test_a_disconnect_window_is_due_at_each_turn(clock):
    faults = Faults(disconnect=5, disconnect_every=60)
    assert faults.next_change(NOW) is None  # not looked at yet
    assert faults.connected(NOW)  # the first look starts the windows
    assert faults.next_change(NOW + 10) == pytest.approx(45)  # offline at 55
    assert faults.next_change(NOW + 57) == pytest.approx(3)  # back at 60
    assert faults.next_change(NOW + 61) == pytest.approx(54)
    assert Faults().next_change(NOW) is None  # no windows at all
    broker = make_broker(clock=clock)
    assert waiting.connection_change_in(broker, NOW) is None
    broker.use_faults(faults)
    assert waiting.connection_change_in(broker, NOW + 10) == pytest.approx(45 + LATE)


def test_the_next_pass_is_the_soonest_of_what_is_due(clock, make_terminal):
    terminal = make_terminal(monotonic=clock)
    assert waiting.next_pass_in(terminal, idle_poll=5.0) == 0.0  # never looked at
    terminal.write_heartbeat()  # due again in 2 s
    terminal.book_when_due()  # and the book with it
    assert waiting.next_pass_in(terminal, idle_poll=5.0) == pytest.approx(2.0)
    assert waiting.next_pass_in(terminal, idle_poll=1.0) == pytest.approx(1.0)
    clock.now += 1.5
    assert waiting.next_pass_in(terminal, idle_poll=5.0) == pytest.approx(0.5)
    terminal.retry_soon = True
    assert waiting.next_pass_in(terminal) == pytest.approx(terminal.poll)
    terminal.retry_soon = False
    terminal.broker.orders = [parts.order(2, "EURUSD", "buy_limit", 0.1, 1.08)]
    step = terminal.market.time + STEP_SECONDS - clock() + LATE
    assert waiting.next_pass_in(terminal) == pytest.approx(max(step, 0.0))


def test_the_run_pass_asks_for_a_retry_only_when_work_was_left(
    tmp_path, terminal, monkeypatch
):
    name = drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    assert result_of(tmp_path, name)["status"] == "executed"
    assert not terminal.retry_soon
    drop(tmp_path, command(volume=0.1))

    def held(source, target):
        raise PermissionError("held by its writer")

    monkeypatch.setattr(os, "replace", held)
    terminal.run_pass()
    assert terminal.retry_soon


# --- the price after a quiet spell --------------------------------------------------


def test_a_command_after_a_quiet_spell_trades_at_the_price_of_its_moment(
    tmp_path, clock, make_terminal
):
    """Nothing moves the market while the terminal sleeps; the pass that
    finds the command walks it to now before the command is read."""
    market = Market(7, clock())
    terminal = make_terminal(Broker(market, "hedging", 10000.0, "USD", clock))
    terminal.run_pass()
    clock.now += 45.0  # 45 s asleep: no pass, no step
    assert market.time == NOW
    name = drop(tmp_path, command(volume=0.1, expires_at=clock() + 30))
    terminal.run_pass()
    walked = Market(7, NOW)
    walked.advance(clock())
    assert market.time == pytest.approx(clock())
    assert result_of(tmp_path, name)["price"] == walked.quote("EURUSD")[1]


# --- what wakes the wait ------------------------------------------------------------


def test_only_commands_and_symbols_requests_wake_the_loop():
    assert waiting.wakes("/f/" + protocol.command_name(1, "a" * 32))
    assert waiting.wakes(b"/f/" + protocol.SYMBOLS_REQUEST.encode())
    for own in (protocol.HEARTBEAT, protocol.result_name(protocol.command_name(1, "a")),
                "tmp_0123.part", "paper_state.json", protocol.EXECUTED, ""):  # fmt: skip
        assert not waiting.wakes(own)


@pytest.fixture
def waiter(tmp_path):
    made = waiting.Waiter(tmp_path, poll=0.02)
    yield made
    made.close()


def test_a_command_written_as_the_server_writes_it_rings(tmp_path, waiter):
    assert waiter.watching
    name = protocol.command_name(1, "a" * 32)
    protocol.write_atomic(tmp_path, name, {"id": "a"})
    assert waiter.wait(30)  # the guard only: a ring ends it at once
    assert not waiter.wait(0)  # the rings were read
    # The terminal's own moves are no news: its claim, its heartbeat.
    os.replace(tmp_path / name, tmp_path / protocol.in_progress_name(name))
    protocol.write_atomic(tmp_path, protocol.HEARTBEAT, {"seq": 1})
    assert not waiter.wait(0.5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")
def test_half_a_rename_is_news_too(tmp_path):
    """A rename whose first half the observer never saw (here: from another
    folder; in the terminal's process also one it did not pair in time,
    see renames_at_once) still rings: a move with an empty side."""
    folder, outside = tmp_path / "Files", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    made = waiting.Waiter(folder, poll=0.02)
    try:
        (outside / "tmp_x.part").write_text("{}")
        os.replace(outside / "tmp_x.part", folder / protocol.SYMBOLS_REQUEST)
        assert made.wait(30)
    finally:
        made.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_signal_ends_the_wait(waiter, monkeypatch):
    caught = []
    previous = signal.signal(
        signal.SIGUSR1, lambda number, frame: caught.append(number)
    )
    try:
        signal.raise_signal(signal.SIGUSR1)  # before the wait: its byte waits
        assert waiter.wait(30)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert caught == [signal.SIGUSR1]


def test_closing_gives_signals_back(tmp_path):
    before = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(before)
    made = waiting.Waiter(tmp_path, poll=0.02)
    assert signal.set_wakeup_fd(made.writer.fileno()) == made.writer.fileno()
    made.close()
    assert signal.set_wakeup_fd(before) == before


def test_without_file_events_it_polls_as_before_and_says_so(
    tmp_path, caplog, monkeypatch
):
    waits = []

    def select(read, write, error, timeout):
        waits.append(timeout)
        return [], [], []

    monkeypatch.setattr(waiting, "select", types.SimpleNamespace(select=select))
    with caplog.at_level(logging.WARNING, logger="ea.paper"):
        made = waiting.Waiter(tmp_path / "missing", poll=0.02)
    try:
        assert not made.watching
        assert "polling every 0.02 s instead" in caplog.text
        assert made.wait(1.0) is False
        assert waits == [0.02]
    finally:
        made.close()
