"""Golden vectors: CLOSE*, MODIFY, CANCEL, and netting.

Profits are worked out by hand: closing 0.1 lot EURUSD bought at 1.08500 at
Bid 1.09000 makes (1.09000 - 1.08500) x 0.1 x 100000 = 50.00 USD.
"""

from ea.vectors.parts import (
    DEAL,
    LOCAL,
    NEXT,
    OTHER_EA,
    OURS_BUY,
    STOPS,
    T,
    closing_vector,
    deal,
    done,
    expect,
    order,
    pos,
    refused,
    state,
)

MANUAL = {"magic": 0}
MANUAL_BUY = pos(T + 1, "EURUSD", "buy", 0.2, 1.086, **MANUAL)
OURS_SELL = pos(T + 1, "EURUSD", "sell", 0.1, 1.095)
ORDERS = [
    order(T, "EURUSD", "buy_limit", 0.1, 1.085),
    order(T + 1, "EURUSD", "buy_limit", 0.1, 1.08, **MANUAL),
    order(T + 2, "GBPUSD", "sell_limit", 0.1, 1.28),
]
MIXED = [
    OURS_BUY,
    MANUAL_BUY,
    pos(T + 2, "XAUUSD", "buy", 0.01, 2420.0),
    pos(T + 3, "GBPUSD", "sell", 0.1, 1.275, magic=OTHER_EA),
]
NETTING = {"margin_mode": "netting"}
NET_LONG = pos(T, "EURUSD", "buy", 0.3, 1.085)


def sells(*volumes, **extra):
    return [deal("sell", "EURUSD", v, retcode=10009, **extra) for v in volumes]


VECTORS = [
    closing_vector(
        "close_ticket_full",
        "CLOSE by ticket: the opposite deal for the whole volume, position=ticket.",
        state([OURS_BUY]),
        ("CLOSE", "", {"ticket": T}),
        expect(
            done(T, 1.09, 0.1, closed=1, order=NEXT, deal=DEAL),
            sells(0.1, ticket=T),
            positions=[],
            balance=10050.0,
        ),
    ),
    closing_vector(
        "close_ticket_partial",
        "CLOSE with volume closes that part; the rest stays open.",
        state([pos(T, "EURUSD", "buy", 0.3, 1.085)]),
        ("CLOSE", "", {"ticket": T, "volume": 0.1}),
        expect(
            done(T, 1.09, 0.1, closed=1),
            sells(0.1, ticket=T),
            positions=[pos(T, "EURUSD", "buy", 0.2, 1.085)],
            balance=10050.0,
        ),
    ),
    closing_vector(
        "close_ticket_manual",
        "An explicit ticket is closed even without our magic.",
        state([pos(T, "EURUSD", "buy", 0.1, 1.085, **MANUAL)]),
        ("CLOSE", "", {"ticket": T}),
        expect(done(T, 1.09, 0.1, closed=1), sells(0.1), positions=[], balance=10050.0),
    ),
    closing_vector(
        "close_unknown_ticket",
        "No such position: refused before sending (retcode 0).",
        state([OURS_BUY]),
        ("CLOSE", "", {"ticket": 99999999}),
        expect(refused(0), [], message="not found", positions=[OURS_BUY]),
    ),
    closing_vector(
        "close_ticket_frozen",
        "UKOIL's freeze level is 10 points; the SL is 5 points from Bid: "
        "the position cannot be closed now, 10029 FROZEN.",
        state([pos(T, "UKOIL", "buy", 0.1, 81.0, sl=81.995)]),
        ("CLOSE", "", {"ticket": T}),
        expect(
            refused(10029),
            [{"retcode": 10029}],
            message="frozen",
            positions=[pos(T, "UKOIL", "buy", 0.1, 81.0, sl=81.995)],
        ),
        refs=[STOPS, "MQL5 reference: Trade Server Return Codes (10029)"],
    ),
    closing_vector(
        "close_symbol_leaves_manual",
        "CLOSE_SYMBOL closes ours on the symbol only.",
        state([OURS_BUY, MANUAL_BUY, pos(T + 2, "GBPUSD", "sell", 0.1, 1.275)]),
        ("CLOSE_SYMBOL", "EURUSD", {}),
        expect(
            done(T, 1.09, 0.1, closed=1),
            sells(0.1, ticket=T),
            positions=[MANUAL_BUY, pos(T + 2, "GBPUSD", "sell", 0.1, 1.275)],
            balance=10050.0,
        ),
    ),
    closing_vector(
        "close_symbol_partial_volume",
        "volume 0.15 over two positions, oldest first: 0.1 + 0.05 (+50.00 and +25.00).",
        state([OURS_BUY, pos(T + 1, "EURUSD", "buy", 0.2, 1.085)]),
        ("CLOSE_SYMBOL", "EURUSD", {"volume": 0.15}),
        expect(
            done(T, 1.09, 0.15, closed=2),
            sells(0.1, 0.05),
            positions=[pos(T + 1, "EURUSD", "buy", 0.15, 1.085)],
            balance=10075.0,
        ),
    ),
    closing_vector(
        "close_long_only",
        "CLOSE_LONG closes our longs; our short and the manual long stay.",
        state([OURS_BUY, OURS_SELL, pos(T + 2, "EURUSD", "buy", 0.1, 1.085, **MANUAL)]),
        ("CLOSE_LONG", "EURUSD", {}),
        expect(
            done(T, 1.09, 0.1, closed=1),
            sells(0.1, ticket=T),
            positions=[OURS_SELL, pos(T + 2, "EURUSD", "buy", 0.1, 1.085, **MANUAL)],
            balance=10050.0,
        ),
    ),
    closing_vector(
        "close_short_only",
        "CLOSE_SHORT closes our short at Ask 1.09010: (1.095 - 1.0901) x "
        "10000 = +49.00.",
        state([OURS_BUY, OURS_SELL, pos(T + 2, "EURUSD", "buy", 0.1, 1.085, **MANUAL)]),
        ("CLOSE_SHORT", "EURUSD", {}),
        expect(
            done(T + 1, 1.0901, 0.1, closed=1),
            [deal("buy", "EURUSD", 0.1, ticket=T + 1, retcode=10009)],
            positions=[OURS_BUY, pos(T + 2, "EURUSD", "buy", 0.1, 1.085, **MANUAL)],
            balance=10049.0,
        ),
    ),
    closing_vector(
        "close_all_ours_only",
        "CLOSE_ALL without include_manual: ours on every symbol (XAUUSD "
        "with IOC), not the manual one nor another EA's (magic 777). +50.00 +5.00.",
        state(MIXED),
        ("CLOSE_ALL", "", {}),
        expect(
            done(T, 1.09, 0.11, closed=2),
            [
                *sells(0.1, type_filling="fok"),
                deal("sell", "XAUUSD", 0.01, retcode=10009, type_filling="ioc"),
            ],
            positions=[MANUAL_BUY, MIXED[3]],
            balance=10055.0,
        ),
    ),
    closing_vector(
        "close_all_include_manual",
        "include_manual: every position. +50.00 +80.00 +5.00 +48.60.",
        state(MIXED),
        ("CLOSE_ALL", "", {"include_manual": True}),
        expect(
            done(T, 1.09, 0.41, closed=4),
            [
                *sells(0.1, 0.2),
                deal("sell", "XAUUSD", 0.01, retcode=10009),
                deal("buy", "GBPUSD", 0.1, retcode=10009, price=1.27014),
            ],
            positions=[],
            balance=10183.6,
        ),
    ),
    closing_vector(
        "close_symbol_nothing_ours",
        "Only a manual position: nothing to do is executed, closed 0, "
        "retcode 0 (nothing sent).",
        state([MANUAL_BUY]),
        ("CLOSE_SYMBOL", "EURUSD", {}),
        expect(
            {"status": "executed", "retcode": 0, "ticket": None, "closed": 0},
            [],
            message="no position of ours on EURUSD",
            positions=[MANUAL_BUY],
        ),
    ),
    closing_vector(
        "close_symbol_unknown_symbol",
        "Unknown symbol: refused without sending.",
        state([OURS_BUY]),
        ("CLOSE_SYMBOL", "XYZ", {}),
        expect(refused(0), [], message="unknown symbol", positions=[OURS_BUY]),
    ),
    closing_vector(
        "closeonly_symbol_allows_closing",
        "USDRUB is close-only, closing is allowed: 10000 RUB "
        "profit at 1/92.000 (Ask, the inverse pair) = 108.70 USD.",
        state([pos(T, "USDRUB", "buy", 0.1, 89.0)]),
        ("CLOSE_SYMBOL", "USDRUB", {}),
        expect(
            done(T, 90.0, 0.1, closed=1),
            [{"retcode": 10009}],
            positions=[],
            balance=10108.7,
        ),
    ),
    closing_vector(
        "modify_ticket_prices",
        "MODIFY a position by ticket with absolute SL/TP.",
        state([OURS_BUY]),
        ("MODIFY", "", {"ticket": T, "stop_loss": 1.08, "take_profit": 1.1}),
        expect(
            done(T, None, None, modified=1),
            [{"request": "sltp", "retcode": 10009, "ticket": T, "sl": 1.08, "tp": 1.1}],
            positions=[pos(T, "EURUSD", "buy", 0.1, 1.085, 1.08, 1.1)],
        ),
    ),
    closing_vector(
        "modify_symbol_points_ours_only",
        "MODIFY by symbol: our positions, SL 300 points from each "
        "open price on its own side; the TP not named keeps its value; manual "
        "untouched.",
        state(
            [
                OURS_BUY,
                pos(T + 1, "EURUSD", "buy", 0.2, 1.086, **MANUAL),
                pos(T + 2, "EURUSD", "sell", 0.1, 1.095, tp=1.08),
            ]
        ),
        ("MODIFY", "EURUSD", {"sl_points": 300}),
        expect(
            done(T, None, None, modified=2),
            [
                {"request": "sltp", "ticket": T, "sl": 1.082, "tp": None},
                {"request": "sltp", "ticket": T + 2, "sl": 1.098, "tp": 1.08},
            ],
            positions=[
                pos(T, "EURUSD", "buy", 0.1, 1.085, 1.082),
                pos(T + 1, "EURUSD", "buy", 0.2, 1.086, **MANUAL),
                pos(T + 2, "EURUSD", "sell", 0.1, 1.095, 1.098, 1.08),
            ],
        ),
    ),
    closing_vector(
        "modify_pending_order",
        "MODIFY a pending order's price and SL by ticket.",
        state([], [ORDERS[0]]),
        ("MODIFY", "", {"ticket": T, "price": 1.084, "stop_loss": 1.08}),
        expect(
            done(T, None, None, modified=1),
            [{"request": "modify", "retcode": 10009, "price": 1.084, "sl": 1.08}],
            orders=[order(T, "EURUSD", "buy_limit", 0.1, 1.084, sl=1.08)],
        ),
    ),
    closing_vector(
        "modify_invalid_stops",
        "A long's new SL above Bid: refused before sending (the server's "
        "answer would be 10016), unchanged.",
        state([OURS_BUY]),
        ("MODIFY", "", {"ticket": T, "stop_loss": 1.095}),
        expect(
            {**refused(0), "modified": 0},
            [],
            message="#50000001: stop loss 1.095 is not below Bid 1.09 for EURUSD "
            "(not sent)",
            positions=[OURS_BUY],
        ),
        refs=[LOCAL, STOPS],
    ),
    closing_vector(
        "modify_unknown_ticket",
        "No such position or order: refused before sending.",
        state([OURS_BUY]),
        ("MODIFY", "", {"ticket": 99999999, "stop_loss": 1.08}),
        expect(refused(0), [], message="not found", positions=[OURS_BUY]),
    ),
    closing_vector(
        "cancel_ticket_manual",
        "CANCEL by ticket deletes that order, ours or not.",
        state([], ORDERS[:2]),
        ("CANCEL", "", {"ticket": T + 1}),
        expect(
            done(T + 1, None, None, cancelled=1),
            [{"request": "remove", "retcode": 10009, "ticket": T + 1}],
            orders=[ORDERS[0]],
        ),
    ),
    closing_vector(
        "cancel_symbol_ours_only",
        "CANCEL by symbol: our orders on it only.",
        state([], ORDERS),
        ("CANCEL", "EURUSD", {}),
        expect(
            done(T, None, None, cancelled=1),
            [{"request": "remove", "ticket": T}],
            orders=ORDERS[1:],
        ),
    ),
    closing_vector(
        "cancel_all_ours",
        "CANCEL without ticket or symbol: every order of ours.",
        state([], ORDERS),
        ("CANCEL", "", {}),
        expect(
            done(T, None, None, cancelled=2),
            [
                {"request": "remove", "ticket": T},
                {"request": "remove", "ticket": T + 2},
            ],
            orders=[ORDERS[1]],
        ),
    ),
    closing_vector(
        "cancel_nothing_ours",
        "Only a manual order: executed, cancelled 0, nothing sent.",
        state([], [ORDERS[1]]),
        ("CANCEL", "", {}),
        expect(
            {"status": "executed", "retcode": 0, "cancelled": 0},
            [],
            message="no pending order of ours",
            orders=[ORDERS[1]],
        ),
    ),
    closing_vector(
        "netting_reduce",
        "Netting: a SELL smaller than the long reduces it (+50.00).",
        state([NET_LONG], **NETTING),
        ("SELL", "EURUSD", {"volume": 0.1}),
        expect(
            done(T, 1.09, 0.1),
            sells(0.1, ticket=T),
            positions=[pos(T, "EURUSD", "buy", 0.2, 1.085)],
            balance=10050.0,
        ),
    ),
    closing_vector(
        "netting_close_by_opposite",
        "Netting: a SELL of the long's volume closes it (+150.00).",
        state([NET_LONG], **NETTING),
        ("SELL", "EURUSD", {"volume": 0.3}),
        expect(done(T, 1.09, 0.3), sells(0.3), positions=[], balance=10150.0),
    ),
    closing_vector(
        "netting_reverse",
        "Netting: SELL 0.5 against a 0.3 long closes it (+150.00) and leaves "
        "a 0.2 short under the new order's ticket.",
        state([NET_LONG], **NETTING),
        ("SELL", "EURUSD", {"volume": 0.5}),
        expect(
            done(NEXT, 1.09, 0.5),
            sells(0.5, ticket=NEXT),
            positions=[pos(NEXT, "EURUSD", "sell", 0.2, 1.09)],
            balance=10150.0,
        ),
    ),
    closing_vector(
        "netting_increase",
        "Netting: a BUY on a long adds to it at the volume-weighted price "
        "(1.085 x 0.3 + 1.0901 x 0.1) / 0.4 = 1.086275.",
        state([NET_LONG], **NETTING),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(
            done(T, 1.0901, 0.1),
            [{"retcode": 10009}],
            positions=[pos(T, "EURUSD", "buy", 0.4, 1.086275)],
            balance=10000.0,
        ),
    ),
    closing_vector(
        "netting_close_ticket",
        "Netting: CLOSE is an opposite deal of the position's volume.",
        state([NET_LONG], **NETTING),
        ("CLOSE", "", {"ticket": T}),
        expect(
            done(T, 1.09, 0.3, closed=1),
            sells(0.3, ticket=T),
            positions=[],
            balance=10150.0,
        ),
    ),
    closing_vector(
        "netting_close_symbol_manual",
        "Netting: the symbol's one position is manual: untouched.",
        state([pos(T, "EURUSD", "buy", 0.3, 1.085, **MANUAL)], **NETTING),
        ("CLOSE_SYMBOL", "EURUSD", {}),
        expect(
            {"status": "executed", "retcode": 0, "closed": 0},
            [],
            positions=[pos(T, "EURUSD", "buy", 0.3, 1.085, **MANUAL)],
        ),
    ),
]
