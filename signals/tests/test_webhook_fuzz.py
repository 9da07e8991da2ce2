"""Thousands of generated bodies through the real view: whatever arrives past
the token check, the answer is JSON and never a 5xx, the request is in history
exactly once, and no Command is ever made for an account number that is not
all digits (it names a folder under MT5_INSTANCES_DIR).

Text values include lone UTF-16 surrogates, which JSON can escape ("\\ud800")
and no database can store. A share of the bodies aims at the numeric limits
(huge, tiny, negative, NaN, infinite and exponent volumes and prices, tickets
of thousands of digits) on accounts whose multipliers push them further; after
the run every Signal and Command is read back through the ORM, the history
rows and the API, so a row that cannot be read back fails the test.
"""

import json
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import Account, SymbolList
from history.models import Command, Signal
from history.rows import rows_for

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


@pytest.fixture
def open_intake(settings):
    """Set once for the whole run: pytest-django's `settings` stacks one
    override per assignment, and thousands of examples would overflow it."""
    settings.RATE_LIMIT_WEBHOOK = "1000000 per minute"
    settings.WEBHOOK_DEDUPE_WINDOW = 0


@pytest.fixture
def edge_cast(cast):
    """The cast, plus accounts that multiply an alert to the limits: by 100
    with no cap (issue 13's repro), by 1000, by 0.0001, one whose broker
    lists its symbols' volume limits and one whose list is nonsense."""
    Account.objects.create(login="6660100", volume_multiplier=Decimal(100))
    Account.objects.create(login="6661000", volume_multiplier=Decimal(1000))
    Account.objects.create(login="6660001", volume_multiplier=Decimal("0.0001"))
    listed = Account.objects.create(login="6660002", max_volume=Decimal(7))
    symbols = [
        {"name": name, "volume_min": 0.01, "volume_step": 0.01, "volume_max": 50}
        for name in ("EURUSD", "XAUUSD", "GBPJPY", "US30.cash")
    ]
    SymbolList.objects.create(
        account=listed, symbols=symbols, count=4, stored_at=timezone.now()
    )
    # A terminal's list is outside input too: figures no broker would send.
    odd = Account.objects.create(login="6660003")
    symbols = [
        {"name": "EURUSD", "volume_min": "x", "volume_step": 1e-30, "volume_max": -1},
        {"name": "XAUUSD", "volume_min": 1e300, "volume_step": None},
        {"name": "GBPJPY", "volume_step": 0.3, "volume_max": True},
    ]
    SymbolList.objects.create(
        account=odd, symbols=symbols, count=3, stored_at=timezone.now()
    )
    return cast


FUZZ = hsettings(
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.slow
def test_it_answers_json_and_records_every_generated_body(
    client, admin_client, edge_cast, open_intake
):
    @FUZZ
    @given(body=bodies, content_type=content_types)
    def send(body, content_type):
        check_answer(client, body, content_type)

    send()
    assert Signal.objects.count() >= 2000
    read_everything_back(admin_client)


def check_answer(client, body, content_type):
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
    for command in answer.get("accounts", ()):
        event(f"command {command.get('error') or command['status']}")
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
    for command in new.filter(status="queued"):
        assert command.volume is None or command.volume <= settings.MAX_ORDER_VOLUME


def read_everything_back(client):
    """Every row, through each reader: a value its column cannot hold fails
    here (SQLite stores it and fails on the way back)."""
    signals = list(Signal.objects.all())
    commands = list(Command.objects.all())
    assert commands and len(signals) == Signal.objects.count()
    ids = [signal.pk for signal in signals]
    for start in range(0, len(ids), 500):
        assert len(rows_for(ids[start : start + 500])) == len(ids[start : start + 500])
    for kind, total in (("signals", len(signals)), ("commands", len(commands))):
        seen, page = 0, 1
        while seen < total:
            response = client.get(f"/api/{kind}/?page_size=500&page={page}")
            assert response.status_code == 200, response.content[:300]
            seen, page = seen + len(response.json()["results"]), page + 1
    assert client.get("/history/export.csv").status_code == 200


def url():
    return f"/webhook/{settings.WEBHOOK_TOKEN}"
