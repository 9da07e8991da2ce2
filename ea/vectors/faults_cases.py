"""Golden vectors: a broker that misbehaves (issue 14, PROTOCOL.md 4).

Each case's `state.faults` scripts the trade server's answers to the first
sends (ea/vectors/README.md): "requote" answers 10004 and changes nothing,
"timeout" answers 10012 after executing the request or not (`timeout_done`
1 or 0), "partial:0.6" fills 60 % of an IOC deal, None lets a send through.
Time moves only when the terminal sleeps, so every wait is exact: a retry
pause is 0.25 s, a lookup waits for a late position in 0.05 s steps.

Profits by hand: 1 lot XAUUSD (contract 100) bought at 2420.00 and closed at
Bid 2425.00 makes 5.00 x 100 = 500 USD, 0.6 lot of it 300 USD; 0.1 lot
EURUSD bought at Ask 1.09010 and sold at Bid 1.09000 loses 1.00 USD.
"""

from ea import protocol
from ea.vectors.parts import (
    DEAL,
    NEXT,
    OURS_BUY,
    RETCODES,
    T,
    closing_vector,
    command,
    command_id,
    deal,
    done,
    expect,
    order,
    pos,
    refused,
    state,
    vector,
)

FAULTS = "PROTOCOL.md 4"
REFS = [FAULTS, RETCODES]
GOLD = pos(T, "XAUUSD", "buy", 1.0, 2420.0)
GOLD_2 = pos(T + 1, "XAUUSD", "buy", 1.0, 2420.0)
SHORT = pos(T, "EURUSD", "sell", 0.1, 1.095)
LIMIT = order(T, "EURUSD", "buy_limit", 0.1, 1.085)
UNKNOWN = "outcome unknown, not retried; now "


def faulty(positions=(), orders=(), **faults):
    return state(positions, orders, faults=faults)


def scripted(*script, positions=(), orders=(), **settings):
    return faulty(positions, orders, script=list(script), **settings)


def buys(*retcodes, symbol="EURUSD", volume=0.1):
    return [deal("buy", symbol, volume, retcode=r) for r in retcodes]


def sells(*retcodes, symbol="EURUSD", volume=0.1):
    return [deal("sell", symbol, volume, retcode=r) for r in retcodes]


def unknown(ticket):
    return {**refused(10012, "unknown"), "ticket": ticket}


def case(name, description, start, cmd_args, expected):
    return closing_vector(name, description, start, cmd_args, expected, refs=REFS)


RETRIES = [
    case(
        "fault_requote_then_done_buy",
        "A requote (10004) proves nothing executed: the BUY is sent again at a "
        "fresh price 0.25 s later and fills.",
        scripted("requote", None),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(
            done(NEXT, 1.0901, 0.1),
            buys(10004, 10009),
            positions=[{"ticket": NEXT, "type": "buy", "volume": 0.1}],
        ),
    ),
    case(
        "fault_requote_then_done_close",
        "A CLOSE hit by one requote is sent again and closes the position.",
        scripted("requote", None, positions=[OURS_BUY]),
        ("CLOSE", "", {"ticket": T}),
        expect(
            done(T, 1.09, 0.1, closed=1),
            sells(10004, 10009),
            positions=[],
            balance=10050.0,
        ),
    ),
    case(
        "fault_too_many_requests_retried",
        "10024 (too many requests) twice, then the close goes through.",
        scripted("too_many", "too_many", None, positions=[OURS_BUY]),
        ("CLOSE_SYMBOL", "EURUSD", {}),
        expect(
            done(T, 1.09, 0.1, closed=1),
            sells(10024, 10024, 10009),
            positions=[],
        ),
    ),
    case(
        "fault_locked_not_retried",
        "10028 (request locked for processing) does not say whether the "
        "request executed: it is never sent again, and the command is unknown "
        "with what the terminal sees after it (here the broker did nothing).",
        scripted("busy"),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(
            refused(10028, "unknown"),
            buys(10028),
            message=UNKNOWN + "no new position or order of ours on EURUSD after 1 s",
            positions=[],
        ),
    ),
    case(
        "fault_retries_exhausted",
        "Four sends, each refused without effect: the last refusal (10024) is "
        "the result, and nothing more is sent.",
        scripted("requote", "price_changed", "price_off", "too_many"),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(refused(10024), buys(10004, 10020, 10021, 10024), positions=[]),
    ),
]

TIMEOUTS = [
    case(
        "fault_timeout_buy",
        "BUY answered 10012 after it executed: unknown, not sent again; the "
        "message names the new position of ours the terminal sees after it.",
        scripted("timeout", timeout_done=1),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(
            unknown(NEXT),
            buys(10012),
            message=UNKNOWN + f"new of ours on EURUSD: #{NEXT} buy 0.1 lots",
            positions=[{"ticket": NEXT, "type": "buy", "volume": 0.1}],
        ),
    ),
    case(
        "fault_timeout_close",
        "CLOSE answered 10012, not executed: unknown, the position re-read.",
        scripted("timeout", timeout_done=0, positions=[OURS_BUY]),
        ("CLOSE", "", {"ticket": T}),
        expect(
            unknown(T),
            sells(10012),
            message=UNKNOWN + f"position #{T} is still listed: buy 0.1 lots",
            positions=[OURS_BUY],
        ),
    ),
    case(
        "fault_timeout_close_all",
        "CLOSE_ALL: the first close's answer is lost (it executed), the second "
        "closes: the whole command is unknown, with what is known counted "
        "(its price and volume are the known close's).",
        scripted("timeout", None, timeout_done=1, positions=[OURS_BUY, GOLD_2]),
        ("CLOSE_ALL", "", {}),
        expect(
            # price and volume: those of the close known to be done.
            {**unknown(T), "price": 2425.0, "volume": 1.0, "closed": 1, "failed": 1},
            [*sells(10012), *sells(10009, symbol="XAUUSD", volume=1.0)],
            message=UNKNOWN + f"position #{T} is not listed (closed?)",
            positions=[],
        ),
    ),
    case(
        "fault_timeout_modify",
        "MODIFY answered 10012 after the stop was set: unknown, re-read.",
        scripted("timeout", timeout_done=1, positions=[OURS_BUY]),
        ("MODIFY", "", {"ticket": T, "stop_loss": 1.08}),
        expect(
            unknown(T),
            [{"request": "sltp", "retcode": 10012, "sl": 1.08}],
            message=UNKNOWN + f"position #{T} is still listed: buy 0.1 lots",
            positions=[{"ticket": T, "sl": 1.08}],
        ),
    ),
    case(
        "fault_timeout_cancel",
        "CANCEL answered 10012 after the order was removed: unknown, re-read.",
        scripted("timeout", timeout_done=1, orders=[LIMIT]),
        ("CANCEL", "", {"ticket": T}),
        expect(
            unknown(T),
            [{"request": "remove", "retcode": 10012}],
            message=UNKNOWN + f"order #{T} is not listed",
            orders=[],
        ),
    ),
    case(
        "fault_timeout_close_first",
        "A reversal whose close_first is answered 10012 (not executed) is "
        "unknown and opens nothing.",
        scripted("timeout", timeout_done=0, positions=[SHORT]),
        ("BUY", "EURUSD", {"volume": 0.1, "close_first": "short"}),
        expect(
            unknown(T),
            buys(10012),
            message=UNKNOWN + f"position #{T} is still listed: sell 0.1 lots; "
            "close first: ",
            positions=[SHORT],
        ),
    ),
]

PARTIAL = [
    case(
        "fault_partial_close_remainder_closed",
        "The close fills 0.6 of 1 lot (10010); the remaining 0.4 is sent again "
        "at a fresh price and closes: one close, 1 lot, 10009.",
        scripted("partial:0.6", None, positions=[GOLD]),
        ("CLOSE", "", {"ticket": T}),
        expect(
            done(T, 2425.0, 1.0, closed=1),
            [
                *sells(10010, symbol="XAUUSD", volume=0.6),
                *sells(10009, symbol="XAUUSD", volume=0.4),
            ],
            message="done in 2 deals after partial fills",
            positions=[],
            balance=10500.0,
        ),
    ),
    case(
        "fault_partial_close_remainder_open",
        "The close fills 0.6 of 1 lot; the remainder meets four requotes: "
        "executed with 10010, the volume closed, and closed_volume and "
        "remaining_volume saying 0.4 lot is still open.",
        scripted(
            "partial:0.6", "requote", "requote", "requote", "requote", positions=[GOLD]
        ),
        ("CLOSE", "", {"ticket": T}),
        expect(
            {
                **done(T, 2425.0, 0.6, closed=1),
                "retcode": 10010,
                "closed_volume": 0.6,
                "remaining_volume": 0.4,
            },
            [
                *sells(10010, symbol="XAUUSD", volume=0.6),
                *sells(10004, 10004, 10004, 10004, symbol="XAUUSD", volume=0.4),
            ],
            message=f"partial_close: 0.6 of 1 lots closed, 0.4 still open on #{T}",
            positions=[{"ticket": T, "volume": 0.4}],
            balance=10300.0,
        ),
    ),
]


def _earlier(name, action, symbol, **fields):
    """A command file already in the folder, ahead of the case's own (seq 1)."""
    data = command(name, action, symbol, **fields)
    return protocol.command_name(data["seq"], data["id"]), protocol.dumps(data)


_BUY_FIRST, _BUY_TEXT = _earlier("fault_late_position_buy", "BUY", "EURUSD", volume=0.1)

WAITS = [
    vector(
        "fault_disconnected_command_untaken",
        "The terminal is disconnected (TERMINAL_CONNECTED 0) for 40 s, past the "
        "command's expires_at: it claims nothing and sends nothing; the file "
        "stays for the server to withdraw and record as expired.",
        REFS,
        faulty([OURS_BUY], disconnect=40, disconnect_every=100, since=60),
        {"command": command("fault_disconnected", "CLOSE", ticket=T)},
        expect(
            None,
            [],
            positions=[OURS_BUY],
            files_present=[protocol.command_name(1, command_id("fault_disconnected"))],
        ),
    ),
    case(
        "fault_no_tick_buy",
        "EURUSD has no valid tick (0/0) within the 2 s wait: nothing is sent, "
        "rejected with retcode 0, message no_quote: and code no_quote.",
        faulty(notick=60),
        ("BUY", "EURUSD", {"volume": 0.1, "sl_points": 100}),
        expect(
            {**refused(0), "code": "no_quote"},
            [],
            message="no_quote: no valid tick for EURUSD within 2 s (not sent)",
            positions=[],
        ),
    ),
    case(
        "fault_no_tick_close",
        "No valid tick to close at: the close is not sent either.",
        faulty([OURS_BUY], notick=60),
        ("CLOSE", "", {"ticket": T}),
        expect(
            {**refused(0), "code": "no_quote", "closed": 0},
            [],
            message=f"no_quote: #{T}: no valid tick for EURUSD within 2 s (not sent)",
            positions=[OURS_BUY],
        ),
    ),
    vector(
        "fault_late_position_found_by_close",
        "A BUY (already in the folder) opens a position the broker lists only "
        "200 ms after its deal; the CLOSE right after it waits for it, finds "
        "it and closes it.",
        REFS,
        state(files={_BUY_FIRST: _BUY_TEXT}, faults={"visible_after": 200}),
        {"command": command("fault_late_position_close", "CLOSE", seq=2, ticket=NEXT)},
        expect(
            done(NEXT, 1.09, 0.1, closed=1),
            [*buys(10009), *sells(10009)],
            positions=[],
            balance=9999.0,
            earlier_results={
                protocol.result_name(_BUY_FIRST): done(NEXT, 1.0901, 0.1, deal=DEAL)
            },
        ),
    ),
]

MORE = [
    case(
        "fault_partial_open",
        "An opening IOC deal filled for 0.6 of 1 lot: executed, 10010, the "
        "filled volume; the rest is cancelled by the server, never sent again.",
        scripted("partial:0.6"),
        ("BUY", "XAUUSD", {"volume": 1.0}),
        expect(
            {**done(NEXT, 2425.25, 0.6), "retcode": 10010},
            buys(10010, symbol="XAUUSD", volume=0.6),
            message="filled in part: 0.6 of 1 lots, the rest cancelled",
            positions=[{"ticket": NEXT, "volume": 0.6}],
        ),
    ),
    case(
        "fault_connection_lost_before_send",
        "The command is claimed while connected; the connection drops 10 ms "
        "later, while the terminal waits 0.1 s for EURUSD's first tick. It "
        "sends nothing until the connection is back 5 s later, then sends once.",
        faulty(disconnect=5, disconnect_every=60, since=54.99, notick=0.1),
        ("BUY", "EURUSD", {"volume": 0.1}),
        expect(
            done(NEXT, 1.0901, 0.1),
            buys(10009),
            positions=[{"ticket": NEXT, "volume": 0.1}],
        ),
    ),
]

VECTORS = [*RETRIES, *TIMEOUTS, *PARTIAL, *WAITS, *MORE]
