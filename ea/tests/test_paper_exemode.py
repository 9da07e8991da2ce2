"""The order's shape on the paper broker (issue 14, point 8): the filling an
execution mode accepts, the type_time a symbol's expiration mode allows, an
order keeping its type_time and expiration, expiry, and the two symbol
faults a profile can switch on (docs/mt5.md §4 and §14)."""

import dataclasses

import pytest

from ea.paper import rules
from ea.paper.faults import Faults, FaultsError
from ea.paper.symbols import BY_NAME

from .conftest import MAGIC, NOW, Desk, make_broker

DAY_END = 1764028800  # midnight UTC after NOW (2025-11-24 16:00 UTC)


def on(broker, name="EURUSD", **changes):
    """`broker` with `name`'s specification changed."""
    specs = dict(broker.market.specs)
    specs[name] = dataclasses.replace(specs[name], **changes)
    broker.market.specs = specs
    return broker


def deal(filling, symbol="EURUSD"):
    return {"action": "deal", "symbol": symbol, "type": "buy", "volume": 0.1,
            "type_filling": filling, "magic": MAGIC, "comment": ""}  # fmt: skip


def pending(**extra):
    return {"action": "pending", "symbol": "EURUSD", "type": "buy_limit",
            "volume": 0.1, "price": 1.085, "type_filling": "return", "magic": MAGIC,
            **extra}  # fmt: skip


def modify(ticket, **extra):
    return {"action": "modify", "order": ticket, "price": 1.084, "sl": None,
            "tp": None, **extra}  # fmt: skip


# --- filling by execution mode ----------------------------------------------------


@pytest.mark.parametrize(
    ("execution", "modes", "filling", "retcode"),
    [
        ("instant", 0, "fok", 10009),
        ("request", 0, "fok", 10009),
        ("instant", 0, "return", 10030),
        ("instant", 0, "ioc", 10030),
        ("instant", 2, "ioc", 10009),
        ("market", 0, "fok", 10030),
        ("market", 0, "return", 10030),
        ("exchange", 0, "return", 10009),
    ],
)
def test_each_execution_mode_accepts_its_fillings(
    clock, execution, modes, filling, retcode
):
    broker = on(make_broker(clock=clock), execution=execution, filling_modes=modes)
    assert broker.send(deal(filling))["retcode"] == retcode


def test_pending_orders_take_return_on_instant_execution(clock):
    broker = on(make_broker(clock=clock), execution="instant", filling_modes=0)
    assert broker.send(pending())["retcode"] == rules.PLACED


# --- type_time by expiration mode ---------------------------------------------------


@pytest.mark.parametrize(
    ("modes", "extra", "retcode"),
    [
        (2, {}, 10022),  # no type_time is GTC, which a day-only symbol refuses
        (2, {"type_time": "day"}, 10008),
        (1, {"type_time": "day"}, 10022),
        (4, {"type_time": "specified", "expiration": int(NOW) + 60}, 10008),
        (4, {"type_time": "specified", "expiration": int(NOW) - 60}, 10022),
        (8, {"type_time": "specified_day", "expiration": int(NOW) - 60}, 10008),
        (8, {"type_time": "specified_day", "expiration": int(NOW) - 86400}, 10022),
        (15, {"type_time": "weekly"}, 10022),
    ],
)
def test_a_type_time_the_symbol_does_not_allow_is_10022(clock, modes, extra, retcode):
    broker = on(make_broker(clock=clock), expiration_modes=modes)
    result = broker.send(pending(**extra))
    assert result["retcode"] == retcode, result
    assert len(broker.orders) == (retcode == 10008)


def test_an_order_keeps_its_type_time_and_expiration(hedging):
    expiration = int(NOW) + 3600
    ticket = hedging.send(pending(type_time="specified", expiration=expiration))
    order = hedging.order(ticket["order"])
    assert (order["type_time"], order["expiration"]) == ("specified", expiration)


def test_modify_without_type_time_makes_the_order_gtc_as_mt5_does(hedging):
    ticket = hedging.send(pending(type_time="day"))["order"]
    assert hedging.send(modify(ticket))["retcode"] == rules.DONE
    assert hedging.order(ticket)["type_time"] == "gtc"


def test_modify_with_the_orders_own_type_time_keeps_it(hedging):
    ticket = hedging.send(pending(type_time="day"))["order"]
    assert hedging.send(modify(ticket, type_time="day"))["retcode"] == rules.DONE
    assert hedging.order(ticket)["type_time"] == "day"


def test_modify_that_only_changes_the_expiry_is_a_change(hedging):
    ticket = hedging.send(pending(type_time="day"))["order"]
    same = modify(ticket, price=1.085, type_time="day")
    assert hedging.send(same)["retcode"] == rules.NO_CHANGES
    assert hedging.send({**same, "type_time": "gtc"})["retcode"] == rules.DONE


def test_modify_on_a_day_only_symbol_without_type_time_is_10022(clock):
    broker = on(make_broker(clock=clock), expiration_modes=2)
    ticket = broker.send(pending(type_time="day"))["order"]
    assert broker.send(modify(ticket))["retcode"] == rules.INVALID_EXPIRATION
    assert broker.order(ticket)["price"] == 1.085


# --- expiry -------------------------------------------------------------------------


def test_a_day_order_expires_at_the_end_of_its_day(hedging, clock):
    ticket = hedging.send(pending(type_time="day"))["order"]
    gtc = hedging.send(pending())["order"]
    clock.now = DAY_END - 1
    assert hedging.check_triggers() == []
    clock.now = DAY_END
    assert hedging.check_triggers() == [f"order #{ticket} expired (DAY)"]
    assert [o["ticket"] for o in hedging.orders] == [gtc]


def test_a_specified_order_expires_at_its_time(hedging, clock):
    expiration = int(NOW) + 600
    hedging.send(pending(type_time="specified", expiration=expiration))
    clock.now = expiration - 1
    hedging.check_triggers()
    assert len(hedging.orders) == 1
    clock.now = expiration
    hedging.check_triggers()
    assert hedging.orders == []


# --- the terminal -------------------------------------------------------------------


def test_the_terminal_places_day_orders_on_a_day_only_symbol(clock):
    desk = Desk(on(make_broker(clock=clock), expiration_modes=2))
    result = desk("BUY", "EURUSD", order_type="limit", price=1.085, volume=0.1)
    assert result["retcode"] == rules.PLACED
    [(request, _)] = desk.sent
    assert (request["type_time"], request["expiration"]) == ("day", 0)


# --- the symbol faults --------------------------------------------------------------


def test_day_only_makes_de40_keep_pending_orders_for_the_day(clock):
    broker = make_broker(clock=clock)
    broker.use_faults(Faults.parse("day_only=1"))
    assert broker.spec("DE40").expiration_modes == 2
    assert BY_NAME["DE40"].expiration_modes == 15  # the paper list is untouched
    desk = Desk(broker)
    bid = broker.quote("DE40")[0]
    result = desk("BUY", "DE40", order_type="limit", price=bid - 100, volume=0.1)
    assert result["retcode"] == rules.PLACED, result
    assert broker.orders[0]["type_time"] == "day"


def test_instant_nofill_makes_usdchf_fill_fok_only(clock):
    broker = make_broker(clock=clock)
    broker.use_faults(Faults.parse("instant_nofill=1"))
    spec = broker.spec("USDCHF")
    assert (spec.execution, spec.filling_modes) == ("instant", 0)
    assert broker.send(deal("return", "USDCHF"))["retcode"] == rules.INVALID_FILL
    result = Desk(broker)("BUY", "USDCHF", volume=0.1)
    assert result["retcode"] == rules.DONE, result


def test_realistic_includes_both_symbol_faults():
    faults = Faults.parse("realistic")
    assert faults.settings["day_only"] == faults.settings["instant_nofill"] == 1


def test_a_symbol_fault_is_a_switch():
    with pytest.raises(FaultsError, match="day_only=2 is a switch"):
        Faults.parse("day_only=2")
