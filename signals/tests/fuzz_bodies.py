"""The bodies test_webhook_fuzz.py sends: every alert format and field, good
values and bad, and a share aimed at the numeric limits (EDGE_*)."""

import json
import re
from decimal import Decimal
from urllib.parse import urlencode

from hypothesis import strategies as st

LOGIN = re.compile(r"[1-9][0-9]{0,19}")

FIELDS = [
    "account_number",
    "accounts",
    "account",
    "login",
    "license_id",
    "symbol",
    "ticker",
    "action",
    "side",
    "volume",
    "lots",
    "qty",
    "quantity",
    "price",
    "limit_price",
    "stop_loss",
    "stopLoss",
    "sl",
    "take_profit",
    "takeProfit",
    "tp",
    "sl_points",
    "tp_points",
    "sl_pips",
    "tp_pips",
    "risk_percent",
    "ticket",
    "position",
    "comment",
    "id",
    "alert_id",
    "order_type",
    "sentiment",
    "market_position",
    "prev_market_position",
    "close_first",
    "reverse",
    "include_manual",
]
LOGINS = ["1123456", "7891011", "5550001", "5550002", "9999999", "all", "ALL"]
BAD_LOGINS = ["../x", "1/../../etc", "..\\1123456", "0123", "C:1", "1" * 21, ""]
WORDS = [
    "buy",
    "SELL",
    "Long",
    "short",
    "close",
    "exit",
    "flat",
    "CLOSE_SYMBOL",
    "close_long",
    "CLOSE_SHORT",
    "close_all",
    "modify",
    "cancel",
    "buy_limit",
    "sell stop",
    "closelongbuy",
    "newsltpshort",
    "market",
    "limit",
    "stop",
    "none",
    "true",
    "false",
]
SYMBOLS = ["EURUSD", "XAUUSD", "OANDA:XAUUSD", "GBPJPY", "US30.cash", ":", "{{ticker}}"]
NUMBERS = ["0.01", "2400", "-1", "0", "1e13", "NaN", "Infinity", " 0.5 ", "1,5"]
PLACEHOLDERS = ["{{ticker}}", "{{strategy.order.action}}", "{{close}}-{{timenow}}"]

text = st.text(st.characters(codec=None), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(
        lambda n, sign: sign * (10**n + 7),
        st.integers(19, 4000),
        st.sampled_from([1, -1]),
    ),
    st.sampled_from([0, 1, 2**63, -(2**63), 10**19, 10**20, 10**300]),
    st.floats(),
    text,
    st.sampled_from(LOGINS + BAD_LOGINS + WORDS + SYMBOLS + NUMBERS + PLACEHOLDERS),
)
keys = st.one_of(st.sampled_from(FIELDS), text)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=12,
)
# Near-valid alerts reach the fan-out; random extra keys perturb them.
plausible = st.fixed_dictionaries(
    {
        "account_number": st.one_of(
            st.sampled_from(LOGINS + BAD_LOGINS),
            st.lists(st.sampled_from(LOGINS + BAD_LOGINS), max_size=3),
            values,
        ),
        "action": st.one_of(st.sampled_from(WORDS), values),
    },
    optional={
        "symbol": st.one_of(st.sampled_from(SYMBOLS), values),
        "volume": st.one_of(st.sampled_from(NUMBERS), st.floats(0, 100), values),
        "price": st.one_of(st.floats(0, 3000), values),
        "stop_loss": st.one_of(st.floats(0, 3000), values),
        "take_profit": st.one_of(st.floats(0, 3000), values),
        "ticket": st.one_of(st.integers(), values),
        "id": st.one_of(text, values),
        "market_position": st.one_of(st.sampled_from(WORDS), values),
    },
)
# Alerts that mostly pass validation, so the fan-out itself is exercised.
prices = st.floats(0.5, 3000) | st.sampled_from(["2400", 0, ""])
near_valid = st.fixed_dictionaries(
    {
        "account_number": st.sampled_from(LOGINS)
        | st.lists(st.sampled_from(LOGINS[:5]), min_size=1, max_size=3),
        "action": st.sampled_from(WORDS[:16]),
        "symbol": st.sampled_from(SYMBOLS[:5]),
        "volume": st.sampled_from(["0.01", 0.1, "2"]) | st.floats(0.01, 50),
    },
    optional={
        "price": prices,
        "stop_loss": prices,
        "take_profit": prices,
        "ticket": st.integers(1, 2**63),
        "sl_points": st.integers(1, 500),
        "comment": text,
        "id": text,
        "market_position": st.sampled_from(["long", "short", "flat"]),
        "prev_market_position": st.sampled_from(["long", "short", "flat"]),
        "note": values,
    },
)
objects = st.one_of(
    st.dictionaries(keys, values, max_size=8),
    st.builds(
        lambda base, extra: {**extra, **base},
        plausible,
        st.dictionaries(keys, values, max_size=4),
    ),
    near_valid,
    near_valid,
    near_valid,
)
json_bodies = st.builds(
    lambda obj, ascii_only, prefix: (
        prefix
        + json.dumps(obj, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    ),
    objects,
    st.booleans(),
    st.sampled_from([b"", b"", b"", b"", b"\xef\xbb\xbf", b"  \n", b"// Close\n"]),
)
pine_part = st.one_of(
    st.sampled_from(LOGINS + WORDS + SYMBOLS),
    st.builds(
        "{}={}".format,
        st.sampled_from(["risk", "sl", "tp", "price", "comment", "ticket", "id"])
        | st.sampled_from(["trailtrig", "RISK", "accounts", ""]),
        st.sampled_from([*NUMBERS, '"a, b"', '"open']) | text,
    ),
    text,
)
pine_bodies = st.builds(
    lambda login, word, parts, sep: sep.join([login, word, *parts]).encode(
        "utf-8", "surrogatepass"
    ),
    st.sampled_from([*LOGINS, "../x", "0"]),
    st.sampled_from(WORDS[:16]) | text,
    st.lists(pine_part, max_size=5)
    | st.builds(
        lambda symbol, risk: [symbol, f"risk={risk}"],
        st.sampled_from(SYMBOLS[:5]),
        st.sampled_from(NUMBERS[:2]),
    ),
    st.sampled_from([",", " , "]),
)
form_bodies = st.dictionaries(
    st.sampled_from(FIELDS) | text, st.sampled_from(LOGINS + WORDS + NUMBERS) | text
).map(lambda data: urlencode(data, errors="surrogatepass").encode())
# Accounts that push an alert's numbers to the limits (made by `edge_cast`).
EDGE_LOGINS = ["6660100", "6661000", "6660001", "6660002", "6660003"]
EDGE_NUMBERS = [
    "1e12",
    1e12,
    "999999999999.9999999999",
    "1e-10",
    1e-10,
    "0.00000000001",
    "1E+2",
    "1e999999",
    "1e-999999",
    "-0.01",
    -1e12,
    "NaN",
    "-Infinity",
    100,
    "100.0001",
    "0.005",
    0.0001,
    5e-324,
    1.7976931348623157e308,
    2**63,
    "9" * 30,
    "9" * 5000,
]
EDGE_TICKETS = ["9" * 4301, "9" * 19, "9" * 18, 2**63, 2**64, 10**18, "²", "0", -1]
edge_number = st.sampled_from(EDGE_NUMBERS) | st.floats() | st.decimals().map(str)
# Mostly volumes that pass the alert's own checks, so the account's
# multiplier and the hard limits decide.
edge_volume = (
    st.sampled_from(EDGE_NUMBERS)
    | st.floats(1e-12, 1e13)
    | st.decimals(Decimal("1e-11"), Decimal("1e12"), places=11).map(str)
)
edge_target = st.lists(
    st.sampled_from([*EDGE_LOGINS, "1123456", "all"]), min_size=1, max_size=4
)
edge_orders = st.fixed_dictionaries(
    {
        "accounts": edge_target,
        "action": st.sampled_from(["buy", "sell", "close_long", "close_short"]),
        "symbol": st.sampled_from(SYMBOLS[:5]),
        "volume": edge_volume,
    }
)
edge_anything = st.fixed_dictionaries(
    {
        "accounts": edge_target,
        "action": st.sampled_from(["buy", "sell", "close", "close_long", "modify"]),
        "symbol": st.sampled_from(SYMBOLS[:5]),
    },
    optional={
        "volume": edge_number,
        "price": edge_number,
        "stop_loss": edge_number,
        "take_profit": edge_number,
        "sl_points": edge_number,
        "tp_pips": edge_number,
        "risk_percent": edge_number,
        "ticket": st.sampled_from(EDGE_TICKETS) | st.integers(),
        "order_type": st.sampled_from(["market", "limit", "stop"]),
    },
)
edge_bodies = (edge_orders | edge_orders | edge_anything).map(
    lambda obj: json.dumps(obj).encode()
)
odd_bodies = st.sampled_from(
    [
        b"1" * 5000,
        b'{"volume": ' + b"9" * 5000 + b"}",
        b'{"a": ' + b"[" * 2000 + b"]" * 2000 + b"}",
        b"[" * 100_000,
        b"{" * 3000,
        b'{"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", '
        b'"volume": 1e400}',
        b"\x00" * 10,
        b"\xef\xbb\xbf",
    ]
)
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    json_bodies,
    json_bodies,
    json_bodies,
    pine_bodies,
    form_bodies,
    odd_bodies,
    edge_bodies,
    edge_bodies,
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=60),
)
