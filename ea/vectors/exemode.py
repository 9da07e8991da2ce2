"""Golden vectors for the order's shape (issue 14, point 8): the filling a
symbol's execution mode needs, and the type_time and expiration of pending
orders, on placing and on MODIFY. The symbols are the paper list's EURUSD
with another execution or expiration mode set by each case."""

from ea.vectors.parts import (
    FILLING,
    NEXT,
    RETCODES,
    SIDES,
    T,
    closing_vector,
    cmd,
    deal,
    done,
    expect,
    order,
    pos,
    refused,
    state,
    vector,
)

EXPIRY = "docs/mt5.md 14"
# SYMBOL_EXPIRATION_MODE flags: GTC 1, DAY 2, SPECIFIED 4, SPECIFIED_DAY 8.
GTC, DAY, SPECIFIED = 1, 2, 4
IN_THREE_DAYS = 1764000000 + 3 * 86400


def _eurusd(orders=(), **spec):
    """A state where EURUSD has the specification changes `spec`."""
    start = state([], list(orders))
    start["symbols"]["EURUSD"].update(spec)
    return start


def _limit(name, **spec):
    """A BUY limit at 1.085 on EURUSD with `spec`, the case `name`'s command."""
    return (
        _eurusd(**spec),
        cmd(name, "BUY", "EURUSD", order_type="limit", volume=0.1, price=1.085),
    )


def _placed(type_time):
    """The expectation of a BUY limit placed with `type_time`."""
    return expect(
        {**done(NEXT, 1.085, 0.1), "retcode": 10008, "order": NEXT},
        [{"request": "pending", "type": "buy_limit", "type_filling": "return",
          "type_time": type_time, "expiration": 0, "retcode": 10008}],
        orders=[{**order(NEXT, "EURUSD", "buy_limit", 0.1, 1.085),
                 "type_time": type_time, "expiration": 0}],
    )  # fmt: skip


def _timed(type_time, expiration, price=1.085, sl=None):
    return {**order(T, "EURUSD", "buy_limit", 0.1, price, sl=sl),
            "type_time": type_time, "expiration": expiration}  # fmt: skip


def _modified(type_time, expiration):
    """MODIFY of a BUY limit with `type_time`/`expiration`: price 1.084 and
    SL 1.08, the order keeping both."""
    return expect(
        done(T, None, None, modified=1),
        [{"request": "modify", "retcode": 10009, "price": 1.084, "sl": 1.08,
          "type_time": type_time, "expiration": expiration}],
        orders=[_timed(type_time, expiration, 1.084, 1.08)],
    )  # fmt: skip


MODIFY_FIELDS = {"ticket": T, "price": 1.084, "stop_loss": 1.08}

VECTORS = [
    vector(
        "buy_instant_execution_no_filling_flags",
        "EURUSD on instant execution with neither the FOK nor the IOC flag: "
        "market orders there are Fill or Kill, so FOK is sent and filled "
        "(RETURN would be 10030).",
        [FILLING],
        _eurusd(execution="instant", filling_modes=0),
        cmd("buy_instant_execution_no_filling_flags", "BUY", "EURUSD", volume=0.1),
        expect(
            done(NEXT, 1.0901, 0.1),
            [deal("buy", "EURUSD", 0.1, retcode=10009, type_filling="fok")],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901)],
        ),
    ),
    vector(
        "sell_request_execution_no_filling_flags",
        "The same on request execution: a SELL goes FOK and fills at Bid.",
        [FILLING],
        _eurusd(execution="request", filling_modes=0),
        cmd("sell_request_execution_no_filling_flags", "SELL", "EURUSD", volume=0.1),
        expect(
            done(NEXT, 1.09, 0.1),
            [deal("sell", "EURUSD", 0.1, retcode=10009, type_filling="fok")],
            positions=[pos(NEXT, "EURUSD", "sell", 0.1, 1.09)],
        ),
    ),
    vector(
        "buy_instant_execution_ioc_flag",
        "Instant execution with only the IOC flag: still FOK, the one policy "
        "instant execution fills market orders with.",
        [FILLING],
        _eurusd(execution="instant", filling_modes=2),
        cmd("buy_instant_execution_ioc_flag", "BUY", "EURUSD", volume=0.1),
        expect(
            done(NEXT, 1.0901, 0.1),
            [deal("buy", "EURUSD", 0.1, retcode=10009, type_filling="fok")],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901)],
        ),
    ),
    vector(
        "buy_limit_day_only_symbol",
        "EURUSD keeps pending orders for the day only (SYMBOL_EXPIRATION_MODE "
        "DAY): the order is placed with type_time DAY (GTC would be 10022).",
        [EXPIRY],
        *_limit("buy_limit_day_only_symbol", expiration_modes=DAY),
        _placed("day"),
    ),
    vector(
        "buy_limit_gtc_allowed_stays_gtc",
        "EURUSD allows GTC and DAY: the order stays until cancelled, GTC.",
        [EXPIRY],
        *_limit("buy_limit_gtc_allowed_stays_gtc", expiration_modes=GTC | DAY),
        _placed("gtc"),
    ),
    vector(
        "buy_limit_neither_gtc_nor_day",
        "EURUSD allows only a specified expiration: the command names none, so "
        "the terminal sends GTC and the server's 10022 INVALID_EXPIRATION "
        "says why nothing was placed.",
        [EXPIRY, RETCODES],
        *_limit("buy_limit_neither_gtc_nor_day", expiration_modes=SPECIFIED),
        expect(
            refused(10022),
            [{"request": "pending", "type_time": "gtc", "retcode": 10022}],
            message="expiration",
            orders=[],
        ),
    ),
    closing_vector(
        "modify_day_order_keeps_day",
        "MODIFY of a DAY order where GTC is allowed too: the request carries "
        "the order's DAY, so it does not become GTC.",
        _eurusd([_timed("day", 0)]),
        ("MODIFY", "", MODIFY_FIELDS),
        _modified("day", 0),
        refs=[*SIDES, EXPIRY],
    ),
    closing_vector(
        "modify_day_order_on_day_only_symbol",
        "MODIFY of a DAY order on a day-only symbol: sent with DAY and "
        "accepted (a request without it is GTC there, 10022).",
        _eurusd([_timed("day", 0)], expiration_modes=DAY),
        ("MODIFY", "", MODIFY_FIELDS),
        _modified("day", 0),
        refs=[*SIDES, EXPIRY],
    ),
    closing_vector(
        "modify_specified_order_keeps_expiration",
        "MODIFY of an order that expires at a given time: the request carries "
        "type_time SPECIFIED and the same expiration.",
        _eurusd([_timed("specified", IN_THREE_DAYS)]),
        ("MODIFY", "", MODIFY_FIELDS),
        _modified("specified", IN_THREE_DAYS),
        refs=[*SIDES, EXPIRY],
    ),
]
