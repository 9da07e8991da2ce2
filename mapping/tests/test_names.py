"""What instrument a name means: the identity that fuzzy matching never crosses."""

import pytest

from mapping.names import parse


@pytest.mark.parametrize(
    ("text", "clean", "identity", "strict"),
    [
        ("EURUSD", "EURUSD", "fx:EURUSD", True),
        ("OANDA:eurusd", "EURUSD", "fx:EURUSD", True),
        ("EUR/USD", "EURUSD", "fx:EURUSD", True),
        ("EURUSD.", "EURUSD", "fx:EURUSD", True),
        ("EURUSD+", "EURUSD", "fx:EURUSD", True),
        ("EURUSD-ECN", "EURUSD", "fx:EURUSD", True),
        ("EURUSD.pro", "EURUSD", "fx:EURUSD", True),
        ("USDCNH", "USDCNH", "fx:USDCNH", True),
        ("USDCHF", "USDCHF", "fx:USDCHF", True),
        ("EURJPY", "EURJPY", "fx:EURJPY", True),
        ("XAUUSDm", "XAUUSD", "metal:XAUUSD", True),
        ("XAUUSD_i", "XAUUSD", "metal:XAUUSD", True),
        ("GOLD", "GOLD", "metal:XAUUSD", True),
        ("XAUEUR", "XAUEUR", "metal:XAUEUR", True),
        ("US30.cash", "US30", "index:DOW", True),
        ("US30Cash", "US30", "index:DOW", True),
        ("#US30", "US30", "index:DOW", True),
        ("[DJI30]", "DJI30", "index:DOW", True),
        ("US500", "US500", "index:SPX", True),
        ("USTECm", "USTEC", "index:NDX", True),
        ("JP225", "JP225", "index:NIKKEI", True),
        ("DE40", "DE40", "index:DAX", True),
        ("DJ30.f", "DJ30", "index:DOW/future", False),
        ("US30-Z24", "US30", "index:DOW/future", False),
        ("EURUSD.abc", "EURUSD", "fx:EURUSD", False),
        ("BTCUSDT", "BTCUSDT", "crypto:BTCUSD", True),
        ("XBTUSD", "XBTUSD", "crypto:BTCUSD", True),
        ("BTC-USD", "BTCUSD", "crypto:BTCUSD", True),
        ("USOIL.cash", "USOIL", "energy:WTI", True),
        ("#AAPL", "AAPL", "", True),
        ("AAPL.m", "AAPL", "", True),
        ("AAPLm", "AAPLM", "", True),  # glued letters may be the name
        ("AAPL.US", "AAPL.US", "", True),
        ("OIL", "OIL", "", True),  # WTI on some brokers, Brent on others
        ("ES1!", "ES1", "", True),
    ],
)
def test_it_reads_what_a_name_means(text, clean, identity, strict):
    name = parse(text)
    assert (name.clean, name.identity, name.strict) == (clean, identity, strict)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("EURJPY", "JP225"),
        ("GBPJPY", "JPN225"),
        ("US500", "US30"),
        ("USTEC", "US30"),
        ("USDCNH", "USDCHF"),
        ("EURUSD", "USDEUR"),
        ("XAUUSD", "XAGUSD"),
        ("XAUUSD", "XAUEUR"),
        ("US30", "US30.f"),
        ("USOIL", "UKOIL"),
    ],
)
def test_different_instruments_never_share_an_identity(one, other):
    assert parse(one).identity != parse(other).identity
