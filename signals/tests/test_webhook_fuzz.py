"""Thousands of generated bodies through the real view: whatever arrives past
the token check, the answer is JSON and never a 5xx, the request is in history
exactly once, and no Command is ever made for an account number that is not
all digits (it names a folder under MT5_INSTANCES_DIR).

Text values include lone UTF-16 surrogates, which JSON can escape ("\\ud800")
and no database can store.
"""

import json
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from history.models import Command, Signal

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


@pytest.fixture
def open_intake(settings):
    """Set once for the whole run: pytest-django's `settings` stacks one
    override per assignment, and thousands of examples would overflow it."""
    settings.RATE_LIMIT_WEBHOOK = "1000000 per minute"
    settings.WEBHOOK_DEDUPE_WINDOW = 0


@pytest.mark.django_db
@pytest.mark.slow
@hsettings(
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, content_type=content_types)
def test_it_answers_json_and_records_every_generated_body(
    client, cast, open_intake, body, content_type
):
    signals_before = Signal.objects.count()
    last_command = Command.objects.order_by("-id").values_list("id", flat=True)
    last_command = last_command.first() or 0

    response = client.post(url(), body, content_type=content_type)

    assert response.status_code in (200, 400, 413, 415), response.content
    assert response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    assert Signal.objects.count() == signals_before + 1
    signal = Signal.objects.get(pk=answer["signal"])
    event(f"{response.status_code} {answer.get('error') or answer['status']}")
    assert signal.http_status == response.status_code
    if response.status_code == 200:
        assert answer["status"] in ("accepted", "duplicate")
        assert signal.outcome == answer["status"]
    else:
        assert set(answer) >= {"error", "detail", "field"}
        assert (signal.outcome, signal.rejection_code) == ("rejected", answer["error"])
    new = Command.objects.filter(id__gt=last_command)
    assert all(
        LOGIN.fullmatch(login) for login in new.values_list("account_login", flat=True)
    )
    assert new.filter(status="queued").exists() == (signal.outcome == "accepted")
    assert not Command.objects.exclude(account_login__regex=r"^[1-9][0-9]{0,19}$")


def url():
    return f"/webhook/{settings.WEBHOOK_TOKEN}"
