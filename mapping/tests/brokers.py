"""Broker symbol lists the mapping tests resolve against, built in one place.

Each is modelled on a real naming scheme (names as their MT5 servers list
them); together they cover plain names, an `m` suffix, `.r`/`.pro` tails,
`.cash` indices, `#`/`+` markers, and brackets and aliases with a `-Z` tail.
"""


def listing(names, **trade_modes):
    """Symbol entries as webhook_symbols.json has them (the fields kept)."""
    return [
        {"name": n, "trade_mode": trade_modes.get(n, "full")} for n in names.split()
    ]


BROKERS = {
    # IC Markets-like raw account: plain names, DAX as DE40, futures apart.
    "plain": listing(
        "EURUSD GBPUSD USDJPY USDCHF AUDUSD USDCAD NZDUSD EURJPY GBPJPY NZDJPY "
        "CADJPY EURGBP EURCHF USDCNH USDZAR XAUUSD XAGUSD XPTUSD US30 US500 USTEC "
        "DE40 UK100 JP225 F40 STOXX50 AUS200 XTIUSD XBRUSD XNGUSD BTCUSD ETHUSD "
        "DJ30.f AAPL.NAS"
    ),
    # Exness-like: everything with a glued m; DAX is DE30m; no USDCNH, no EURJPY.
    "m_suffix": listing(
        "EURUSDm GBPUSDm USDJPYm USDCHFm AUDUSDm GBPJPYm XAUUSDm XAGUSDm US30m "
        "US500m USTECm DE30m UK100m JP225m USOILm UKOILm BTCUSDm ETHUSDm"
    ),
    # Two account types on one server: .pro trades, the .r copies are close-only.
    "dotted": listing(
        "EURUSD.pro EURUSD.r GBPUSD.pro USDJPY.pro USDCHF.pro EURJPY.pro "
        "XAUUSD.pro XAUUSD.r XAGUSD.pro WS30.pro SPX500.pro NDX100.pro "
        "GER40.pro UK100.pro JPN225.pro WTI.pro BRENT.pro",
        **{"EURUSD.r": "closeonly", "XAUUSD.r": "closeonly"},
    ),
    # FTMO-like: plain currencies and metals, .cash indices and energies; no DAX.
    "cash": listing(
        "EURUSD GBPUSD USDJPY USDCHF EURJPY GBPJPY XAUUSD XAGUSD US30.cash "
        "US100.cash US500.cash UK100.cash JP225.cash USOIL.cash UKOIL.cash BTCUSD"
    ),
    # Markers: + on currencies and metals, # before indices, energies, shares.
    "markers": listing(
        "EURUSD+ GBPUSD+ USDJPY+ USDCHF+ USDCNH+ CADJPY+ XAUUSD+ XAGUSD+ #US30 "
        "#US500 #NAS100 #GER40 #UK100 #JPN225 #USOIL #UKOIL #AAPL #TSLA BTCUSD+"
    ),
    # Admiral/XM-like: GOLD and SILVER, bracketed indices, a -Z tail on pairs.
    "aliases": listing(
        "EURUSD-Z GBPUSD-Z USDJPY-Z USDCHF-Z NZDJPY-Z GOLD SILVER [DJI30] [SP500] "
        "[NQ100] [DAX40] [FTSE100] [JP225] WTI BRENT BTCUSD-Z XAUEUR"
    ),
    # Exchange-style feed with _i and -ECN tails and a prefix on crypto.
    "tails": listing(
        "EURUSD_i GBPUSD_i USDJPY_i EURJPY-ECN XAUUSD_i XAGUSD_i US30_i "
        "US500_i NAS100_i GER40_i UK100_i .BTCUSD .ETHUSD"
    ),
}

# The seed's own examples run against a broker listing XAUUSD and EURUSD.
SEED_BROKER = listing("XAUUSD EURUSD")


def contract(name, calc_mode, path, description, size, profit, expires=0):
    """An entry with the catalogue fields a terminal now writes."""
    return {
        "name": name, "description": description, "path": path,
        "trade_mode": "full", "calc_mode": calc_mode, "contract_size": size,
        "currency_profit": profit, "currency_margin": profit,
        "expiration_time": expires,
    }  # fmt: skip


def cash_index(name, description, size, profit):
    return contract(
        name, "cfd_index", f"Indices\\Cash\\{name}", description, size, profit
    )


def index_future(name, description, size, profit, mode="futures"):
    # Dated, rolled each quarter: 2026-03-20 08:00 UTC here.
    return contract(
        name, mode, f"Indices\\Futures\\{name}", description, size, profit,
        expires=1773993600,
    )  # fmt: skip


# XM-like: cash indices named ...Cash, the dated futures under the plain
# names (some on the CFD formula, dated all the same), GOLD, forex plain.
XM = [
    contract("EURUSD", "forex", "Forex\\EURUSD", "Euro vs US Dollar", 100000, "USD"),
    contract("USDJPY", "forex", "Forex\\USDJPY", "US Dollar vs Yen", 100000, "JPY"),
    contract("GOLD", "cfd", "Metals\\GOLD", "Gold vs US Dollar", 100, "USD"),
    cash_index("US100Cash", "US Tech 100 Cash Index", 1, "USD"),
    cash_index("US30Cash", "US 30 Cash Index", 1, "USD"),
    cash_index("US500Cash", "US 500 Cash Index", 1, "USD"),
    cash_index("GER40Cash", "Germany 40 Cash Index", 1, "EUR"),
    cash_index("JP225Cash", "Japan 225 Cash Index", 100, "JPY"),
    cash_index("UK100Cash", "UK 100 Cash Index", 1, "GBP"),
    index_future("US100", "US Tech 100 Index Futures", 10, "USD"),
    index_future("US30", "US 30 Index Futures", 5, "USD", mode="cfd"),
    index_future("GER40", "Germany 40 Index Futures", 25, "EUR"),
    index_future("JP225", "Japan 225 Index Futures", 500, "JPY", mode="exch_futures"),
    contract("OILCash", "cfd", "Energies\\OILCash", "Crude Oil Cash", 100, "USD"),
]
BROKERS["xm"] = XM
