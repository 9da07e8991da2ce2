"""The terminal's trading logic beyond the golden vectors: what it sends for a
command and how it reports several answers as one result."""

import pytest

from ea.paper import opening, trading
from ea.paper.commands import check

from .conftest import MAGIC, command


def run(broker, action="BUY", symbol="EURUSD", **fields):
    fields, sent = trading.execute(check(command(action, symbol, **fields)), broker)
    return fields, [request for request, _ in sent]


def place(broker, side="buy", volume=0.1, symbol="EURUSD", magic=MAGIC, **extra):
    fields, _ = run(broker, side.upper(), symbol, volume=volume, magic=magic, **extra)
    assert fields["status"] == "executed", fields
    return fields["ticket"]


def test_every_request_carries_the_commands_magic_and_comment(hedging):
    _, [request] = run(hedging, volume=0.1, comment="tv alert 7")
    assert request["magic"] == MAGIC and request["comment"] == "tv alert 7"
    assert hedging.positions[0]["comment"] == "tv alert 7"


def test_a_stop_loss_of_zero_means_none(hedging):
    fields, [request] = run(hedging, volume=0.1, stop_loss=0, take_profit=0)
    assert fields["status"] == "executed"
    assert request["sl"] is None and request["tp"] is None


def test_an_absolute_stop_wins_over_a_distance(hedging):
    _, [request] = run(hedging, volume=0.1, stop_loss=1.08, sl_points=10)
    assert request["sl"] == 1.08


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"volume": None}, "no volume"),
        ({"volume": 0.1, "risk_percent": 1, "stop_loss": 1.08}, "not both"),
        ({"volume": 0.1, "order_type": "limit"}, "needs a price"),
    ],
)
def test_requests_that_cannot_be_built_are_not_sent(hedging, fields, reason):
    result, sent = run(hedging, **fields)
    assert (result["status"], result["retcode"], sent) == ("rejected", 0, [])
    assert reason in result["message"] and "not sent" in result["message"]


def test_risk_sizing_uses_the_tick_value_in_the_account_currency(hedging):
    # USDJPY: a tick (0.001) of one lot is 100 JPY = 100 / 150.014 USD.
    result, [request] = run(hedging, "SELL", "USDJPY", risk_percent=2, sl_pips=50)
    loss_per_lot = 500 * 100 / 150.014  # 50 pips = 500 ticks
    assert request["volume"] == pytest.approx(int(200 / loss_per_lot * 100) / 100)
    assert result["volume"] == request["volume"] == 0.6


def test_close_without_a_ticket_is_refused(hedging):
    result, sent = run(hedging, "CLOSE", "")
    assert (
        result["retcode"] == 0 and sent == [] and "needs a ticket" in result["message"]
    )


def test_close_of_a_pending_orders_ticket_says_to_cancel(hedging):
    ticket = place(hedging, order_type="limit", price=1.08)
    result, _ = run(hedging, "CLOSE", "", ticket=ticket)
    assert result["status"] == "rejected" and "use CANCEL" in result["message"]


def test_a_close_of_several_reports_partial_failure(hedging):
    place(hedging)
    place(hedging, symbol="US30", volume=1.0)
    hedging.closed_symbols.add("US30")
    result, sent = run(hedging, "CLOSE_ALL", "")
    assert len(sent) == 2
    assert (result["status"], result["retcode"], result["closed"]) == (
        "executed",
        10009,
        1,
    )
    assert result["failed"] == 1 and "10018" in result["message"]


def test_a_close_of_several_that_all_fail_is_rejected_with_the_first_retcode(hedging):
    place(hedging, symbol="US30", volume=1.0)
    hedging.closed_symbols.add("US30")
    result, _ = run(hedging, "CLOSE_ALL", "")
    assert (result["status"], result["retcode"], result["closed"]) == (
        "rejected",
        10018,
        0,
    )


def test_close_first_that_fails_opens_nothing(hedging):
    place(hedging, "sell", symbol="US30", volume=1.0)
    hedging.closed_symbols.add("US30")
    result, sent = run(hedging, "BUY", "US30", volume=1.0, close_first="short")
    assert result["status"] == "rejected" and result["retcode"] == 10018
    assert len(sent) == 1 and [p["type"] for p in hedging.positions] == ["sell"]


def test_close_first_on_netting_closes_then_opens(netting):
    place(netting, "sell", volume=0.3)
    result, sent = run(netting, "BUY", volume=0.1, close_first="short")
    assert [r["volume"] for r in sent] == [0.3, 0.1]
    [position] = netting.positions
    assert position["type"] == "buy" and position["volume"] == 0.1
    assert result["closed"] == 1


def test_modify_needs_something_to_change(hedging):
    ticket = place(hedging)
    result, sent = run(hedging, "MODIFY", "", ticket=ticket)
    assert result["status"] == "rejected" and sent == []


def test_modify_to_the_current_stops_sends_nothing(hedging):
    ticket = place(hedging, stop_loss=1.08)
    result, sent = run(hedging, "MODIFY", "", ticket=ticket, stop_loss=1.08)
    assert sent == []
    assert (result["status"], result["modified"]) == ("executed", 0)


def test_modify_by_symbol_skips_other_magics(hedging):
    place(hedging)
    place(hedging, magic=4242)
    result, sent = run(hedging, "MODIFY", "EURUSD", sl_pips=50)
    assert len(sent) == 1 and result["modified"] == 1
    assert [p["sl"] for p in hedging.positions] == [1.0851, None]


def test_modify_pending_order_stops_measured_from_its_price(hedging):
    ticket = place(hedging, order_type="limit", price=1.08)
    run(hedging, "MODIFY", "", ticket=ticket, sl_points=100, tp_points=200)
    assert (hedging.orders[0]["sl"], hedging.orders[0]["tp"]) == (1.079, 1.082)


def test_include_manual_reaches_every_magic(hedging):
    opening.seed_manual(hedging, "EURUSD", "buy", 0.1)  # magic 0
    place(hedging, magic=99)
    result, _ = run(hedging, "CLOSE_SYMBOL", "EURUSD", include_manual=True)
    assert result["closed"] == 2 and hedging.positions == []


def test_seed_manual_opens_a_position_without_magic(hedging):
    opening.seed_manual(hedging, "XAUUSD", "sell", 0.05)
    [position] = hedging.positions
    assert (position["magic"], position["type"], position["volume"]) == (
        0,
        "sell",
        0.05,
    )
    with pytest.raises(ValueError, match="unknown symbol"):
        opening.seed_manual(hedging, "NOPE", "buy", 0.1)
    with pytest.raises(ValueError, match="close-only"):
        opening.seed_manual(hedging, "USDRUB", "buy", 0.1)


def test_close_first_partly_refused_reports_the_refusal(hedging):
    place(hedging, "sell")
    place(hedging, "sell", symbol="UKOIL", volume=0.1, stop_loss=82.200)
    hedging.market.set_quote("UKOIL", 82.150, 82.195)  # SL within the freeze level
    result, sent = run(hedging, "BUY", "UKOIL", volume=0.1, close_first="short",
                       include_manual=True)  # fmt: skip
    assert (result["status"], result["retcode"], result["closed"]) == (
        "rejected",
        10029,
        0,
    )
    assert len(sent) == 1
