"""Golden vectors: BUY/SELL and the refusals of opening.

Prices (build.PRICES): EURUSD 1.09000/1.09010, GBPJPY 190.000/190.030 (stops
level 30), XAUUSD 2425.00/2425.25 (IOC only), US30 39000.00/39002.00.
"""

from ea.vectors.build import (
    DEAL,
    MAGIC,
    NEXT,
    T,
    cmd,
    deal,
    done,
    expect,
    pos,
    refused,
    state,
    vector,
)

PROTOCOL = "PROTOCOL.md 3"
STOPS = "mql5.md 5.8"
VOLUME = "mql5.md 5.7"
FILLING = "mql5.md 5.4"
RETCODES = "mql5.md 5.6"
LOCAL = "PROTOCOL.md 4 (refused before sending)"


EURUSD_BUY = pos(T, "EURUSD", "buy", 0.1, 1.085)


# A share with neither the FOK nor the IOC flag, which only these vectors
# trade: the paper broker's own list has no such symbol.
AAPL = {"name": "AAPL", "description": "Apple Inc.", "digits": 2, "tick_size": 0.01,
        "contract_size": 1.0, "volume_min": 1.0, "volume_step": 1.0,
        "volume_max": 10000.0, "currency_base": "USD", "currency_profit": "USD",
        "currency_margin": "USD", "path": "Stocks\\AAPL", "calc_mode": "cfd",
        "leverage": 5.0, "stops_level": 0, "freeze_level": 0, "filling_modes": 0,
        "trade_mode": "full", "point": 0.01}  # fmt: skip


def _aapl_on(execution):
    """A state where AAPL (filling flags 0: RETURN only) trades on `execution`."""
    start = state()
    start["prices"]["AAPL"] = {"bid": 230.0, "ask": 230.02}
    start["symbols"]["AAPL"] = {**AAPL, "execution": execution}
    return start


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
    vector(
        "volume_below_min",
        "0.005 lots floors to 0.00, below the 0.01 minimum: refused before "
        "sending, never raised to the minimum.",
        [VOLUME, LOCAL],
        state(),
        cmd("volume_below_min", "BUY", "EURUSD", volume=0.005),
        expect(
            refused(0),
            [],
            message="volume 0.005 is below the minimum 0.01 for EURUSD (not sent)",
            positions=[],
        ),
    ),
    vector(
        "volume_normalised_down",
        "0.015 lots with step 0.01 is sent as 0.01.",
        [VOLUME],
        state(),
        cmd("volume_normalised_down", "BUY", "EURUSD", volume=0.015),
        expect(
            done(NEXT, 1.0901, 0.01),
            [{"retcode": 10009, "volume": 0.01}],
            positions=[pos(NEXT, "EURUSD", "buy", 0.01, 1.0901)],
        ),
    ),
    vector(
        "volume_point_three_stays",
        "0.3 / 0.01 is 29.999999999999996 in floating point; the epsilon keeps "
        "0.3 (a bare floor would send 0.29).",
        [VOLUME],
        state(),
        cmd("volume_point_three_stays", "BUY", "EURUSD", volume=0.3),
        expect(
            done(NEXT, 1.0901, 0.3),
            [{"retcode": 10009, "volume": 0.3}],
            positions=[pos(NEXT, "EURUSD", "buy", 0.3, 1.0901)],
        ),
    ),
    vector(
        "volume_above_max",
        "150 lots is above EURUSD's 100-lot maximum: refused before sending, "
        "never clamped silently.",
        [VOLUME, LOCAL],
        state(),
        cmd("volume_above_max", "BUY", "EURUSD", volume=150),
        expect(
            refused(0),
            [],
            message="volume 150 is above the maximum 100 for EURUSD",
            positions=[],
        ),
    ),
    vector(
        "risk_percent_sizing",
        "Risk 1% of the 10000 balance (100 USD) with the SL 500 ticks from Ask at "
        "1 USD per tick and lot: 0.2 lots.",
        [PROTOCOL, VOLUME],
        state(),
        cmd("risk_percent_sizing", "BUY", "EURUSD", risk_percent=1, stop_loss=1.0851),
        expect(
            done(NEXT, 1.0901, 0.2),
            [{"retcode": 10009, "volume": 0.2}],
            positions=[pos(NEXT, "EURUSD", "buy", 0.2, 1.0901, 1.0851)],
        ),
    ),
    vector(
        "risk_percent_without_stop_loss",
        "Risk sizing needs a stop loss; refused before sending (retcode 0).",
        [PROTOCOL],
        state(),
        cmd("risk_percent_without_stop_loss", "BUY", "EURUSD", risk_percent=1),
        expect(refused(0), [], message="needs a stop loss", positions=[]),
    ),
    vector(
        "unknown_symbol",
        "A symbol the broker does not have is refused without sending, and no "
        "other symbol is guessed.",
        [PROTOCOL],
        state(),
        cmd("unknown_symbol", "BUY", "EURUSDX", volume=0.1),
        expect(refused(0), [], message="unknown symbol", positions=[]),
    ),
    vector(
        "closeonly_symbol_refuses_opening",
        "USDRUB is close-only: opening is 10044 TRADE_RETCODE_CLOSE_ONLY.",
        [RETCODES, "MQL5 reference: Trade Server Return Codes (10044)"],
        state(),
        cmd("closeonly_symbol_refuses_opening", "BUY", "USDRUB", volume=0.1),
        expect(
            refused(10044), [{"retcode": 10044}], message="close-only", positions=[]
        ),
    ),
    vector(
        "disabled_symbol",
        "EURRUB is disabled: 10017 TRADE_DISABLED.",
        [RETCODES],
        state(),
        cmd("disabled_symbol", "SELL", "EURRUB", volume=0.1),
        expect(refused(10017), [{"retcode": 10017}], message="disabled"),
    ),
    vector(
        "market_closed",
        "US30's session is closed (state.market_closed): 10018 MARKET_CLOSED.",
        [RETCODES],
        state(market_closed=["US30"]),
        cmd("market_closed", "BUY", "US30", volume=1.0),
        expect(refused(10018), [{"retcode": 10018}], message="market closed"),
    ),
    vector(
        "no_money",
        "1 lot EURUSD needs 1000 EUR = 1090 USD of margin at 1:100; the account "
        "has 1000 USD: 10019 NO_MONEY.",
        [RETCODES],
        state(balance=1000.0),
        cmd("no_money", "BUY", "EURUSD", volume=1.0),
        expect(
            refused(10019),
            [{"retcode": 10019}],
            message="no money",
            positions=[],
            balance=1000.0,
        ),
    ),
    vector(
        "hedging_opposite_opens_new",
        "Hedging: a SELL next to a long opens a second, opposite position.",
        ["mql5.md 5.9"],
        state([EURUSD_BUY]),
        cmd("hedging_opposite_opens_new", "SELL", "EURUSD", volume=0.1),
        expect(
            done(NEXT, 1.09, 0.1),
            [{"retcode": 10009}],
            positions=[EURUSD_BUY, pos(NEXT, "EURUSD", "sell", 0.1, 1.09)],
        ),
    ),
    vector(
        "close_first_reversal",
        "BUY with close_first short: our short closes at Ask (+49.00) first, the "
        "manual short stays, then the buy opens (its order is the next ticket).",
        [PROTOCOL, "mql5.md 5.9"],
        state(
            [
                pos(T, "EURUSD", "sell", 0.1, 1.095),
                pos(T + 1, "EURUSD", "sell", 0.2, 1.096, magic=0),
            ]
        ),
        cmd("close_first_reversal", "BUY", "EURUSD", volume=0.1, close_first="short"),
        expect(
            done(NEXT + 1, 1.0901, 0.1, closed=1),
            [
                deal("buy", "EURUSD", 0.1, ticket=T, retcode=10009),
                deal("buy", "EURUSD", 0.1, ticket=NEXT + 1, retcode=10009),
            ],
            positions=[
                pos(T + 1, "EURUSD", "sell", 0.2, 1.096, magic=0),
                pos(NEXT + 1, "EURUSD", "buy", 0.1, 1.0901),
            ],
            balance=10049.0,
        ),
    ),
]

# Added after the first vectors; build.py writes them last, so the earlier
# files keep their numbers.
RETURN_ONLY = [
    vector(
        "buy_return_only_exchange_symbol",
        "AAPL has neither the FOK nor the IOC flag: the only policy left is "
        "RETURN, which an exchange-execution symbol accepts for market orders.",
        [FILLING],
        _aapl_on("exchange"),
        cmd("buy_return_only_exchange_symbol", "BUY", "AAPL", volume=2),
        expect(
            done(NEXT, 230.02, 2.0),
            [deal("buy", "AAPL", 2.0, retcode=10009, type_filling="return")],
            positions=[pos(NEXT, "AAPL", "buy", 2.0, 230.02)],
        ),
    ),
    vector(
        "buy_return_only_market_execution",
        "The same flags on a market-execution symbol: the terminal still sends "
        "RETURN (never a policy the symbol does not list), and the server "
        "refuses RETURN for a market order there: 10030 INVALID_FILL.",
        [FILLING, RETCODES],
        _aapl_on("market"),
        cmd("buy_return_only_market_execution", "BUY", "AAPL", volume=2),
        expect(
            refused(10030),
            [deal("buy", "AAPL", 2.0, retcode=10030, type_filling="return")],
            message="filling",
            positions=[],
        ),
    ),
]


def _eurusd_min(volume_min, volume_step):
    """EURUSD on a broker whose minimum is not a whole number of steps."""
    start = state()
    start["symbols"]["EURUSD"].update(volume_min=volume_min, volume_step=volume_step)
    return start


# Added with the refusals before sending, after RETURN_ONLY.
LOCAL_LIMITS = [
    vector(
        "stops_at_level_accepted",
        "GBPJPY BUY with sl_points 60: the SL 189.970 is exactly 30 points "
        "under Bid, the stops level: sent and accepted (the check is not "
        "stricter than the server's).",
        [STOPS],
        state(),
        cmd("stops_at_level_accepted", "BUY", "GBPJPY", volume=0.1, sl_points=60),
        expect(
            done(NEXT, 190.03, 0.1),
            [deal("buy", "GBPJPY", 0.1, retcode=10009, sl=189.97)],
            positions=[pos(NEXT, "GBPJPY", "buy", 0.1, 190.03, 189.97)],
        ),
    ),
    vector(
        "volume_floors_below_min",
        "Minimum 0.05, step 0.02: 0.05 lots is not below the minimum but floors "
        "to 0.04, which is; refused before sending, the message says both.",
        [VOLUME, LOCAL],
        _eurusd_min(0.05, 0.02),
        cmd("volume_floors_below_min", "BUY", "EURUSD", volume=0.05),
        expect(
            refused(0),
            [],
            message="volume 0.05 floors to 0.04 on the step 0.02, below the "
            "minimum 0.05 for EURUSD (not sent)",
            positions=[],
        ),
    ),
]
