"""A terminal's book (ea/PROTOCOL.md 5.1) built in one place for the
server's tests: one long EURUSD position of ours, one buy limit, one closing
deal of the broker's day 2025-11-24."""

import copy

from ea import bounds

NOW = 1764000000  # 2025-11-24 16:00 UTC
POSITION = {
    "ticket": 50000001,
    "symbol": "EURUSD",
    "type": "buy",
    "volume": 0.1,
    "price_open": 1.085,
    "sl": 1.08,
    "tp": 1.095,
    "swap": -0.5,
    "profit": 50.0,
    "magic": 20250929,
    "comment": "tv",
    "time": NOW - 60,
}
ORDER = {
    "ticket": 50000002,
    "symbol": "XAUUSD",
    "type": "buy_limit",
    "volume": 0.02,
    "price_open": 2400.0,
    "sl": None,
    "tp": 2450.0,
    "magic": 20250929,
    "comment": "",
    "time": NOW - 30,
}
DEAL = {
    "ticket": 40000001,
    "order": 50000003,
    "position": 50000004,
    "symbol": "GBPUSD",
    "type": "sell",
    "entry": "out",
    "volume": 0.1,
    "price": 1.26,
    "profit": -12.5,
    "swap": 0.0,
    "commission": -0.7,
    "magic": 20250929,
    "comment": "[sl 1.26]",
    "time": NOW - 3600,
}
BOOK = {"protocol": 1, "login": "1123456", "time": NOW + 0.5,
        "server_time": NOW + 7200, "server_offset": 7200, "day": "2025-11-24",
        "currency": "USD", "balance": 9986.8, "equity": 10036.3, "margin": 109.0,
        "margin_free": 9927.3, "margin_level": 9207.61, "profit": 49.5,
        "realized": -13.2, "positions_total": 1, "orders_total": 1,
        "deals_total": 1, "positions": [POSITION], "orders": [ORDER],
        "deals": [DEAL]}  # fmt: skip


def raw(login="1123456", **changes):
    """The book of `login` with `changes` on top, as a terminal would send
    it: unchecked, so it may break any bound."""
    book = copy.deepcopy(BOOK)
    book.update(login=login, **changes)
    return book


def sample(login="1123456", **changes):
    """The same, checked as the server checks it."""
    return bounds.check_book(raw(login, **changes))
