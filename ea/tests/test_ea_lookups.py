"""The native EA waits for a position to show only while it may still show
(test_paper_lookups.py for the paper terminal): a SELL that nets a BUY away
on a netting account leaves nothing to wait for, so the CLOSE_ALL after it
answers at once instead of a full LOOKUP_WAIT_MS later."""

from ea.linux.bridge import FakeTerminal
from ea.paper.faults import Faults

from .conftest import LOGIN, NOW, Clock, command, drop, make_broker, result_of
from .test_ea_faults import run_ea


def run_commands(ea_binary, tmp_path, broker, clock, *commands):
    names = [drop(tmp_path, command(action, **fields)) for action, fields in commands]
    run_ea(ea_binary, tmp_path, FakeTerminal(broker, LOGIN, tmp_path, clock))
    return [result_of(tmp_path, name) for name in names]


def test_a_position_netted_away_is_not_waited_for(ea_binary, tmp_path):
    clock = Clock(NOW)
    broker = make_broker("netting", clock=clock)
    results = run_commands(
        ea_binary, tmp_path, broker, clock,
        ("BUY", {"volume": 0.1}),
        ("SELL", {"volume": 0.1}),
        ("CLOSE_ALL", {"symbol": ""}),
    )  # fmt: skip
    assert [r["status"] for r in results] == ["executed"] * 3
    assert broker.positions == []
    assert clock.now - NOW < 0.5


def test_a_new_position_shown_late_is_still_waited_for(ea_binary, tmp_path):
    clock = Clock(NOW)
    broker = make_broker("netting", clock=clock)
    broker.use_faults(Faults(visible_after=300))
    results = run_commands(
        ea_binary, tmp_path, broker, clock,
        ("BUY", {"volume": 0.1}),
        ("CLOSE_SYMBOL", {}),
    )  # fmt: skip
    assert [r["status"] for r in results] == ["executed"] * 2
    assert results[1].get("closed") == 1 and broker.positions == []
    assert clock.now - NOW >= 0.25
