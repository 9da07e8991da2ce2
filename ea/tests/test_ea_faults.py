"""The natively built EA against a broker that misbehaves (ea/paper/faults.py,
issue 14): the same paper broker, with a fault profile, behind the EA's
OrderSend, ticks and TERMINAL_CONNECTED (ea/linux/bridge.py)."""

import pytest

from ea import protocol
from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.paper.faults import Faults
from ea.vectors import parts

from .conftest import LOGIN, MAGIC, NOW, Clock, command, drop, make_broker, result_of


def run_ea(binary, folder, terminal):
    done = native.run(binary, folder, terminal, timers=1)
    assert done.returncode == 0, done.stderr
    assert terminal.problems == []
    return terminal


def broker_with(positions=(), orders=(), clock=None):
    """A perfect broker holding `positions` and `orders` of ours; the test
    then gives it its faults through the FakeTerminal."""
    broker = make_broker(clock=clock)
    broker.positions = [dict(p) for p in positions]
    broker.orders = [dict(o) for o in orders]
    return broker


LONG = parts.pos(50000001, "EURUSD", "buy", 0.1, 1.085)
SHORT = parts.pos(50000002, "EURUSD", "sell", 0.1, 1.085)
LIMIT = parts.order(50000003, "EURUSD", "buy_limit", 0.1, 1.07)


# --- point 2: a timeout on any action is unknown ------------------------------------

# Each case: the command, and what the broker holds before it.
TIMED_OUT = {
    "CLOSE": (dict(action="CLOSE", ticket=LONG["ticket"]), [LONG], []),
    "CLOSE_SYMBOL": (dict(action="CLOSE_SYMBOL"), [LONG], []),
    "CLOSE_LONG": (dict(action="CLOSE_LONG"), [LONG], []),
    "CLOSE_SHORT": (dict(action="CLOSE_SHORT"), [SHORT], []),
    "CLOSE_ALL": (dict(action="CLOSE_ALL", symbol=""), [LONG], []),
    "MODIFY": (
        dict(action="MODIFY", ticket=LONG["ticket"], stop_loss=1.08),
        [LONG],
        [],
    ),
    "CANCEL": (dict(action="CANCEL", ticket=LIMIT["ticket"]), [], [LIMIT]),
    "close_first": (dict(action="BUY", volume=0.1, close_first="short"), [SHORT], []),
}


@pytest.mark.parametrize("done", [0, 1], ids=["not_executed", "executed"])
@pytest.mark.parametrize("case", list(TIMED_OUT))
def test_a_timeout_is_unknown_whatever_the_action(case, done, ea_binary, tmp_path):
    fields, positions, orders = TIMED_OUT[case]
    fields = dict(fields)
    action = fields.pop("action")
    symbol = fields.pop("symbol", "EURUSD")
    name = drop(tmp_path, command(action, symbol, **fields))
    broker = broker_with(positions, orders)
    profile = f"timeout=1,timeout_done={done}"
    terminal = run_ea(ea_binary, tmp_path, FakeTerminal(broker, LOGIN, tmp_path, NOW,
                                                        faults=profile))  # fmt: skip
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("unknown", 10012), result
    # Sent once, never again: the first answer may have hidden an execution.
    assert [line["retcode"] for line in terminal.journal] == [10012]


@pytest.mark.parametrize(
    ("done", "state"),
    [(0, "is still listed: buy 0.1 lots"), (1, "is not listed (closed?)")],
)
def test_an_unknown_close_says_what_the_terminal_shows_after_it(
    done, state, ea_binary, tmp_path
):
    name = drop(tmp_path, command("CLOSE", ticket=LONG["ticket"]))
    profile = f"timeout=1,timeout_done={done}"
    run_ea(ea_binary, tmp_path, FakeTerminal(broker_with([LONG]), LOGIN, tmp_path, NOW,
                                             faults=profile))  # fmt: skip
    message = result_of(tmp_path, name)["message"]
    assert f"#{LONG['ticket']}: request cancelled by timeout (10012)" in message
    assert message.startswith("request cancelled by timeout (10012): outcome unknown")
    assert f"not retried; now position #{LONG['ticket']} {state}" in message


@pytest.mark.parametrize(
    "fields",
    [dict(action="BUY", volume=0.1), dict(action="CLOSE", ticket=LONG["ticket"])],
    ids=lambda f: f["action"],
)
def test_a_send_with_no_answer_is_unknown(fields, ea_binary, tmp_path):
    fields = dict(fields)
    name = drop(tmp_path, command(fields.pop("action"), "EURUSD", **fields))
    terminal = FakeTerminal(
        broker_with([LONG]), LOGIN, tmp_path, NOW, lose_answers=True
    )
    run_ea(ea_binary, tmp_path, terminal)
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("unknown", 0), result
    assert len(terminal.journal) == 1  # it did reach the broker, once


# --- point 7: no trading without a quote ---------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        dict(action="BUY", volume=0.1, sl_points=100),
        dict(action="SELL", volume=0.1, stop_loss=1.2),
        dict(action="CLOSE_SYMBOL"),
        dict(action="MODIFY", ticket=LONG["ticket"], sl_points=100),
    ],
    ids=lambda f: f["action"],
)
def test_a_symbol_without_a_tick_is_not_traded(fields, ea_binary, tmp_path):
    fields = dict(fields)
    name = drop(tmp_path, command(fields.pop("action"), "EURUSD", **fields))
    broker = broker_with([LONG])
    # The broker's clock stands still, so the first tick never comes.
    terminal = run_ea(ea_binary, tmp_path, FakeTerminal(broker, LOGIN, tmp_path, NOW,
                                                        faults="notick=60"))  # fmt: skip
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("rejected", 0), result
    assert result.get("code") == "no_quote", result
    assert result["message"].startswith("no_quote: ")
    assert "no valid tick for EURUSD within 2 s" in result["message"]
    assert terminal.journal == []
    assert broker.positions == [LONG]


# --- point 1: nothing is sent while the terminal is disconnected ---------------------


def test_a_disconnected_terminal_sends_nothing_and_keeps_the_command(
    ea_binary, tmp_path
):
    clock = Clock()
    broker = broker_with([LONG], clock=clock)
    terminal = FakeTerminal(broker, LOGIN, tmp_path, NOW,
                            faults="disconnect=5,disconnect_every=10")  # fmt: skip
    assert broker.connected()  # the window starts counting here
    clock.now += 6  # ...and this is inside its disconnect
    buy = command("BUY", volume=0.1)
    name = drop(tmp_path, buy)
    run_ea(ea_binary, tmp_path, terminal)
    assert terminal.journal == []
    assert result_of(tmp_path, name) is None
    assert (tmp_path / name).exists()  # still a command: not used up
    executed = tmp_path / protocol.EXECUTED
    assert not executed.exists() or buy["id"] not in executed.read_text()
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["connected"] is False

    clock.now += 4  # connected again, inside the command's 30 s
    run_ea(ea_binary, tmp_path, terminal)
    assert result_of(tmp_path, name)["status"] == "executed"
    assert [line["retcode"] for line in terminal.journal] == [10009]
    assert len(broker.positions) == 2 and broker.positions[1]["magic"] == MAGIC


@pytest.mark.parametrize(
    ("expires", "status", "retcodes"), [(90, "executed", [10009]), (58, "expired", [])]
)
def test_a_connection_lost_in_a_command_is_waited_for_unsent(
    expires, status, retcodes, ea_binary, tmp_path
):
    clock = Clock(NOW + 54.99)
    broker = broker_with([], clock=clock)
    terminal = FakeTerminal(broker, LOGIN, tmp_path, clock,
                            faults="disconnect=5,disconnect_every=60,notick=0.1")  # fmt: skip
    broker.faults.start = NOW  # disconnected from NOW+55 to NOW+60
    name = drop(tmp_path, command("BUY", volume=0.1, expires_at=NOW + expires))
    run_ea(ea_binary, tmp_path, terminal)
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == (status, (retcodes or [0])[0])
    assert [line["retcode"] for line in terminal.journal] == retcodes
    assert clock.now >= NOW + (60 if retcodes else 57)


# --- point 1: answers that prove nothing executed are sent again ----------------------

RETRIED = {"requote": 10004, "price_changed": 10020, "price_off": 10021,
           "too_many": 10024, "connection": 10031}  # fmt: skip


def refused_then_done(kind):
    """A seed whose first send meets `kind` and whose second goes through,
    found by asking the fault model itself."""
    for seed in range(1000):
        broker = make_broker()
        broker.use_faults(Faults.parse(f"{kind}=0.5,seed={seed}"))
        deal = {"action": "deal", "symbol": "EURUSD", "type": "buy", "volume": 0.1,
                "type_filling": "fok", "magic": MAGIC, "comment": ""}  # fmt: skip
        first, second = broker.send(deal), broker.send(deal)
        if first["retcode"] == RETRIED[kind] and second["retcode"] == 10009:
            return seed
    raise AssertionError(f"no seed gives {kind} then done")


@pytest.mark.parametrize("kind", list(RETRIED))
def test_a_close_refused_without_effect_is_sent_again(kind, ea_binary, tmp_path):
    name = drop(tmp_path, command("CLOSE", ticket=LONG["ticket"]))
    broker = broker_with([LONG])
    profile = f"{kind}=0.5,seed={refused_then_done(kind)}"
    terminal = run_ea(ea_binary, tmp_path, FakeTerminal(broker, LOGIN, tmp_path, NOW,
                                                        faults=profile))  # fmt: skip
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"], result["closed"]) == (
        "executed",
        10009,
        1,
    )
    assert [line["retcode"] for line in terminal.journal] == [RETRIED[kind], 10009]
    assert broker.positions == []


def test_retries_are_bounded(ea_binary, tmp_path):
    name = drop(tmp_path, command("CLOSE", ticket=LONG["ticket"]))
    broker = broker_with([LONG])
    terminal = run_ea(ea_binary, tmp_path, FakeTerminal(broker, LOGIN, tmp_path, NOW,
                                                        faults="requote=1"))  # fmt: skip
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("rejected", 10004)
    assert [line["retcode"] for line in terminal.journal] == [10004] * 4
    assert broker.positions == [LONG]


def test_a_busy_trade_context_is_not_sent_again(ea_binary, tmp_path):
    # 10028 (locked for processing) does not say whether the request ran:
    # unknown, sent once.
    name = drop(tmp_path, command("BUY", volume=0.1))
    terminal = run_ea(ea_binary, tmp_path, FakeTerminal(make_broker(), LOGIN, tmp_path,
                                                        NOW, faults="busy=1"))  # fmt: skip
    assert result_of(tmp_path, name)["status"] == "unknown"
    assert [line["retcode"] for line in terminal.journal] == [10028]


def test_a_retried_buy_is_built_again_at_the_fresh_price(ea_binary, tmp_path):
    # As the paper terminal's test_the_retry_sends_a_fresh_price_and_stops:
    # the stops in points follow the new price, not the refused one.
    class Moving(Clock):
        def sleep(self, seconds):
            super().sleep(seconds)
            broker.market.set_quote("EURUSD", 1.0910, 1.0911)

    clock = Moving()
    broker = broker_with(clock=clock)
    name = drop(tmp_path, command("BUY", volume=0.1, sl_points=200))
    faults = Faults(script=["requote"])
    terminal = FakeTerminal(broker, LOGIN, tmp_path, clock, faults=faults)
    run_ea(ea_binary, tmp_path, terminal)
    first, second = terminal.journal
    assert (first["retcode"], second["retcode"]) == (10004, 10009)
    assert (first["price"], second["price"]) == (1.0901, 1.0911)
    assert second["sl"] == pytest.approx(1.0891)
    assert result_of(tmp_path, name)["price"] == 1.0911


def test_a_terminal_waiting_offline_in_a_command_keeps_its_heartbeat(
    ea_binary, tmp_path
):
    # Claimed while connected, then 5 s offline before the send: the
    # heartbeat (every 2 s) goes on during the wait, twice, and then is not
    # due after the command. Without it the run writes three: at start,
    # after the command (overdue by then), and the stopped one.
    clock = Clock(NOW + 54.99)
    broker = broker_with([], clock=clock)
    terminal = FakeTerminal(broker, LOGIN, tmp_path, clock,
                            faults="disconnect=5,disconnect_every=60,notick=0.1")  # fmt: skip
    broker.faults.start = NOW  # disconnected from NOW+55 to NOW+60
    name = drop(tmp_path, command("BUY", volume=0.1, expires_at=NOW + 90))
    run_ea(ea_binary, tmp_path, terminal)
    assert result_of(tmp_path, name)["status"] == "executed"
    last = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    assert last["state"] == "stopped"
    assert last["seq"] >= 4
