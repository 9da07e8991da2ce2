"""Golden vectors for the book a terminal reports (PROTOCOL.md 5.1): its
positions, pending orders, the day's closing deals with what they realised,
and the account's money, after the case's command. The day is the trade
server's: `state.server_offset` puts its clock ahead of (or behind) UTC, and
each case has a deal the UTC day would count and the server's does not, or
the other way round. Profits and margins are worked out in the
descriptions."""

from ea.vectors.parts import (
    DEAL,
    MAGIC,
    NEXT,
    NOW,
    OURS_BUY,
    SIDES,
    T,
    cmd,
    deal,
    done,
    expect,
    pos,
    state,
    vector,
)

BOOK = "PROTOCOL.md 5.1"
DAY = "2025-11-24"  # NOW is 2025-11-24 16:00 UTC
EET = 7200  # a broker on Eastern European time: its day began 22:00 UTC
EST = -18000  # one on New York time: its day began 05:00 UTC
SERVER_MIDNIGHT_EET = NOW - 18 * 3600  # 2025-11-23 22:00 UTC
SERVER_MIDNIGHT_EST = NOW - 11 * 3600  # 2025-11-24 05:00 UTC


def booked_deal(ticket, position, side, entry, volume, price, time, **extra):
    """A deal in `state.deals` (and as the book lists it)."""
    return {"ticket": ticket, "order": ticket + 10000000, "position": position,
            "symbol": extra.pop("symbol", "GBPUSD"), "type": side, "entry": entry,
            "volume": volume, "price": price, "profit": 0.0, "swap": 0.0,
            "commission": 0.0, "magic": MAGIC, "comment": "", "time": time,
            **extra}  # fmt: skip


GOLD_SHORT = {**pos(T + 1, "XAUUSD", "sell", 0.02, 2430.0, sl=2450.0, tp=2400.0,
                    magic=0), "swap": -1.25, "comment": "manual",
              "time": NOW - 7200}  # fmt: skip
LIMIT = {"ticket": T + 2, "symbol": "EURUSD", "type": "buy_limit", "volume": 0.2,
         "price": 1.08, "sl": 1.07, "tp": None, "magic": MAGIC, "comment": "limit",
         "time": NOW - 600}  # fmt: skip
# Yesterday on the broker's clock (23:59 EET): in no book of today.
YESTERDAY = booked_deal(40000050, 50000050, "sell", "out", 0.1, 1.2675,
                        SERVER_MIDNIGHT_EET - 60, profit=25.0)  # fmt: skip
# Today on the broker's clock (00:00:30 and 01:00 EET), yesterday in UTC: a
# GBPUSD long opened (0.70 commission) and stopped out 12.5 points lower.
OPENED = booked_deal(40000060, 50000060, "buy", "in", 0.1, 1.265,
                     SERVER_MIDNIGHT_EET + 30, commission=-0.7)  # fmt: skip
STOPPED = booked_deal(40000061, 50000060, "sell", "out", 0.1, 1.26375,
                      SERVER_MIDNIGHT_EET + 3600, profit=-12.5, swap=-0.3,
                      commission=-0.7, comment="[sl 1.26375]")  # fmt: skip


VECTORS = [
    vector(
        "book_after_close",
        "CLOSE of our EURUSD long at Bid 1.09: +50.00. The book keeps the "
        "manual XAUUSD short (profit (2430 - Ask 2425.25) x 0.02 x 100 = 9.50, "
        "swap -1.25) and our buy limit. Balance 10050, profit 9.50 - 1.25 = "
        "8.25, equity 10058.25; margin 0.02 x 100 x 2430 / 50 = 97.20, free "
        "9961.05, level 10058.25 / 97.20 = 10347.99 %. The broker's day began "
        "22:00 UTC: yesterday's +25 is out, the GBPUSD trade after midnight "
        "EET is in; realised -0.70 - 12.50 - 0.30 - 0.70 + 50 = 35.80, the "
        "closing deals listed in time order.",
        [BOOK, *SIDES],
        state(
            [OURS_BUY, GOLD_SHORT],
            [LIMIT],
            server_offset=EET,
            deals=[YESTERDAY, OPENED, STOPPED],
        ),
        cmd("book_after_close", "CLOSE", ticket=T),
        expect(
            done(T, 1.09, 0.1, closed=1),
            [deal("sell", "EURUSD", 0.1, retcode=10009, ticket=T)],
            balance=10050.0,
            book={
                "protocol": 1,
                "login": "1123456",
                "server_time": NOW + EET,
                "server_offset": EET,
                "day": DAY,
                "currency": "USD",
                "balance": 10050.0,
                "equity": 10058.25,
                "margin": 97.2,
                "margin_free": 9961.05,
                "margin_level": 10347.99,
                "profit": 8.25,
                "realized": 35.8,
                "positions_total": 1,
                "orders_total": 1,
                "deals_total": 2,
                "positions": [{**GOLD_SHORT, "profit": 9.5}],
                "orders": [
                    {
                        **{k: v for k, v in LIMIT.items() if k != "price"},
                        "price_open": 1.08,
                    }
                ],
                "deals": [
                    STOPPED,
                    booked_deal(
                        DEAL,
                        T,
                        "sell",
                        "out",
                        0.1,
                        1.09,
                        NOW,
                        order=NEXT,
                        symbol="EURUSD",
                        profit=50.0,
                    ),
                ],
            },
        ),
    ),
    vector(
        "book_after_open",
        "A BUY of 0.1 EURUSD at Ask 1.0901 shows at once, with its comment "
        "and open time: profit (Bid 1.09 - 1.0901) x 0.1 x 100000 = -1.00; "
        "margin 0.1 x 100000 / 100 = 100 EUR at 1.09 = 109.00 USD, equity "
        "9999, free 9890, level 9999 / 109 = 9173.39 %. An opening deal "
        "closes nothing: not listed, and without commission it realises 0.",
        [BOOK, *SIDES],
        state(),
        cmd("book_after_open", "BUY", "EURUSD", volume=0.1, comment="tv-42"),
        expect(
            done(NEXT, 1.0901, 0.1),
            [deal("buy", "EURUSD", 0.1, retcode=10009, ticket=NEXT)],
            book={
                "server_offset": 0,
                "day": DAY,
                "balance": 10000.0,
                "equity": 9999.0,
                "margin": 109.0,
                "margin_free": 9890.0,
                "margin_level": 9173.39,
                "profit": -1.0,
                "realized": 0.0,
                "positions_total": 1,
                "orders_total": 0,
                "deals_total": 0,
                "positions": [
                    {
                        "ticket": NEXT,
                        "symbol": "EURUSD",
                        "type": "buy",
                        "volume": 0.1,
                        "price_open": 1.0901,
                        "sl": None,
                        "tp": None,
                        "swap": 0.0,
                        "profit": -1.0,
                        "magic": MAGIC,
                        "comment": "tv-42",
                        "time": NOW,
                    }
                ],
                "orders": [],
                "deals": [],
            },
        ),
    ),
    vector(
        "book_empty_account",
        "Nothing open: CLOSE_ALL has nothing to do. No margin, so no margin "
        "level (null, where MT5 says 0); equity is the balance. The broker "
        "is on New York time: its day began 05:00 UTC, so the +40 closed at "
        "02:06 UTC (today in UTC) is yesterday's, and nothing is realised.",
        [BOOK, "PROTOCOL.md 4"],
        state(
            server_offset=EST,
            deals=[
                booked_deal(
                    40000070,
                    50000070,
                    "sell",
                    "out",
                    0.1,
                    1.2705,
                    NOW - 50000,
                    profit=40.0,
                ),
            ],
        ),
        cmd("book_empty_account", "CLOSE_ALL"),
        expect(
            {"status": "executed", "retcode": 0, "closed": 0},
            [],
            book={
                "server_time": NOW + EST,
                "server_offset": EST,
                "day": DAY,
                "balance": 10000.0,
                "equity": 10000.0,
                "margin": 0.0,
                "margin_free": 10000.0,
                "margin_level": None,
                "profit": 0.0,
                "realized": 0.0,
                "positions_total": 0,
                "orders_total": 0,
                "deals_total": 0,
                "positions": [],
                "orders": [],
                "deals": [],
            },
        ),
    ),
]
