"""The terminal's refusals before sending (ea/paper/limits.py) agree with the
trade server's checks (ea/paper/rules.py) value for value: the terminal never
sends a request the server refuses for its volume or stops level, and never
withholds one the server would take."""

import pytest

from ea.paper import limits, rules
from ea.paper.symbols import BY_NAME

QUOTES = {"GBPJPY": (190.0, 190.03), "EURUSD": (1.09, 1.0901)}  # levels 30 and 0


def server_refuses(check, *args):
    try:
        check(*args)
    except rules.Refusal:
        return True
    return False


def prices_around(spec, reference):
    return [spec.normalize_price(reference + n * spec.point) for n in range(-45, 46)]


@pytest.mark.parametrize("name", QUOTES)
@pytest.mark.parametrize("side", ["buy", "sell"])
def test_position_stops_agree_with_the_server(name, side):
    spec, (bid, ask) = BY_NAME[name], QUOTES[name]
    reference = bid if side == "buy" else ask
    for price in prices_around(spec, reference):
        for sl, tp in ((price, None), (None, price)):
            local = limits.position_stops_refusal(spec, side, sl, tp, bid, ask)
            server = server_refuses(rules.check_stops, spec, side, reference, sl, tp)
            assert bool(local) == server, (side, sl, tp, local)


@pytest.mark.parametrize("name", QUOTES)
@pytest.mark.parametrize("kind", ["buy_limit", "buy_stop", "sell_limit", "sell_stop"])
def test_pending_prices_agree_with_the_server(name, kind):
    spec, (bid, ask) = BY_NAME[name], QUOTES[name]
    for price in prices_around(spec, (bid + ask) / 2):
        local = limits.pending_refusal(spec, kind, price, bid, ask)
        server = server_refuses(rules.check_pending_price, spec, kind, price, bid, ask)
        assert bool(local) == server, (kind, price, local)


@pytest.mark.parametrize("name", ["EURUSD", "US30"])  # steps 0.01 and 0.1
def test_volumes_agree_with_the_server(name):
    spec = BY_NAME[name]
    asked = [n * spec.volume_step / 4 for n in range(12)]
    asked += [spec.volume_max + d for d in (-spec.volume_step, 0, spec.volume_step)]
    for volume in asked:
        floored = spec.normalize_volume(volume)
        local = limits.volume_refusal(spec, volume, floored)
        server = server_refuses(rules.check_volume, spec, floored)
        assert bool(local) == server, (volume, floored, local)


def test_the_messages_name_the_value_and_the_limit():
    spec = BY_NAME["GBPJPY"]
    assert limits.volume_refusal(spec, 0.004, 0.0) == (
        "volume 0.004 is below the minimum 0.01 for GBPJPY"
    )
    assert limits.position_stops_refusal(spec, "sell", None, 190.01, 190.0, 190.03) == (
        "take profit 190.01 is 20 points below Ask 190.03, inside the stops level "
        "of 30 points for GBPJPY"
    )
