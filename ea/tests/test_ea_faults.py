"""The natively built EA against a broker that misbehaves (ea/paper/faults.py,
issue 14): the same paper broker, with a fault profile, behind the EA's
OrderSend, ticks and TERMINAL_CONNECTED (ea/linux/bridge.py)."""

import pytest

from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.vectors import parts

from .conftest import LOGIN, NOW, command, drop, make_broker, result_of


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
    assert "no quote for EURUSD" in result["message"]
    assert terminal.journal == []
    assert broker.positions == [LONG]
