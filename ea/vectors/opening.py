"""Golden vectors: BUY/SELL and the refusals of opening.

Prices (parts.PRICES): EURUSD 1.09000/1.09010, GBPJPY 190.000/190.030 (stops
level 30), XAUUSD 2425.00/2425.25 (IOC only), US30 39000.00/39002.00.
"""

from ea.vectors.parts import (
    DEAL,
    FILLING,
    LOCAL,
    MAGIC,
    NEXT,
    PROTOCOL,
    STOPS,
    cmd,
    deal,
    done,
    expect,
    pos,
    refused,
    state,
    vector,
)

VECTORS = [
    vector(
        "buy_market_sl_tp_prices",
        "Market BUY at Ask with absolute SL/TP; EURUSD allows FOK and IOC: FOK.",
        [PROTOCOL, FILLING],
        state(),
        cmd(
            "buy_market_sl_tp_prices",
            "BUY",
            "EURUSD",
            volume=0.1,
            stop_loss=1.085,
            take_profit=1.095,
        ),
        expect(
            done(NEXT, 1.0901, 0.1, order=NEXT, deal=DEAL),
            [
                deal(
                    "buy",
                    "EURUSD",
                    0.1,
                    retcode=10009,
                    ticket=NEXT,
                    price=1.0901,
                    sl=1.085,
                    tp=1.095,
                    type_filling="fok",
                )
            ],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901, 1.085, 1.095)],
            balance=10000.0,
        ),
    ),
    vector(
        "sell_market_sl_tp_points",
        "Market SELL at Bid; SL/TP from sl_points/tp_points measured from the fill.",
        [PROTOCOL],
        state(),
        cmd(
            "sell_market_sl_tp_points",
            "SELL",
            "EURUSD",
            volume=0.2,
            sl_points=150,
            tp_points=300,
        ),
        expect(
            done(NEXT, 1.09, 0.2),
            [deal("sell", "EURUSD", 0.2, retcode=10009, sl=1.0915, tp=1.087)],
            positions=[pos(NEXT, "EURUSD", "sell", 0.2, 1.09, 1.0915, 1.087)],
        ),
    ),
    vector(
        "buy_market_sl_tp_pips_3_digits",
        "sl_pips/tp_pips on a 3-digit symbol: one pip is 10 points (0.010).",
        [PROTOCOL],
        state(),
        cmd(
            "buy_market_sl_tp_pips_3_digits",
            "BUY",
            "USDJPY",
            volume=0.1,
            sl_pips=20,
            tp_pips=40,
        ),
        expect(
            done(NEXT, 150.014, 0.1),
            [deal("buy", "USDJPY", 0.1, retcode=10009, sl=149.814, tp=150.414)],
            positions=[pos(NEXT, "USDJPY", "buy", 0.1, 150.014, 149.814, 150.414)],
        ),
    ),
    vector(
        "buy_ioc_only_symbol_pips_2_digits",
        "XAUUSD allows IOC only, so the request must say IOC (FOK would be 10030); "
        "on a 2-digit symbol a pip is one point (0.01).",
        [FILLING, PROTOCOL],
        state(),
        cmd(
            "buy_ioc_only_symbol_pips_2_digits",
            "BUY",
            "XAUUSD",
            volume=0.01,
            sl_pips=500,
            tp_pips=1000,
        ),
        expect(
            done(NEXT, 2425.25, 0.01),
            [
                deal(
                    "buy",
                    "XAUUSD",
                    0.01,
                    retcode=10009,
                    type_filling="ioc",
                    sl=2420.25,
                    tp=2435.25,
                )
            ],
            positions=[pos(NEXT, "XAUUSD", "buy", 0.01, 2425.25, 2420.25, 2435.25)],
        ),
    ),
    vector(
        "sell_fok_only_symbol",
        "GBPUSD allows FOK only.",
        [FILLING],
        state(),
        cmd("sell_fok_only_symbol", "SELL", "GBPUSD", volume=0.1),
        expect(
            done(NEXT, 1.27, 0.1),
            [deal("sell", "GBPUSD", 0.1, retcode=10009, type_filling="fok")],
            positions=[pos(NEXT, "GBPUSD", "sell", 0.1, 1.27)],
        ),
    ),
    vector(
        "buy_limit_points_from_order_price",
        "A buy limit below Ask is placed (10008) with RETURN filling; SL/TP "
        "distances are measured from the order price.",
        [PROTOCOL, FILLING, STOPS],
        state(),
        cmd(
            "buy_limit_points_from_order_price",
            "BUY",
            "EURUSD",
            order_type="limit",
            volume=0.1,
            price=1.085,
            sl_points=200,
            tp_points=400,
        ),
        expect(
            {
                "status": "executed",
                "retcode": 10008,
                "ticket": NEXT,
                "price": 1.085,
                "volume": 0.1,
                "order": NEXT,
            },
            [
                {
                    "request": "pending",
                    "type": "buy_limit",
                    "type_filling": "return",
                    "retcode": 10008,
                    "price": 1.085,
                    "sl": 1.083,
                    "tp": 1.089,
                }
            ],
            positions=[],
            orders=[
                {
                    "ticket": NEXT,
                    "symbol": "EURUSD",
                    "type": "buy_limit",
                    "volume": 0.1,
                    "price": 1.085,
                    "sl": 1.083,
                    "tp": 1.089,
                    "magic": MAGIC,
                }
            ],
        ),
    ),
    vector(
        "sell_stop_prices",
        "A sell stop below Bid with absolute SL/TP is placed.",
        [PROTOCOL, STOPS],
        state(),
        cmd(
            "sell_stop_prices",
            "SELL",
            "EURUSD",
            order_type="stop",
            volume=0.1,
            price=1.08,
            stop_loss=1.085,
            take_profit=1.07,
        ),
        expect(
            {"status": "executed", "retcode": 10008, "ticket": NEXT, "price": 1.08},
            [{"request": "pending", "type": "sell_stop", "retcode": 10008}],
            orders=[
                {
                    "ticket": NEXT,
                    "type": "sell_stop",
                    "price": 1.08,
                    "sl": 1.085,
                    "tp": 1.07,
                }
            ],
        ),
    ),
    vector(
        "buy_stop_wrong_side",
        "A buy stop below Ask: its price is on the wrong side. The terminal "
        "knows the quote, so it refuses before sending (retcode 0) what the "
        "server would answer with 10015 INVALID_PRICE.",
        [STOPS, LOCAL],
        state(),
        cmd(
            "buy_stop_wrong_side",
            "BUY",
            "EURUSD",
            order_type="stop",
            volume=0.1,
            price=1.08,
        ),
        expect(
            refused(0),
            [],
            message="buy stop price 1.08 is not above Ask 1.0901 for EURUSD (not sent)",
            orders=[],
        ),
    ),
    vector(
        "pending_inside_stops_level",
        "GBPJPY has a stops level of 30 points; a buy limit 20 points under Ask "
        "is too close: refused before sending (the server's answer would be 10015).",
        [STOPS, LOCAL],
        state(),
        cmd(
            "pending_inside_stops_level",
            "BUY",
            "GBPJPY",
            order_type="limit",
            volume=0.1,
            price=190.01,
        ),
        expect(
            refused(0),
            [],
            message="buy limit price 190.01 is 20 points below Ask 190.03, inside "
            "the stops level of 30 points for GBPJPY",
            orders=[],
        ),
    ),
    vector(
        "invalid_stops_wrong_side",
        "A BUY whose stop loss is above Bid: refused before sending (the "
        "server's answer would be 10016 INVALID_STOPS), nothing opened.",
        [STOPS, LOCAL],
        state(),
        cmd("invalid_stops_wrong_side", "BUY", "EURUSD", volume=0.1, stop_loss=1.091),
        expect(
            refused(0),
            [],
            message="stop loss 1.091 is not below Bid 1.09 for EURUSD",
            positions=[],
        ),
    ),
    vector(
        "invalid_stops_inside_level",
        "GBPJPY BUY with sl_points 50: the SL is 50 points under the fill (Ask) "
        "but only 20 under Bid, which is what it triggers on; level 30: refused "
        "before sending.",
        [STOPS, LOCAL],
        state(),
        cmd("invalid_stops_inside_level", "BUY", "GBPJPY", volume=0.1, sl_points=50),
        expect(
            refused(0),
            [],
            message="stop loss 189.98 is 20 points below Bid 190, inside the stops "
            "level of 30 points for GBPJPY",
            positions=[],
        ),
    ),
]
