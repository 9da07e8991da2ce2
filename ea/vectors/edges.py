"""Golden vectors added after the first ones, and numbered after them so the
earlier files keep their names: RETURN-only symbols, and the limits the
terminals check themselves before sending (PROTOCOL.md 4)."""

from ea.vectors.parts import (
    FILLING,
    LOCAL,
    NEXT,
    OURS_BUY,
    RETCODES,
    STOPS,
    VOLUME,
    T,
    closing_vector,
    cmd,
    deal,
    done,
    expect,
    pos,
    refused,
    state,
    vector,
)

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
OPENING_LIMITS = [
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


# Added with the refusals before sending; build.py writes them last, so the
# earlier files keep their numbers.
GBPJPY_INSIDE = pos(T, "GBPJPY", "buy", 0.1, 190.04)
GBPJPY_CLEAR = pos(T + 1, "GBPJPY", "buy", 0.1, 189.9)

CLOSING_LIMITS = [
    closing_vector(
        "close_ticket_volume_below_min",
        "CLOSE of 0.005 lots floors to 0.00, below the 0.01 minimum: nothing "
        "sent, the position stays whole.",
        state([OURS_BUY]),
        ("CLOSE", "", {"ticket": T, "volume": 0.005}),
        expect(
            {**refused(0), "closed": 0},
            [],
            message="#50000001: volume 0.005 is below the minimum 0.01 for EURUSD "
            "(not sent)",
            positions=[OURS_BUY],
        ),
        refs=[LOCAL, VOLUME],
    ),
    closing_vector(
        "modify_symbol_one_inside_level",
        "MODIFY GBPJPY sl_points 50 over two longs: the one opened at 190.040 "
        "would get its SL at 189.990, 10 points under Bid (level 30), and is "
        "not sent; the one at 189.900 gets 189.850. One accepted: executed, "
        "failed 1, the first accepted one's ticket.",
        state([GBPJPY_INSIDE, GBPJPY_CLEAR]),
        ("MODIFY", "GBPJPY", {"sl_points": 50}),
        expect(
            {"status": "executed", "retcode": 10009, "ticket": T + 1, "modified": 1,
             "failed": 1},
            [{"request": "sltp", "ticket": T + 1, "sl": 189.85, "retcode": 10009}],
            message="not modified: #50000001: stop loss 189.99 is 10 points below "
            "Bid 190, inside the stops level of 30 points for GBPJPY (not sent)",
            positions=[GBPJPY_INSIDE, pos(T + 1, "GBPJPY", "buy", 0.1, 189.9, 189.85)],
        ),
        refs=[LOCAL, STOPS, "PROTOCOL.md 4"],
    ),
]  # fmt: skip
