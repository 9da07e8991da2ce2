"""Symbol specifications and the moving price feed."""

import math

import pytest

from ea.paper.market import MAX_CATCH_UP, STEP_SECONDS, Market
from ea.paper.symbols import BY_NAME, SYMBOLS, TRADE_MODES, decimals

from .conftest import make_broker


@pytest.mark.parametrize("spec", SYMBOLS, ids=lambda s: s.name)
def test_specs_are_coherent(spec):
    assert spec.point == pytest.approx(10.0**-spec.digits)
    ticks = spec.tick_size / spec.point
    assert ticks == pytest.approx(round(ticks)) and ticks >= 1
    assert spec.volume_min >= spec.volume_step > 0
    assert spec.volume_max > spec.volume_min
    assert spec.filling_modes in (1, 2, 3)
    assert spec.execution in ("market", "exchange")
    assert spec.trade_mode in TRADE_MODES
    assert spec.spread > 0 and 0 < spec.band < 0.1


def test_the_mix_covers_every_rule():
    masks = {s.filling_modes for s in SYMBOLS}
    assert masks == {1, 2, 3}
    assert BY_NAME["XAUUSD"].filling_modes == 2  # IOC only
    assert any(s.stops_level > 0 for s in SYMBOLS)
    assert any(s.freeze_level > 0 for s in SYMBOLS)
    assert {s.trade_mode for s in SYMBOLS} >= {"full", "closeonly", "disabled"}
    assert any(s.tick_size != s.point for s in SYMBOLS)
    for name in ("EURUSD", "GBPJPY", "XAUUSD", "XAGUSD", "US30", "US500", "USTEC",
                 "DE40", "UK100", "JP225", "USOIL", "UKOIL", "BTCUSD", "ETHUSD"):  # fmt: skip
        assert name in BY_NAME


@pytest.mark.parametrize(
    ("symbol", "volume", "expected"),
    [("EURUSD", 0.3, 0.3), ("EURUSD", 0.015, 0.01), ("EURUSD", 0.29, 0.29),
     ("EURUSD", 0.7, 0.7), ("EURUSD", 1.13, 1.13), ("DE40", 0.35, 0.3),
     ("DE40", 0.7, 0.7), ("EURUSD", 0.009, 0.0)],
)  # fmt: skip
def test_volume_normalisation_floors_with_an_epsilon(symbol, volume, expected):
    assert BY_NAME[symbol].normalize_volume(volume) == expected


def test_price_normalisation_uses_the_tick_size():
    assert BY_NAME["US500"].normalize_price(5200.13) == 5200.25
    assert BY_NAME["US500"].normalize_price(5200.12) == 5200.0
    assert BY_NAME["EURUSD"].normalize_price(1.0850049) == 1.085


@pytest.mark.parametrize(("symbol", "pip"), [("EURUSD", 0.0001), ("USDJPY", 0.01),
                                            ("XAUUSD", 0.01), ("DE40", 0.1)])  # fmt: skip
def test_pip_is_ten_points_on_3_and_5_digits(symbol, pip):
    assert BY_NAME[symbol].pip == pytest.approx(pip)


def test_decimals():
    assert [decimals(s) for s in (0.01, 0.1, 1.0, 0.25)] == [2, 1, 0, 2]


def test_symbols_file_entry_has_the_protocol_fields():
    entry = BY_NAME["EURUSD"].public(1.0)
    for key in ("name", "description", "digits", "point", "tick_size", "tick_value",
                "contract_size", "volume_min", "volume_step", "volume_max",
                "stops_level", "freeze_level", "filling_modes", "trade_mode",
                "currency_base", "currency_profit", "currency_margin", "path",
                "calc_mode", "expiration_time"):  # fmt: skip
        assert key in entry
    assert "base_price" not in entry and "volatility" not in entry


def test_the_nasdaq_is_listed_as_a_cash_cfd_and_as_a_dated_future():
    cash, future = BY_NAME["US100Cash"], BY_NAME["US100"]
    assert (cash.calc_mode, cash.expiration_time) == ("cfd_index", 0)
    assert (future.calc_mode, future.expiration_time) == ("futures", 1923984000)
    assert future.contract_size != cash.contract_size
    assert future.path == "Indices\\Futures\\US100"


# --- the feed ----------------------------------------------------------------------


def walk(seed, seconds, start=1000.0):
    market = Market(seed, start)
    market.advance(start + seconds)
    return {name: market.quote(name) for name in BY_NAME}


def test_the_feed_is_deterministic_for_a_seed():
    assert walk(42, 30) == walk(42, 30)
    assert walk(42, 30) != walk(43, 30)


def test_the_feed_moves_with_time():
    market = Market(5, 1000.0)
    before = market.quote("EURUSD")
    assert market.advance(1000.0 + STEP_SECONDS / 2) is False
    assert market.advance(1000.0 + 10) is True
    assert market.step == int(10 / STEP_SECONDS)
    assert market.quote("EURUSD") != before


def test_the_feed_stays_in_its_band_with_a_realistic_spread():
    market = Market(9, 0.0)
    for second in range(1, 600, 7):
        market.advance(float(second))
        for name, spec in BY_NAME.items():
            bid, ask = market.quote(name)
            low = spec.base_price * (1 - spec.band) - spec.spread * spec.point
            high = spec.base_price * (1 + spec.band) + spec.spread * spec.point
            assert low <= bid <= ask <= high
            assert ask - bid == pytest.approx(
                spec.spread * spec.point, abs=spec.tick_size
            )
            assert spec.normalize_price(bid) == bid


def test_a_long_pause_is_not_replayed_step_by_step():
    market = Market(3, 0.0)
    market.advance(86400.0)
    assert market.step == MAX_CATCH_UP
    assert market.time == 86400.0


def test_a_restart_continues_the_walk():
    market = Market(11, 0.0)
    market.advance(20.0)
    again = Market(11, 20.0, snapshot=market.snapshot())
    market.advance(40.0)
    again.advance(40.0)
    assert again.quote("GBPUSD") == market.quote("GBPUSD")


def test_the_walk_keeps_its_prices_from_one_version_to_the_next():
    """A saved state continues its walk after an upgrade: the same seed and
    step give the same mids, to the last bit (these are the walk's of
    before it was made leaner for idle terminals, issue 15)."""
    market = Market(42, 0.0)
    market.advance(100.0)
    assert market.step == MAX_CATCH_UP
    assert {n: market.mids[n] for n in ("EURUSD", "XAUUSD", "USDJPY", "US500")} == {
        "EURUSD": 1.0898674499678218,
        "XAUUSD": 2425.010318381431,
        "USDJPY": 149.81701348830737,
        "US500": 5202.429944877782,
    }


def test_pinned_quotes_do_not_move():
    market = Market(3, 0.0)
    market.set_quote("EURUSD", 1.1, 1.1001)
    market.advance(100.0)
    assert market.quote("EURUSD") == (1.1, 1.1001)


# --- money -------------------------------------------------------------------------


def test_exchange_rates_direct_inverse_and_via_usd():
    market = make_broker().market
    assert market.rate("USD", "USD") == 1.0
    assert market.rate("EUR", "USD") == 1.09
    assert market.rate("JPY", "USD") == pytest.approx(1 / 150.014)
    assert market.rate("RUB", "USD") == pytest.approx(1 / 92.0)
    assert market.rate("GBP", "JPY") == 190.0
    assert market.rate("RUB", "EUR") == pytest.approx(1 / 100.5)  # EURRUB
    _, chf_ask = market.quote("USDCHF")
    assert market.rate("CHF", "JPY") == pytest.approx(1 / chf_ask * 150.0)  # via USD
    with pytest.raises(ValueError, match="no exchange rate"):
        market.rate("XXX", "USD")


def test_tick_value_and_margin():
    market = make_broker().market
    assert market.tick_value(BY_NAME["EURUSD"], "USD") == 1.0
    assert market.tick_value(BY_NAME["USDJPY"], "USD") == pytest.approx(100 / 150.014)
    assert market.tick_value(BY_NAME["XAUUSD"], "USD") == 1.0
    assert market.margin(BY_NAME["EURUSD"], 1.0, 1.09, "USD") == pytest.approx(1090.0)
    gold = market.margin(BY_NAME["XAUUSD"], 0.01, 2425.25, "USD")
    assert gold == pytest.approx(0.01 * 100 * 2425.25 / 50)
    assert math.isfinite(market.margin(BY_NAME["JP225"], 1.0, 38500.0, "USD"))
