"""What the paper terminal reports as its book (PROTOCOL.md 5.1): open
positions, pending orders, the day's closing deals and the account's money,
read from its broker as the EA reads them from MT5. Terminal writes it; this
says what it holds.

The day is the trade server's (its clock is `broker.server_offset` ahead of
UTC); every time in the book is Unix seconds, UTC.
"""

from datetime import UTC, datetime

from ea import protocol

DAY = 86400
# Deals that close a position in whole or in part, and carry its profit.
CLOSING = ("out", "inout", "out_by")


def book(terminal):
    """The book, field for field in PROTOCOL.md 5.1's order."""
    broker, now = terminal.broker, terminal.clock()
    server_now = int(now) + broker.server_offset
    start = server_now - server_now % DAY  # midnight on the server's clock
    positions, orders = broker.seen_positions(), broker.orders
    today = [d for d in broker.deals
             if d["time"] + broker.server_offset >= start]  # fmt: skip
    closing = [d for d in today if d["entry"] in CLOSING]
    kept = protocol.BOOK_ITEMS
    return {
        "protocol": protocol.VERSION,
        "login": terminal.login,
        "time": round(now, 3),
        "server_time": server_now,
        "server_offset": broker.server_offset,
        "day": datetime.fromtimestamp(start, UTC).date().isoformat(),
        **money(broker),
        "realized": round(sum(_realized(d) for d in today), 2),
        "positions_total": len(positions),
        "orders_total": len(orders),
        "deals_total": len(closing),
        "positions": [position(broker, p) for p in positions[:kept]],
        "orders": [order(o) for o in orders[:kept]],
        "deals": [deal(d) for d in closing[-kept:]],
    }


def money(broker):
    return {
        "currency": broker.currency,
        "balance": broker.balance,
        "equity": broker.equity(),
        "margin": broker.margin(),
        "margin_free": broker.margin_free(),
        "margin_level": broker.margin_level(),
        "profit": broker.profit(),
    }


def position(broker, p):
    return {
        "ticket": p["ticket"],
        "symbol": p["symbol"],
        "type": p["type"],
        "volume": p["volume"],
        "price_open": p["price_open"],
        "sl": p.get("sl"),
        "tp": p.get("tp"),
        "swap": p.get("swap", 0.0),
        "profit": round(broker.floating(p), 2),
        "magic": p.get("magic", 0),
        "comment": p.get("comment", ""),
        "time": p.get("time", 0),
    }


def order(o):
    return {
        "ticket": o["ticket"],
        "symbol": o["symbol"],
        "type": o["type"],
        "volume": o["volume"],
        "price_open": o["price"],
        "sl": o.get("sl"),
        "tp": o.get("tp"),
        "magic": o.get("magic", 0),
        "comment": o.get("comment", ""),
        "time": o.get("time", 0),
    }


def deal(d):
    return {
        "ticket": d["ticket"],
        "order": d["order"],
        "position": d["position"],
        "symbol": d["symbol"],
        "type": d["type"],
        "entry": d["entry"],
        "volume": d["volume"],
        "price": d["price"],
        "profit": d["profit"],
        "swap": d.get("swap", 0.0),
        "commission": d.get("commission", 0.0),
        "magic": d.get("magic", 0),
        "comment": d.get("comment", ""),
        "time": d["time"],
    }


def _realized(d):
    """What a deal of the day added to the balance: its profit, swap and
    commission (an opening deal's commission too)."""
    return d["profit"] + d.get("swap", 0.0) + d.get("commission", 0.0)


def changed(old, new):
    """Whether `new` says anything `old` did not: the clock aside."""
    if old is None:
        return True
    clock = protocol.BOOK_CLOCK_FIELDS
    return {k: v for k, v in old.items() if k not in clock} != {
        k: v for k, v in new.items() if k not in clock
    }
