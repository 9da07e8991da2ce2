"""Resolution against real-looking broker lists: what each alert symbol becomes
on each broker, and what must be refused rather than guessed."""

import pytest

from mapping.matching import BrokerIndex, Unresolvable, match
from mapping.tests.brokers import BROKERS, SEED_BROKER, listing

INDEXES = {name: BrokerIndex(entries) for name, entries in BROKERS.items()}
REFUSED = None

CASES = [
    # broker, alert symbol, expected broker symbol (None: refused), how
    ("plain", "EURUSD", "EURUSD", "exact"),
    ("plain", "OANDA:XAUUSD", "XAUUSD", "exact"),
    ("plain", "eurusd", "EURUSD", "rule"),
    ("plain", "EURUSD.pro", "EURUSD", "rule"),
    ("plain", "XAUUSDm", "XAUUSD", "rule"),
    ("plain", "GOLD", "XAUUSD", "rule"),
    ("plain", "SILVER", "XAGUSD", "rule"),
    ("plain", "US30.cash", "US30", "rule"),
    ("plain", "DJ30", "US30", "rule"),  # the cash index, not DJ30.f
    ("plain", "DJ30.f", "DJ30.f", "exact"),
    ("plain", "US30.f", "DJ30.f", "fuzzy 1.00"),  # a future only for a future
    ("plain", "NAS100", "USTEC", "rule"),
    ("plain", "SPX500", "US500", "rule"),
    ("plain", "GER40", "DE40", "rule"),
    ("plain", "FTSE100", "UK100", "rule"),
    ("plain", "JPN225", "JP225", "rule"),
    ("plain", "USOIL", "XTIUSD", "rule"),
    ("plain", "WTI", "XTIUSD", "rule"),
    ("plain", "UKOIL", "XBRUSD", "rule"),
    ("plain", "BTCUSDT", "BTCUSD", "rule"),
    ("plain", "BINANCE:ETHUSDT", "ETHUSD", "rule"),
    ("plain", "EURJPY", "EURJPY", "exact"),
    ("plain", "USDCNH", "USDCNH", "exact"),
    ("plain", "AAPL", REFUSED, ""),  # AAPL.NAS: a share is never guessed
    ("plain", "CHINA50", REFUSED, ""),
    ("m_suffix", "EURUSD", "EURUSDm", "rule"),
    ("m_suffix", "XAUUSD", "XAUUSDm", "rule"),
    ("m_suffix", "GOLD", "XAUUSDm", "rule"),
    ("m_suffix", "US30", "US30m", "rule"),
    ("m_suffix", "NAS100", "USTECm", "rule"),
    ("m_suffix", "DE40", "DE30m", "rule"),  # Exness's DAX keeps the old 30
    ("m_suffix", "USOIL", "USOILm", "rule"),
    ("m_suffix", "BTCUSDT", "BTCUSDm", "rule"),
    ("m_suffix", "EURJPY", REFUSED, ""),  # never JP225m
    ("m_suffix", "USDCNH", REFUSED, ""),  # never USDCHFm
    ("m_suffix", "US2000", REFUSED, ""),
    ("dotted", "EURUSD", "EURUSD.pro", "rule"),  # .r is close-only
    ("dotted", "XAUUSD.r", "XAUUSD.r", "exact"),
    ("dotted", "XAUUSDm", "XAUUSD.pro", "rule"),
    ("dotted", "US30", "WS30.pro", "rule"),
    ("dotted", "US500", "SPX500.pro", "rule"),  # never WS30.pro
    ("dotted", "USTEC", "NDX100.pro", "rule"),
    ("dotted", "DE40", "GER40.pro", "rule"),
    ("dotted", "JP225", "JPN225.pro", "rule"),
    ("dotted", "USOIL", "WTI.pro", "rule"),
    ("dotted", "GOLD", "XAUUSD.pro", "rule"),
    ("dotted", "USDCNH", REFUSED, ""),
    ("dotted", "GBPJPY", REFUSED, ""),
    ("cash", "US30", "US30.cash", "rule"),
    ("cash", "NAS100", "US100.cash", "rule"),
    ("cash", "US500", "US500.cash", "rule"),
    ("cash", "JP225", "JP225.cash", "rule"),
    ("cash", "UKOIL", "UKOIL.cash", "rule"),
    ("cash", "EURJPY", "EURJPY", "exact"),
    ("cash", "DE40", REFUSED, ""),  # no DAX on this broker
    ("cash", "GER40.cash", REFUSED, ""),
    ("markers", "EURUSD", "EURUSD+", "rule"),
    ("markers", "US30", "#US30", "rule"),
    ("markers", "USTEC", "#NAS100", "rule"),
    ("markers", "DE40", "#GER40", "rule"),
    ("markers", "AAPL", "#AAPL", "rule"),
    ("markers", "USDCNH", "USDCNH+", "rule"),
    ("markers", "EURJPY", REFUSED, ""),
    ("markers", "NZDJPY", REFUSED, ""),
    ("aliases", "XAUUSD", "GOLD", "rule"),
    ("aliases", "XAGUSD", "SILVER", "rule"),
    ("aliases", "US30", "[DJI30]", "rule"),
    ("aliases", "US500", "[SP500]", "rule"),
    ("aliases", "NAS100", "[NQ100]", "rule"),
    ("aliases", "DE40", "[DAX40]", "rule"),
    ("aliases", "UK100", "[FTSE100]", "rule"),
    ("aliases", "JP225", "[JP225]", "rule"),
    ("aliases", "USOIL", "WTI", "rule"),
    ("aliases", "EURUSD", "EURUSD-Z", "rule"),
    ("aliases", "USDCNH", REFUSED, ""),  # USDCHF-Z is listed
    ("aliases", "EURJPY", REFUSED, ""),  # [JP225] is listed
    ("aliases", "GBPJPY", REFUSED, ""),
    ("aliases", "CADJPY", REFUSED, ""),
    ("aliases", "XAUGBP", REFUSED, ""),  # gold, but not in pounds: not XAUEUR
    ("tails", "EURUSD", "EURUSD_i", "rule"),
    ("tails", "EURJPY", "EURJPY-ECN", "rule"),
    ("tails", "XAUUSD", "XAUUSD_i", "rule"),
    ("tails", "USTEC", "NAS100_i", "rule"),
    ("tails", "DE40", "GER40_i", "rule"),
    ("tails", "BTCUSD", ".BTCUSD", "rule"),
    ("tails", "ETHUSDT", ".ETHUSD", "rule"),
    ("tails", "JP225", REFUSED, ""),
    ("tails", "US500", "US500_i", "rule"),
    ("tails", "USDCHF", REFUSED, ""),
]


@pytest.mark.parametrize(("broker", "symbol", "expected", "how"), CASES)
def test_each_broker_gets_its_own_name_or_a_refusal(broker, symbol, expected, how):
    index = INDEXES[broker]
    if expected is REFUSED:
        with pytest.raises(Unresolvable):
            match(index, symbol, {}, 0.6)
    else:
        resolution = match(index, symbol, {}, 0.6)
        assert (resolution.symbol, resolution.how) == (expected, how)


def test_the_table_covers_six_naming_schemes_and_refusals_on_each():
    brokers = {case[0] for case in CASES}
    refused = {case[0] for case in CASES if case[2] is REFUSED}
    assert len(brokers) >= 6 and refused == brokers


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [("XAUUSDM", "XAUUSD"), ("GOLD", "XAUUSD"), ("EURUSD.", "EURUSD")],
)
def test_the_seeds_examples_hold(symbol, expected):
    assert match(BrokerIndex(SEED_BROKER), symbol, {}, 0.6).symbol == expected


def test_the_seeds_hash_dependent_guess_is_now_one_answer():
    index = BrokerIndex(listing("US30 EURUSD"))
    assert match(index, "EURUSD.pro", {}, 0.6).symbol == "EURUSD"


@pytest.mark.parametrize(
    ("symbol", "near"),
    [("EURJPY", "JP225"), ("US500", "US30"), ("USDCNH", "USDCHF"), ("DE40", "DE")],
)
def test_the_seeds_wrong_guesses_are_refused(symbol, near):
    index = BrokerIndex(listing(f"{near} EURUSD XAUUSD"))
    with pytest.raises(Unresolvable):
        match(index, symbol, {}, 0.6)


def test_a_refusal_names_the_closest_symbols_and_why():
    with pytest.raises(Unresolvable) as refused:
        match(INDEXES["aliases"], "EURJPY", {}, 0.6)
    detail = refused.value.detail
    assert "no symbol on it is the same instrument (fx:EURJPY)" in detail
    assert "closest: " in detail and "USDJPY-Z (0.57)" in detail


def test_fuzzy_only_among_the_same_instrument_and_over_the_threshold():
    index = BrokerIndex(listing("EURUSD.abc EURUSD.abcd GBPUSD"))
    resolution = match(index, "EURUSD", {}, 0.6)
    assert (resolution.symbol, resolution.how) == ("EURUSD.abc", "fuzzy 0.75")
    with pytest.raises(Unresolvable, match=r"EURUSD.abc, scores 0.75 < 0.8"):
        match(index, "EURUSD", {}, 0.8)
    with pytest.raises(Unresolvable, match=r"same instrument \(fx:USDJPY\)"):
        match(index, "USDJPY", {}, 0.0)


def test_equal_scores_go_to_the_first_name_in_order():
    index = BrokerIndex(listing("EURUSD.yz EURUSD.xy"))
    assert match(index, "EURUSD", {}, 0.6).symbol == "EURUSD.xy"


CUSTOM = {"GOLDSPOT": "XAUUSD", "DJ30": "DJ30.f", "US30": "US500", "OIL": "XPDUSD"}


@pytest.mark.parametrize(
    ("broker", "symbol", "expected", "how"),
    [
        ("plain", "goldspot", "XAUUSD", "custom"),
        ("m_suffix", "goldspot", "XAUUSDm", "custom+rule"),
        ("plain", "DJ30", "DJ30.f", "custom"),  # wins over the rule's US30
        ("plain", "US30", "US30", "exact"),  # an exact name comes first
    ],
)
def test_custom_mappings_win_over_rules(broker, symbol, expected, how):
    resolution = match(INDEXES[broker], symbol, CUSTOM, 0.6)
    assert (resolution.symbol, resolution.how) == (expected, how)


def test_a_custom_mapping_to_a_missing_symbol_is_refused_not_bypassed():
    with pytest.raises(Unresolvable, match="OIL is mapped to XPDUSD"):
        match(INDEXES["plain"], "OIL", CUSTOM, 0.6)


@pytest.mark.parametrize(
    ("symbol", "expected", "how"),
    [
        ("XAUUSD", "XAUUSD", "unchecked"),
        ("xauusd.r", "XAUUSD", "rule, unchecked"),
        ("OANDA:EURUSD", "EURUSD", "unchecked"),
        ("GOLD", "GOLD", "unchecked"),
        ("AAPL.US", "AAPL.US", "unchecked"),
        ("goldspot", "XAUUSD", "custom, unchecked"),
    ],
)
def test_without_a_list_rules_and_mappings_apply_unchecked(symbol, expected, how):
    resolution = match(None, symbol, CUSTOM, 0.6)
    assert (resolution.symbol, resolution.how) == (expected, how)
