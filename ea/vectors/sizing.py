"""Golden vectors: opening refused or fitted for the volume, the risk, the
symbol's and the account's state; and opening against an existing position
(hedging, reversal). build.py writes them right after opening.py's."""

from ea.vectors.parts import (
    LOCAL,
    NETTING_HEDGING,
    NEXT,
    OURS_BUY,
    PROTOCOL,
    RETCODES,
    VOLUME,
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

VECTORS = [
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
        [NETTING_HEDGING],
        state([OURS_BUY]),
        cmd("hedging_opposite_opens_new", "SELL", "EURUSD", volume=0.1),
        expect(
            done(NEXT, 1.09, 0.1),
            [{"retcode": 10009}],
            positions=[OURS_BUY, pos(NEXT, "EURUSD", "sell", 0.1, 1.09)],
        ),
    ),
    vector(
        "close_first_reversal",
        "BUY with close_first short: our short closes at Ask (+49.00) first, the "
        "manual short stays, then the buy opens (its order is the next ticket).",
        [PROTOCOL, NETTING_HEDGING],
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
