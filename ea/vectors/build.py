"""Writes the golden vectors in this folder: `python -m ea.vectors.build`.

The expected outcomes are written by hand from ea/PROTOCOL.md and
docs/mt5.md, never produced by running the paper broker: that is what makes
them golden.
This script only fills in the parts every vector repeats (the full command,
the symbol specifications, the prices). ea/tests/test_paper_vectors.py checks
that the JSON files are what this script writes, then replays each of them.
"""

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from ea import protocol
from ea.paper.symbols import BY_NAME

HERE = Path(__file__).resolve().parent
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


def command_id(name):
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def command(name, action, symbol="", **fields):
    """A command exactly as the server writes it: every field, in order."""
    data = dict.fromkeys(protocol.COMMAND_FIELDS)
    data.update(
        protocol=1, id=command_id(name), seq=1, account=LOGIN, timestamp=NOW - 1,
        expires_at=NOW + 30, action=action, order_type="market", symbol=symbol,
        original_symbol=symbol, close_first="", include_manual=False, magic=MAGIC,
        comment="",
    )  # fmt: skip
    data.update(fields)
    return data


def pos(ticket, symbol, side, volume, price, sl=None, tp=None, magic=MAGIC):
    return {"ticket": ticket, "symbol": symbol, "type": side, "volume": volume,
            "price_open": price, "sl": sl, "tp": tp, "magic": magic}  # fmt: skip


def order(ticket, symbol, kind, volume, price, sl=None, tp=None, magic=MAGIC):
    return {"ticket": ticket, "symbol": symbol, "type": kind, "volume": volume,
            "price": price, "sl": sl, "tp": tp, "magic": magic}  # fmt: skip


def spec_entry(name):
    data = dataclasses.asdict(BY_NAME[name])
    for key in SPEC_SKIPPED:
        data.pop(key)
    if data["execution"] == "market":  # the default: only the odd one says so
        data.pop("execution")
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


def write(folder=HERE):
    """Write every vector as NNN_<name>.json; returns the paths."""
    written = []
    for number, data in enumerate(all_vectors(), start=1):
        path = Path(folder) / f"{number:03d}_{data['name']}.json"
        path.write_text(render(data), encoding="ascii")
        written.append(path)
    return written


def render(data):
    return json.dumps(data, indent=2) + "\n"


def all_vectors():
    from ea.vectors import closing, edges, opening, sizing, steps  # import this

    return [
        *opening.VECTORS,
        *sizing.VECTORS,
        *closing.VECTORS,
        *steps.VECTORS,
        *edges.RETURN_ONLY,
        *edges.OPENING_LIMITS,
        *edges.CLOSING_LIMITS,
    ]


if __name__ == "__main__":
    for old in HERE.glob("*.json"):
        old.unlink()
    print(f"wrote {len(write())} vectors to {HERE}", file=sys.stderr)
