"""What every golden vector is made of: the account, the tickets and the
quotes the cases share, builders for a command, a starting state and the
expected outcome, and the documents the cases cite.

The case modules (opening, sizing, closing, steps, edges, exemode) import
from here and from nowhere else in this folder; build.py imports them all.
Outcomes stay out of here: they are written by hand in the case modules.
"""

import dataclasses
import hashlib

from ea import protocol
from ea.paper.symbols import BY_NAME, EXPIRATION_ALL

LOGIN = "1123456"
NOW = 1764000000
MAGIC = 20250001
MANUAL = 0
OTHER_EA = 777
T = 50000001  # tickets of existing positions and orders: T, T+1, ...
NEXT = 50000101  # the next order/position ticket the broker gives out
DEAL = 40000101  # the next deal ticket
PRICES = {
    "EURUSD": (1.09000, 1.09010),
    "GBPUSD": (1.27000, 1.27014),
    "USDJPY": (150.000, 150.014),
    "GBPJPY": (190.000, 190.030),
    "XAUUSD": (2425.00, 2425.25),
    "US30": (39000.00, 39002.00),
    "UKOIL": (82.000, 82.040),
    "USDRUB": (90.000, 92.000),
    "EURRUB": (98.000, 100.500),
}
SPEC_SKIPPED = ("base_price", "spread", "volatility", "band")

# What the cases cite in `refs` (ea/vectors/README.md).
PROTOCOL = "PROTOCOL.md 3"
LOCAL = "PROTOCOL.md 4 (refused before sending)"
FILLING = "docs/mt5.md 4"
RETCODES = "docs/mt5.md 6"
VOLUME = "docs/mt5.md 7"
STOPS = "docs/mt5.md 8"
NETTING_HEDGING = "docs/mt5.md 9"
SIDES = ["PROTOCOL.md 3 (what each action does)", NETTING_HEDGING]


def command_id(name):
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def full_command(action, symbol, now=NOW, **fields):
    """A command exactly as the server writes it: every field, in order."""
    data = dict.fromkeys(protocol.COMMAND_FIELDS)
    data.update(
        protocol=1, seq=1, account=LOGIN, timestamp=now - 1, expires_at=now + 30,
        action=action, order_type="market", symbol=symbol, original_symbol=symbol,
        close_first="", include_manual=False, magic=MAGIC, comment="",
    )  # fmt: skip
    data.update(fields)
    return data


def command(name, action, symbol="", **fields):
    """The command of the case `name`: its id is derived from the name, so
    the files keep their names from one build to the next."""
    return full_command(action, symbol, id=command_id(name), **fields)


def pos(ticket, symbol, side, volume, price, sl=None, tp=None, magic=MAGIC):
    return {"ticket": ticket, "symbol": symbol, "type": side, "volume": volume,
            "price_open": price, "sl": sl, "tp": tp, "magic": magic}  # fmt: skip


def order(ticket, symbol, kind, volume, price, sl=None, tp=None, magic=MAGIC):
    return {"ticket": ticket, "symbol": symbol, "type": kind, "volume": volume,
            "price": price, "sl": sl, "tp": tp, "magic": magic}  # fmt: skip


# The long of ours that most hedging and closing cases start from.
OURS_BUY = pos(T, "EURUSD", "buy", 0.1, 1.085)


def spec_entry(name):
    data = dataclasses.asdict(BY_NAME[name])
    for key in SPEC_SKIPPED:
        data.pop(key)
    # The defaults (market execution, every expiration mode): only the odd
    # symbol says so.
    if data["execution"] == "market":
        data.pop("execution")
    if data["expiration_modes"] == EXPIRATION_ALL:
        data.pop("expiration_modes")
    if not data["expiration_time"]:  # likewise: only a dated one
        data.pop("expiration_time")
    data["point"] = BY_NAME[name].point
    return data


def state(positions=(), orders=(), **extra):
    base = {
        "login": LOGIN, "now": NOW, "margin_mode": "hedging", "currency": "USD",
        "balance": 10000.0, "next_ticket": NEXT, "next_deal": DEAL,
        "prices": {n: {"bid": b, "ask": a} for n, (b, a) in PRICES.items()},
        "symbols": {n: spec_entry(n) for n in PRICES},
        "positions": list(positions), "orders": list(orders),
        "market_closed": [], "executed_ids": [],
    }  # fmt: skip
    base.update(extra)
    return base


def done(ticket, price, volume, **extra):
    return {"status": "executed", "retcode": 10009, "ticket": ticket, "price": price,
            "volume": volume, **extra}  # fmt: skip


def refused(retcode, status="rejected"):
    return {"status": status, "retcode": retcode, "ticket": None, "price": None,
            "volume": None}  # fmt: skip


def deal(side, symbol, volume, **extra):
    return {
        "request": "deal",
        "type": side,
        "symbol": symbol,
        "volume": volume,
        **extra,
    }


def expect(result, requests=(), message="", **extra):
    data = {"result": result, "result_varies": ["time"] if result else [],
            "message_contains": message, "requests": list(requests)}  # fmt: skip
    data.update(extra)
    return data


def vector(name, description, refs, start, cmd, expected):
    """One golden vector; `cmd` is {"command": {...}}, {"command_file": {...}},
    or {} when nothing is dropped (the case is what start-up finds)."""
    return {"name": name, "description": description, "refs": refs,
            "state": start, **cmd, "expected": expected}  # fmt: skip


def cmd(name, action, symbol="", **fields):
    return {"command": command(name, action, symbol, **fields)}


def closing_vector(name, description, start, cmd_args, expected, refs=SIDES):
    """A case whose command is named after it; `cmd_args` is (action,
    symbol, fields)."""
    action, symbol, fields = cmd_args
    return vector(
        name, description, refs, start, cmd(name, action, symbol, **fields), expected
    )
