"""A lookup waits only for a position that is still to show (issue 14's late
positions), never for one a deal took away: on a netting account the SELL
that closes a BUY names the BUY's position, which is gone, and a wait for it
to be listed held each following command a full LOOKUP_WAIT (bench/soak.py:
the netting accounts answered in 0.9 s where the hedging ones took 30 ms)."""

import pytest

from ea.paper.faults import Faults
from ea.paper.patience import LOOKUP_WAIT

from .conftest import Desk, make_broker


@pytest.mark.parametrize("action", ["CLOSE_ALL", "CLOSE_SYMBOL", "BUY"])
def test_a_position_netted_away_is_not_waited_for(clock, action):
    broker = make_broker("netting", clock=clock)
    desk = Desk(broker)
    assert desk("BUY", volume=0.1)["status"] == "executed"
    assert desk("SELL", volume=0.1)["status"] == "executed"
    assert broker.positions == []
    started = clock.now
    fields = {"volume": 0.1, "close_first": "short"} if action == "BUY" else {}
    assert desk(action, **fields)["status"] == "executed"
    assert clock.now - started < LOOKUP_WAIT / 2


def test_a_reduced_position_is_not_waited_for_again(clock):
    broker = make_broker("netting", clock=clock)
    desk = Desk(broker)
    desk("BUY", volume=0.2)
    desk("BUY", volume=0.1)  # the same position, listed before the deal
    started = clock.now
    result = desk("CLOSE_SYMBOL")
    assert result["status"] == "executed" and broker.positions == []
    assert clock.now - started < LOOKUP_WAIT / 2


def test_a_new_position_shown_late_is_still_waited_for(clock):
    broker = make_broker("netting", clock=clock)
    broker.use_faults(Faults(visible_after=300))
    desk = Desk(broker)
    ticket = desk("BUY", volume=0.1)["ticket"]
    started = clock.now
    result = desk("CLOSE", ticket=ticket)
    assert result["status"] == "executed" and result["ticket"] == ticket
    assert 0.25 <= clock.now - started < LOOKUP_WAIT
