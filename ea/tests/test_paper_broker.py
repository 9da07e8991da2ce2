"""The simulated trade server: every rule of docs/mt5.md §4-§9, both account types."""

import dataclasses

import pytest

from ea.paper import rules
from ea.paper.broker import Broker

from .conftest import MAGIC, make_broker


def deal(symbol="EURUSD", side="buy", volume=0.1, filling="fok", **extra):
    return {"action": "deal", "symbol": symbol, "type": side, "volume": volume,
            "type_filling": filling, "magic": MAGIC, "comment": "", **extra}  # fmt: skip


def pending(kind, price, symbol="EURUSD", volume=0.1, **extra):
    return {"action": "pending", "symbol": symbol, "type": kind, "volume": volume,
            "price": price, "type_filling": "return", "magic": MAGIC, **extra}  # fmt: skip


def opened(broker, request):
    result = broker.send(request)
    assert result["retcode"] == rules.DONE, result
    return broker.position(result["position"])


# --- opening ---------------------------------------------------------------------


def test_a_deal_opens_a_position_under_its_order_ticket(hedging):
    result = hedging.send(deal())
    assert result["retcode"] == 10009
    assert result["order"] == result["position"] == 50000001
    assert result["deal"] == 40000001
    assert result["price"] == 1.0901
    [position] = hedging.positions
    assert position["ticket"] == 50000001 and position["magic"] == MAGIC
    assert hedging.deals[-1]["entry"] == "in"


def test_hedging_keeps_opposite_positions_apart(hedging):
    hedging.send(deal(side="buy"))
    hedging.send(deal(side="sell"))
    assert [p["type"] for p in hedging.positions] == ["buy", "sell"]


@pytest.mark.parametrize(
    ("symbol", "filling", "retcode"),
    [
        ("XAUUSD", "fok", 10030),  # IOC only
        ("XAUUSD", "ioc", 10009),
        ("GBPUSD", "ioc", 10030),  # FOK only
        ("GBPUSD", "fok", 10009),
        ("EURUSD", "ioc", 10009),  # both
        ("EURUSD", "return", 10030),  # RETURN is for pending orders
    ],
)
def test_filling_must_be_in_the_symbols_mask(hedging, symbol, filling, retcode):
    volume = 0.01
    assert (
        hedging.send(deal(symbol, volume=volume, filling=filling))["retcode"] == retcode
    )


@pytest.mark.parametrize(
    ("volume", "retcode"),
    [(0.0, 10014), (0.005, 10014), (0.015, 10014), (100.01, 10014), (0.3, 10009),
     (100.0, None)],
)  # fmt: skip
def test_volume_rules(clock, volume, retcode):
    rich = make_broker(balance=10_000_000.0, clock=clock)  # margin for 100 lots
    assert rich.send(deal(volume=volume))["retcode"] == (retcode or 10009)


@pytest.mark.parametrize(
    ("side", "sl", "tp", "retcode"),
    [
        ("buy", 1.08999, None, 10009),  # 1 point under Bid
        ("buy", 1.09000, None, 10016),  # at Bid: would trigger at once
        ("buy", 1.09005, None, 10016),  # above Bid, though under Ask
        ("buy", None, 1.09001, 10009),
        ("buy", None, 1.09000, 10016),
        ("sell", 1.09011, None, 10009),  # measured from Ask
        ("sell", 1.09010, None, 10016),
        ("sell", None, 1.09009, 10009),
        ("sell", None, 1.09020, 10016),
    ],
)
def test_stops_are_checked_against_the_price_they_trigger_on(
    hedging, side, sl, tp, retcode
):
    assert hedging.send(deal(side=side, sl=sl, tp=tp))["retcode"] == retcode


def test_stops_level_is_kept_exactly(hedging):
    # GBPJPY: level 30 points = 0.030 from Bid 190.000.
    assert hedging.send(deal("GBPJPY", sl=189.971))["retcode"] == 10016
    assert hedging.send(deal("GBPJPY", sl=189.970))["retcode"] == 10009


def test_stops_off_the_tick_size_are_invalid(hedging):
    assert hedging.send(deal(sl=1.089955))["retcode"] == 10016


@pytest.mark.parametrize(
    ("kind", "price", "retcode"),
    [
        ("buy_limit", 1.0900, 10008), ("buy_limit", 1.0902, 10015),
        ("buy_stop", 1.0902, 10008), ("buy_stop", 1.0900, 10015),
        ("sell_limit", 1.0901, 10008), ("sell_limit", 1.0899, 10015),
        ("sell_stop", 1.0899, 10008), ("sell_stop", 1.0901, 10015),
        ("buy_limit", 1.0901, 10015),  # at Ask: not a pending order
    ],
)  # fmt: skip
def test_pending_price_side_and_distance(hedging, kind, price, retcode):
    assert hedging.send(pending(kind, price))["retcode"] == retcode


def test_pending_price_keeps_the_stops_level(hedging):
    assert hedging.send(pending("buy_limit", 190.001, "GBPJPY"))["retcode"] == 10015
    assert hedging.send(pending("buy_limit", 190.000, "GBPJPY"))["retcode"] == 10008


def test_pending_price_must_be_on_the_tick_size(hedging):
    # US500 ticks are 0.25 although its point is 0.01.
    assert hedging.send(pending("buy_limit", 5190.10, "US500", 1.0))["retcode"] == 10015
    assert hedging.send(pending("buy_limit", 5190.25, "US500", 1.0))["retcode"] == 10008


def test_pending_stops_are_measured_from_the_order_price(hedging):
    assert hedging.send(pending("buy_limit", 1.08, sl=1.0801))["retcode"] == 10016
    assert hedging.send(pending("buy_limit", 1.08, sl=1.0799))["retcode"] == 10008


def test_pending_orders_take_fok_only_where_allowed(hedging):
    request = pending("buy_limit", 2400.0, "XAUUSD", 0.01, type_filling="fok")
    assert hedging.send(request)["retcode"] == 10030


# --- trade modes, sessions, money ---------------------------------------------------


def test_closeonly_refuses_opening_but_allows_closing(hedging):
    assert hedging.send(deal("USDRUB"))["retcode"] == 10044
    assert hedging.send(pending("buy_limit", 80.0, "USDRUB"))["retcode"] == 10044
    hedging.positions.append({"ticket": 7, "symbol": "USDRUB", "type": "buy", "volume": 0.1,
                              "price_open": 89.0, "sl": None, "tp": None, "magic": 0})  # fmt: skip
    assert hedging.send(deal("USDRUB", "sell", position=7))["retcode"] == 10009


@pytest.mark.parametrize(("mode", "side", "retcode"),
                         [("longonly", "sell", 10042), ("shortonly", "buy", 10043),
                          ("longonly", "buy", 10009)])  # fmt: skip
def test_one_direction_symbols(hedging, mode, side, retcode):
    spec = dataclasses.replace(hedging.market.specs["EURUSD"], trade_mode=mode)
    hedging.market.specs = {**hedging.market.specs, "EURUSD": spec}
    assert hedging.send(deal(side=side))["retcode"] == retcode


def test_disabled_symbol_refuses_everything(hedging):
    assert hedging.send(deal("EURRUB"))["retcode"] == 10017


def test_closed_market_refuses_even_closing(hedging):
    position = opened(hedging, deal())
    hedging.closed_symbols.add("EURUSD")
    assert (
        hedging.send(deal(side="sell", position=position["ticket"]))["retcode"] == 10018
    )
    assert hedging.send(deal())["retcode"] == 10018


def test_unknown_symbol_is_an_invalid_request(hedging):
    assert hedging.send(deal("NOPE"))["retcode"] == 10013


def test_no_money(clock):
    broker = make_broker(balance=1000.0, clock=clock)
    assert broker.send(deal(volume=1.0))["retcode"] == 10019  # 1090 USD margin
    assert broker.send(deal(volume=0.9))["retcode"] == 10009  # 981 USD
    assert broker.margin_free() == pytest.approx(1000 - 981 - 9.0, abs=0.01)


def test_account_figures(hedging):
    opened(hedging, deal(volume=1.0))  # bought at Ask, valued at Bid: -10 USD
    assert hedging.equity() == pytest.approx(9990.0)
    assert hedging.margin() == pytest.approx(1090.0)
    assert hedging.margin_free() == pytest.approx(8900.0)


# --- closing ---------------------------------------------------------------------


def test_close_by_ticket_realises_the_profit(hedging):
    position = opened(hedging, deal(side="sell", volume=0.2))  # at Bid 1.09000
    hedging.market.set_quote("EURUSD", 1.0850, 1.0851)
    result = hedging.send(deal(side="buy", volume=0.2, position=position["ticket"]))
    assert result["retcode"] == 10009 and result["price"] == 1.0851
    assert hedging.positions == []
    assert hedging.balance == pytest.approx(10000 + 0.0049 * 0.2 * 100000)
    assert hedging.deals[-1]["entry"] == "out"


def test_partial_close_leaves_the_rest(hedging):
    position = opened(hedging, deal(volume=0.3))
    hedging.send(deal(side="sell", volume=0.1, position=position["ticket"]))
    assert position["volume"] == 0.2


@pytest.mark.parametrize(
    ("request_", "retcode"),
    [({"side": "sell", "volume": 0.2}, 10014),  # more than the position
     ({"side": "buy", "volume": 0.1}, 10013),  # same side
     ({"side": "sell", "volume": 0.1, "position": 999}, 10013)],  # no such ticket
)  # fmt: skip
def test_bad_close_requests(hedging, request_, retcode):
    position = opened(hedging, deal())
    request_ = dict(request_)
    request_.setdefault("position", position["ticket"])
    assert hedging.send(deal(**request_))["retcode"] == retcode
    assert hedging.positions == [position]


def test_freeze_level_blocks_closing_and_modifying(hedging):
    # UKOIL: freeze level 10 points (0.010); stops level 20.
    position = opened(hedging, deal("UKOIL", volume=0.1, sl=81.900))
    hedging.market.set_quote("UKOIL", 81.905, 81.945)  # SL 5 points from Bid
    close = deal("UKOIL", "sell", 0.1, position=position["ticket"])
    assert hedging.send(close)["retcode"] == 10029
    modify = {"action": "sltp", "position": position["ticket"], "sl": 81.5, "tp": None}
    assert hedging.send(modify)["retcode"] == 10029
    hedging.market.set_quote("UKOIL", 82.0, 82.04)
    assert hedging.send(close)["retcode"] == 10009


# --- netting ---------------------------------------------------------------------


def test_netting_keeps_one_position_per_symbol(netting):
    first = opened(netting, deal(volume=0.1))
    netting.send(deal(volume=0.2))
    assert netting.positions == [first]
    assert first["volume"] == pytest.approx(0.3)
    assert first["price_open"] == pytest.approx(1.0901)


def test_netting_opposite_deal_reduces_closes_and_reverses(netting):
    long = opened(netting, deal(volume=0.3))
    assert netting.send(deal(side="sell", volume=0.1))["position"] == long["ticket"]
    assert long["volume"] == pytest.approx(0.2)
    reverse = netting.send(deal(side="sell", volume=0.5))
    [short] = netting.positions
    assert short["type"] == "sell" and short["volume"] == pytest.approx(0.3)
    assert short["ticket"] == reverse["order"] != long["ticket"]
    assert netting.deals[-1]["entry"] == "inout"
    netting.send(deal(side="buy", volume=0.3))
    assert netting.positions == []


def test_netting_reverse_needs_margin_only_for_the_excess(clock):
    broker = make_broker("netting", balance=2000.0, clock=clock)
    opened(broker, deal(volume=1.0))  # 1090 margin of 1990 equity
    assert broker.send(deal(side="sell", volume=2.0))["retcode"] == 10009
    assert broker.send(deal(side="buy", volume=3.5))["retcode"] == 10019


def test_netting_closeonly_allows_reducing(netting):
    netting.positions.append({"ticket": 7, "symbol": "USDRUB", "type": "buy",
                              "volume": 0.3, "price_open": 89.0, "sl": None,
                              "tp": None, "magic": 0})  # fmt: skip
    assert netting.send(deal("USDRUB", "sell", 0.1))["retcode"] == 10009
    assert netting.send(deal("USDRUB", "sell", 0.3))["retcode"] == 10044


# --- modifying, deleting ------------------------------------------------------------


def test_sltp_validates_and_answers_no_changes(hedging):
    position = opened(hedging, deal())
    request = {"action": "sltp", "position": position["ticket"], "sl": 1.08, "tp": 1.1}
    assert hedging.send(request)["retcode"] == 10009
    assert (position["sl"], position["tp"]) == (1.08, 1.1)
    assert hedging.send(request)["retcode"] == 10025
    assert hedging.send({**request, "sl": 1.0905})["retcode"] == 10016


def test_pending_orders_modify_and_remove(hedging):
    ticket = hedging.send(pending("buy_limit", 1.08))["order"]
    change = {
        "action": "modify",
        "order": ticket,
        "price": 1.07,
        "sl": 1.06,
        "tp": None,
    }
    assert hedging.send(change)["retcode"] == 10009
    assert hedging.order(ticket)["price"] == 1.07
    assert hedging.send({**change, "price": 1.095})["retcode"] == 10015
    assert hedging.send({"action": "remove", "order": ticket})["retcode"] == 10009
    assert hedging.orders == []
    assert hedging.send({"action": "remove", "order": ticket})["retcode"] == 10013


def test_frozen_pending_order_cannot_be_deleted(hedging):
    ticket = hedging.send(pending("buy_limit", 81.900, "UKOIL", 0.1))["order"]
    hedging.market.set_quote("UKOIL", 81.870, 81.905)  # Ask 5 points from it
    assert hedging.send({"action": "remove", "order": ticket})["retcode"] == 10029


# --- the market moving ----------------------------------------------------------------


def test_limit_order_activates_into_a_position_with_its_ticket(hedging):
    ticket = hedging.send(pending("buy_limit", 1.0850, sl=1.08))["order"]
    assert hedging.check_triggers() == []
    hedging.market.set_quote("EURUSD", 1.0849, 1.0850)
    [event] = hedging.check_triggers()
    assert "filled" in event
    [position] = hedging.positions
    assert position["ticket"] == ticket and position["price_open"] == 1.085
    assert position["sl"] == 1.08 and hedging.orders == []


def test_stop_order_fills_at_the_market(hedging):
    hedging.send(pending("sell_stop", 1.0800))
    hedging.market.set_quote("EURUSD", 1.0795, 1.0796)
    hedging.check_triggers()
    assert hedging.positions[0]["price_open"] == 1.0795


def test_stop_loss_and_take_profit_close_positions(hedging):
    long = opened(hedging, deal(sl=1.0850, tp=1.0950))
    short = opened(hedging, deal(side="sell", sl=1.0950, tp=1.0850))
    hedging.market.set_quote("EURUSD", 1.0849, 1.0850)
    events = hedging.check_triggers()
    assert len(events) == 2 and hedging.positions == []
    reasons = {d["position"]: d["reason"] for d in hedging.deals if d["entry"] == "out"}
    assert reasons == {long["ticket"]: "sl", short["ticket"]: "tp"}


def test_activation_without_money_cancels_the_order(clock):
    broker = make_broker(balance=500.0, clock=clock)
    broker.send(pending("buy_limit", 1.0850, volume=1.0))
    broker.market.set_quote("EURUSD", 1.0849, 1.0850)
    [event] = broker.check_triggers()
    assert "no money" in event
    assert broker.orders == [] and broker.positions == []


def test_nothing_triggers_while_the_market_is_closed(hedging):
    opened(hedging, deal(sl=1.0850))
    hedging.closed_symbols.add("EURUSD")
    hedging.market.set_quote("EURUSD", 1.0800, 1.0801)
    assert hedging.check_triggers() == []


def test_snapshot_round_trip(hedging):
    opened(hedging, deal(sl=1.08))
    hedging.send(pending("buy_limit", 1.08))
    copy = Broker.restore(hedging.market, hedging.snapshot())
    assert copy.snapshot() == hedging.snapshot()
    assert copy.send(deal())["order"] == hedging.send(deal())["order"]
