"""Golden vectors for the guards of issue 14 points 4 and 5: the lot limit a
command carries (`max_volume`) and the terminal's own limits
(`state.terminal_limits`: the EA's inputs, the paper terminal's options),
checked on an opening order's final volume, risk-sized or not; and the magic
range both terminals accept (PROTOCOL.md 3)."""

from ea.vectors.parts import (
    LOCAL,
    NEXT,
    PROTOCOL,
    VOLUME,
    T,
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

LIMITS = "PROTOCOL.md 3 (max_volume)"
MAGICS = "PROTOCOL.md 3 (magic)"
TOP = 10**18 - 1  # the largest magic: 18 digits, beyond a double's 2^53
OURS = pos(T, "EURUSD", "buy", 0.1, 1.085)
MANUAL = pos(T + 1, "EURUSD", "buy", 0.2, 1.086, magic=0)


def _refused(message):
    return expect(refused(0), [], message=message, positions=[])


def _limited(**limits):
    return state(terminal_limits=limits)


LOT_LIMITS = [
    vector(
        "risk_sized_above_max_volume",
        "Issue 14's repro: 4 % of 10000 USD at a 50-point stop on EURUSD (1 USD "
        "per point and lot) sizes 8 lots; the account's limit is 2: refused, "
        "not capped, nothing sent.",
        [LIMITS, LOCAL],
        state(),
        cmd(
            "risk_sized_above_max_volume",
            "BUY",
            "EURUSD",
            risk_percent=4,
            sl_points=50,
            max_volume=2,
        ),
        _refused(
            "volume 8 is above the account's limit of 2 lots per order "
            "(max_volume) (not sent)"
        ),
    ),
    vector(
        "volume_above_max_volume",
        "A given volume above the command's max_volume is refused too.",
        [LIMITS, LOCAL],
        state(),
        cmd("volume_above_max_volume", "BUY", "EURUSD", volume=2.01, max_volume=2),
        _refused("volume 2.01 is above the account's limit of 2 lots per order"),
    ),
    vector(
        "pending_above_max_volume",
        "A pending order is held to the same limit.",
        [LIMITS, LOCAL],
        state(),
        cmd(
            "pending_above_max_volume",
            "SELL",
            "EURUSD",
            order_type="limit",
            price=1.095,
            volume=0.5,
            max_volume=0.3,
        ),
        expect(
            refused(0),
            [],
            message="volume 0.5 is above the account's limit of 0.3 lots",
            orders=[],
        ),
    ),
    vector(
        "at_max_volume_accepted",
        "The limit applies to the final volume: 2.009 floors to 2.00 on the "
        "step 0.01, which is at the limit of 2, so it is sent.",
        [LIMITS, VOLUME],
        state(),
        cmd("at_max_volume_accepted", "BUY", "EURUSD", volume=2.009, max_volume=2),
        expect(
            done(NEXT, 1.0901, 2.0),
            [deal("buy", "EURUSD", 2.0, retcode=10009)],
            positions=[pos(NEXT, "EURUSD", "buy", 2.0, 1.0901)],
        ),
    ),
    vector(
        "terminal_max_lots_refused",
        "The terminal's own limit of 1 lot per order (the EA's input), whatever "
        "the command allows.",
        [LIMITS, LOCAL],
        _limited(max_lots=1),
        cmd("terminal_max_lots_refused", "BUY", "EURUSD", volume=1.5, max_volume=100),
        _refused(
            "volume 1.5 is above the terminal's limit of 1 lots per order "
            "(max lots) (not sent)"
        ),
    ),
]

BOOK = [OURS, MANUAL]
BOOK_ORDERS = [order(T + 2, "EURUSD", "buy_limit", 0.1, 1.08)]

POSITION_LIMITS = [
    vector(
        "terminal_max_positions_refused",
        "The terminal's limit of 2 positions and pending orders of ours: one "
        "position and one order of ours are open (the manual one does not "
        "count), so a new order is refused.",
        [LIMITS, LOCAL],
        state(BOOK, BOOK_ORDERS, terminal_limits={"max_positions": 2}),
        cmd("terminal_max_positions_refused", "BUY", "GBPUSD", volume=0.1),
        expect(
            refused(0),
            [],
            message="2 positions and orders of ours are open, the terminal's "
            "limit of 2 (max positions) (not sent)",
            positions=BOOK,
            orders=BOOK_ORDERS,
        ),
    ),
    vector(
        "terminal_max_positions_below",
        "The same book under a limit of 3: the order is sent.",
        [LIMITS],
        state(BOOK, BOOK_ORDERS, terminal_limits={"max_positions": 3}),
        cmd("terminal_max_positions_below", "BUY", "GBPUSD", volume=0.1),
        expect(
            done(NEXT, 1.27014, 0.1),
            [deal("buy", "GBPUSD", 0.1, retcode=10009)],
            positions=[*BOOK, pos(NEXT, "GBPUSD", "buy", 0.1, 1.27014)],
        ),
    ),
    vector(
        "terminal_max_positions_netting_reduce",
        "Netting, at the limit of 1: a SELL on the symbol of our long changes "
        "that position and adds none, so it is sent (0.3 - 0.1 = 0.2 left).",
        [LIMITS, "docs/mt5.md 9"],
        state(
            [pos(T, "EURUSD", "buy", 0.3, 1.085)],
            margin_mode="netting",
            terminal_limits={"max_positions": 1},
        ),
        cmd("terminal_max_positions_netting_reduce", "SELL", "EURUSD", volume=0.1),
        expect(
            {"status": "executed", "retcode": 10009},
            [deal("sell", "EURUSD", 0.1, retcode=10009)],
            positions=[pos(T, "EURUSD", "buy", 0.2, 1.085)],
        ),
    ),
]

NEIGHBOUR = pos(T + 2, "EURUSD", "buy", 0.1, 1.085, magic=TOP - 1)

MAGIC_RANGE = [
    vector(
        "magic_zero_refused",
        "Magic 0 is what manual trades carry: CLOSE_ALL with it would close "
        "them as ours. Refused before anything is read or sent; the manual "
        "position stays.",
        [MAGICS, LOCAL],
        state([OURS, MANUAL]),
        cmd("magic_zero_refused", "CLOSE_ALL", magic=0),
        expect(
            refused(0),
            [],
            message="magic must be from 1 to 999999999999999999, not 0",
            positions=[OURS, MANUAL],
        ),
    ),
    vector(
        "magic_top_closes_exactly_its_own",
        "The largest magic, 10^18 - 1, read exactly: CLOSE_ALL closes the one "
        "position carrying it, not its neighbour 10^18 - 2 (a double holds "
        "neither), nor the manual one. +50.00.",
        [MAGICS, PROTOCOL],
        state([pos(T, "EURUSD", "buy", 0.1, 1.085, magic=TOP), MANUAL, NEIGHBOUR]),
        cmd("magic_top_closes_exactly_its_own", "CLOSE_ALL", magic=TOP),
        expect(
            done(T, 1.09, 0.1, closed=1),
            [deal("sell", "EURUSD", 0.1, retcode=10009)],
            positions=[MANUAL, NEIGHBOUR],
            balance=10050.0,
        ),
    ),
    vector(
        "magic_top_opens_with_it",
        "A BUY with magic 10^18 - 1 puts exactly that magic on its position.",
        [MAGICS, PROTOCOL],
        state(),
        cmd("magic_top_opens_with_it", "BUY", "EURUSD", volume=0.1, magic=TOP),
        expect(
            done(NEXT, 1.0901, 0.1),
            [deal("buy", "EURUSD", 0.1, retcode=10009)],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901, magic=TOP)],
        ),
    ),
    vector(
        "magic_too_large_refused",
        "10^18 is outside the agreed range (19 digits): refused, nothing sent.",
        [MAGICS, LOCAL],
        state([OURS]),
        cmd("magic_too_large_refused", "BUY", "EURUSD", volume=0.1, magic=TOP + 1),
        expect(
            refused(0),
            [],
            message="magic must be from 1 to 999999999999999999, "
            "not 1000000000000000000",
            positions=[OURS],
        ),
    ),
]

VECTORS = [*LOT_LIMITS, *POSITION_LIMITS, *MAGIC_RANGE]
