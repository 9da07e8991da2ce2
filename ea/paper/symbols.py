"""The paper broker's symbols, with specifications like a retail MT5 server's.

The mix is deliberate: FOK-only, IOC-only and FOK+IOC filling masks, stops and
freeze levels above zero, a tick size that is not the point (US500), volume
steps of 0.01 and 0.1, a close-only and a disabled symbol. Every rule of
docs/mt5.md §4-§8 therefore has a symbol on which it matters; the
RETURN-only case (no FOK or IOC flag, exchange execution), instant and
request execution and the day-only expiration are golden vectors' own
symbols (and the last two a fault profile's, ea/paper/faults.py).
The Nasdaq is listed three ways, as XM lists it: USTEC, a cash CFD
US100Cash and a dated future US100 (mapping/kinds.py chooses).
"""

import math
from dataclasses import asdict, dataclass

FILLING_FOK = 1  # SYMBOL_FILLING_FOK
FILLING_IOC = 2  # SYMBOL_FILLING_IOC
# SYMBOL_TRADE_EXEMODE, in ENUM_SYMBOL_TRADE_EXECUTION's order (0..3).
EXECUTIONS = ("request", "instant", "market", "exchange")
# SYMBOL_EXPIRATION_MODE's flags, by the request's type_time that each allows
# (ORDER_TIME_GTC, _DAY, _SPECIFIED, _SPECIFIED_DAY: docs/mt5.md §14).
EXPIRATIONS = {"gtc": 1, "day": 2, "specified": 4, "specified_day": 8}
EXPIRATION_ALL = 15
TRADE_MODES = ("full", "longonly", "shortonly", "closeonly", "disabled")


@dataclass(frozen=True)
class Spec:
    name: str
    description: str
    digits: int
    tick_size: float
    contract_size: float
    volume_min: float
    volume_step: float
    volume_max: float
    currency_base: str
    currency_profit: str
    currency_margin: str
    path: str
    # SYMBOL_TRADE_CALC_MODE as text (ea/PROTOCOL.md 5). "forex": margin =
    # lots x contract / leverage in the margin currency; any other: x price.
    calc_mode: str
    leverage: float
    base_price: float  # the centre of the price feed's walk
    spread: int  # points
    stops_level: int = 0
    freeze_level: int = 0
    filling_modes: int = FILLING_FOK | FILLING_IOC
    trade_mode: str = "full"
    # SYMBOL_TRADE_EXEMODE (EXECUTIONS): request and instant execution fill
    # market orders FOK, market execution FOK or IOC as the mask allows,
    # exchange execution RETURN too (docs/mt5.md §4).
    execution: str = "market"
    # SYMBOL_EXPIRATION_TIME, Unix seconds; 0: the symbol never expires. The
    # paper broker trades a dated symbol after it all the same.
    expiration_time: int = 0
    # SYMBOL_EXPIRATION_MODE: the type_time values pending orders may take.
    expiration_modes: int = EXPIRATION_ALL
    volatility: float = 0.00002  # relative sigma of one feed step
    band: float = 0.004  # the walk stays within base_price x (1 +- band)

    @property
    def point(self):
        return float(f"1e-{self.digits}")

    @property
    def pip(self):
        """PROTOCOL.md: 10 points on 3- and 5-digit symbols, else 1 point."""
        return self.point * (10 if self.digits in (3, 5) else 1)

    def normalize_price(self, price):
        ticks = round(price / self.tick_size)
        return round(ticks * self.tick_size, self.digits)

    def normalize_volume(self, volume):
        """docs/mt5.md §7: floor to the step with an epsilon, so 0.3 stays 0.3
        although 0.3 / 0.01 is 29.999999999999996 in binary floating point."""
        steps = math.floor(volume / self.volume_step + 1e-9)
        return round(steps * self.volume_step, decimals(self.volume_step))

    def public(self, tick_value):
        """The entry of webhook_symbols.json (PROTOCOL.md section 5)."""
        data = {k: v for k, v in asdict(self).items() if k not in _FEED_ONLY}
        data["point"] = self.point
        data["tick_value"] = tick_value
        return data


# Simulation settings, not symbol properties a real terminal would report,
# and `execution` and `expiration_modes`, which webhook_symbols.json does not
# carry (PROTOCOL.md 5).
_FEED_ONLY = (
    "leverage", "base_price", "spread", "volatility", "band", "execution",
    "expiration_modes",
)  # fmt: skip


def decimals(step):
    """Decimal places of a step such as 0.01 (2) or 0.1 (1) or 1.0 (0)."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1])


def _fx(name, description, price, spread, **extra):
    base, quote = name[:3], name[3:]
    group = "Majors" if "USD" in name else "Crosses"
    extra.setdefault("digits", 3 if quote in ("JPY", "RUB") else 5)
    return Spec(
        name=name,
        description=description,
        tick_size=float(f"1e-{extra['digits']}"),
        contract_size=100000.0,
        volume_min=0.01,
        volume_step=0.01,
        volume_max=100.0,
        currency_base=base,
        currency_profit=quote,
        currency_margin=base,
        path=f"Forex\\{group}\\{name}",
        calc_mode="forex",
        leverage=100.0,
        base_price=price,
        spread=spread,
        **extra,
    )


def _cfd(name, description, group, profit, price, spread, digits, **extra):
    extra.setdefault("tick_size", float(f"1e-{digits}"))
    extra.setdefault("contract_size", 1.0)
    extra.setdefault("volume_min", 0.1)
    extra.setdefault("volume_step", 0.1)
    extra.setdefault("volume_max", 100.0)
    extra.setdefault("leverage", 50.0)
    extra.setdefault("calc_mode", "cfd")
    extra.setdefault("path", f"{group}\\{name}")
    return Spec(
        name=name,
        description=description,
        digits=digits,
        currency_base=name[:3] if group in ("Metals", "Crypto") else profit,
        currency_profit=profit,
        currency_margin=profit,
        base_price=price,
        spread=spread,
        **extra,
    )


FOK, IOC = FILLING_FOK, FILLING_IOC

SYMBOLS = (
    _fx("EURUSD", "Euro vs US Dollar", 1.09, 10),
    _fx("GBPUSD", "Great Britain Pound vs US Dollar", 1.27, 14, filling_modes=FOK),
    _fx("USDJPY", "US Dollar vs Japanese Yen", 150.0, 14),
    _fx("USDCHF", "US Dollar vs Swiss Franc", 0.88, 16),
    _fx("AUDUSD", "Australian Dollar vs US Dollar", 0.66, 12),
    _fx("USDCAD", "US Dollar vs Canadian Dollar", 1.36, 18),
    _fx("NZDUSD", "New Zealand Dollar vs US Dollar", 0.61, 20),
    _fx("EURJPY", "Euro vs Japanese Yen", 163.0, 20, stops_level=10),
    _fx("GBPJPY", "Great Britain Pound vs Japanese Yen", 190.0, 30, stops_level=30),
    _fx("EURGBP", "Euro vs Great Britain Pound", 0.855, 15, stops_level=10),
    _fx("EURCHF", "Euro vs Swiss Franc", 0.955, 20),
    _fx("AUDJPY", "Australian Dollar vs Japanese Yen", 99.0, 24),
    # Brokers put sanctioned currencies on close-only or off altogether.
    _fx("USDRUB", "US Dollar vs Russian Ruble", 90.0, 2000, trade_mode="closeonly"),
    _fx("EURRUB", "Euro vs Russian Ruble", 98.0, 2500, trade_mode="disabled"),
    # XAUUSD is IOC-only, so a terminal that always sends FOK gets 10030. Its
    # narrow band keeps the README's example (SL 2400, TP 2450) valid.
    _cfd(
        "XAUUSD", "Gold vs US Dollar", "Metals", "USD", 2425.0, 25, 2,
        contract_size=100.0, volume_min=0.01, volume_step=0.01, volume_max=50.0,
        filling_modes=IOC,
    ),
    _cfd(
        "XAGUSD", "Silver vs US Dollar", "Metals", "USD", 29.0, 30, 3,
        contract_size=5000.0, volume_min=0.01, volume_step=0.01, stops_level=20,
    ),
    _cfd(
        "US30", "Dow Jones Industrial Average", "Indices", "USD", 39000.0, 200, 2,
        stops_level=100, filling_modes=IOC, volatility=0.00003,
    ),
    _cfd(
        "US500", "S&P 500 Index", "Indices", "USD", 5200.0, 50, 2,
        tick_size=0.25, volatility=0.00003,
    ),
    _cfd(
        "USTEC", "Nasdaq 100 Index", "Indices", "USD", 18200.0, 150, 2,
        volatility=0.00004,
    ),
    _cfd(
        "DE40", "Germany 40 Index", "Indices", "EUR", 18500.0, 12, 1,
        stops_level=20, volatility=0.00003,
    ),
    _cfd(
        "UK100", "UK 100 Index", "Indices", "GBP", 8200.0, 10, 1,
        filling_modes=FOK, volatility=0.00003,
    ),
    _cfd(
        "JP225", "Japan 225 Index", "Indices", "JPY", 38500.0, 80, 1,
        contract_size=100.0, volatility=0.00004,
    ),
    _cfd(
        "USOIL", "US Crude Oil (WTI)", "Energies", "USD", 78.0, 30, 3,
        contract_size=1000.0, volume_min=0.01, volume_step=0.01, leverage=20.0,
        stops_level=20, volatility=0.00005,
    ),
    _cfd(
        "UKOIL", "UK Brent Crude Oil", "Energies", "USD", 82.0, 40, 3,
        contract_size=1000.0, volume_min=0.01, volume_step=0.01, leverage=20.0,
        stops_level=20, freeze_level=10, filling_modes=FOK, volatility=0.00005,
    ),
    _cfd(
        "BTCUSD", "Bitcoin vs US Dollar", "Crypto", "USD", 65000.0, 2500, 2,
        volume_min=0.01, volume_step=0.01, volume_max=10.0, leverage=2.0,
        volatility=0.0001, band=0.02,
    ),
    _cfd(
        "ETHUSD", "Ethereum vs US Dollar", "Crypto", "USD", 3200.0, 200, 2,
        volume_min=0.01, volume_step=0.01, leverage=2.0,
        volatility=0.00012, band=0.02,
    ),
    # XM's pair: the cash index, and the dated future under the plain name,
    # with another contract size (rolled quarterly; 2030-12-20 08:00 UTC).
    _cfd(
        "US100Cash", "US Tech 100 Cash Index", "Indices", "USD", 18200.0, 150, 2,
        calc_mode="cfd_index", path="Indices\\Cash\\US100Cash",
        volatility=0.00004,
    ),
    _cfd(
        "US100", "US Tech 100 Index Futures", "Indices", "USD", 18260.0, 200, 2,
        contract_size=10.0, volume_min=1.0, volume_step=1.0, volume_max=50.0,
        calc_mode="futures", expiration_time=1923984000,
        path="Indices\\Futures\\US100", volatility=0.00004,
    ),
)  # fmt: skip

BY_NAME = {spec.name: spec for spec in SYMBOLS}
