"""Every way the webhook refuses an alert: the answer is
`{"error", "detail", "field"}` with the right status, and the request is in
history as a rejected Signal carrying the same code."""

import json

import pytest
from django.conf import settings

from history.models import Command, Signal
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


def refused(response, status, code, field=None, stored_field=True):
    """Check the answer and the stored Signal agree on the refusal."""
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["error"], body["field"]) == (code, field)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    signal = Signal.objects.get(pk=body["signal"])
    assert signal.outcome == "refused"
    assert (signal.http_status, signal.rejection_code) == (status, code)
    if stored_field:
        assert signal.rejection_field == (field or "")
    assert signal.rejection_reason == body["detail"]
    return signal


def refused_before_fan_out(response, status, code, field=None):
    signal = refused(response, status, code, field)
    assert not Command.objects.exists()
    return signal


def without(name, **fields):
    return {k: v for k, v in order(**fields).items() if k != name}


# -- the body ------------------------------------------------------------------


def test_it_refuses_a_body_that_is_not_utf8(client, cast):
    signal = refused_before_fan_out(post(client, b"\xff\xfe"), 400, "invalid_encoding")
    assert signal.raw_body  # kept, with replacement characters


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "], ids=["empty", "blank"])
def test_it_refuses_an_empty_body(client, cast, body):
    refused_before_fan_out(post(client, body), 400, "empty_body")


@pytest.mark.parametrize(
    "body",
    [
        '{"account_number": "1123456", "action": "BUY", "vol',
        '{"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", '
        '"volume": NaN}',
        '{"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", '
        '"volume": Infinity}',
        '{"account_number": "1123456", "action": "BUY", "action": "SELL", '
        '"symbol": "EURUSD", "volume": 0.1}',
        json.dumps([order()]),
        "[]",
    ],
    ids=["truncated", "nan", "infinity", "duplicate-keys", "array", "empty-array"],
)
def test_it_refuses_invalid_json(client, cast, body):
    refused_before_fan_out(post(client, body), 400, "invalid_json")


def test_it_refuses_text_in_no_known_format(client, cast):
    signal = refused_before_fan_out(
        post(client, "hello", content_type="text/plain"), 400, "unrecognised_format"
    )
    assert signal.raw_body == "hello"


def test_it_refuses_a_form_body_not_labelled_as_a_form(client, cast):
    body = "account_number=1123456&action=buy&symbol=EURUSD&volume=0.1"
    response = post(client, body, content_type="text/plain")
    refused_before_fan_out(response, 400, "unrecognised_format")


def test_it_refuses_a_body_over_the_configured_size(client, cast, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 64
    body = json.dumps(order(comment="x" * 30))
    assert len(body) > 64
    signal = refused_before_fan_out(post(client, body), 413, "body_too_large")
    assert signal.raw_body == body[:64]


def test_it_refuses_a_body_over_djangos_upload_limit(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps(order(comment="x" * 200))
    refused_before_fan_out(post(client, body), 413, "body_too_large")


# -- the fields ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (without("account_number"), "accounts"),
        (order(account_number=""), "accounts"),
        (order(account_number=[]), "accounts"),
        (without("action"), "action"),
        (without("symbol"), "symbol"),
        (without("symbol", action="CLOSE_LONG"), "symbol"),
        (without("volume"), "volume"),
        (order(order_type="limit"), "price"),
        (order(action="sell_stop"), "price"),
        (order(risk_percent=1, volume=None), "stop_loss"),
        ({"account_number": "1123456", "action": "MODIFY", "stop_loss": 1}, "ticket"),
        ({"account_number": "1123456", "action": "MODIFY", "ticket": 5}, "stop_loss"),
    ],
    ids=[
        "no-account",
        "empty-account",
        "empty-account-list",
        "no-action",
        "no-symbol",
        "close-side-no-symbol",
        "no-volume",
        "limit-no-price",
        "stop-no-price",
        "risk-no-stop",
        "modify-no-target",
        "modify-no-stops",
    ],
)
def test_it_names_the_missing_field(client, cast, body, field):
    refused_before_fan_out(post(client, body), 400, "missing_field", field)


def test_it_refuses_a_close_with_neither_ticket_nor_symbol(client, cast):
    # README: CLOSE without a ticket is CLOSE_SYMBOL, which needs the symbol.
    body = {"account_number": "1123456", "action": "CLOSE"}
    signal = refused_before_fan_out(post(client, body), 400, "missing_field", "symbol")
    assert "symbol" in signal.rejection_reason


@pytest.mark.parametrize("word", ["hodl", "buy now", "close_everything"])
def test_it_refuses_an_unknown_action(client, cast, word):
    signal = refused_before_fan_out(
        post(client, order(action=word)), 400, "unknown_action", "action"
    )
    assert word[:4] in signal.rejection_reason


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order(symbol="{{ticker}}"), "symbol"),
        (order(action="{{strategy.order.action}}"), "action"),
        (order(id="{{ticker}}-{{timenow}}"), "id"),
        (order(account_number=["1123456", "{{plot_0}}"]), "account_number"),
    ],
    ids=["symbol", "action", "id", "in-a-list"],
)
def test_it_refuses_a_placeholder_tradingview_did_not_render(client, cast, body, field):
    refused_before_fan_out(post(client, body), 400, "unrendered_placeholder", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order(symbol=123), "symbol"),
        (order(symbol=["EURUSD"]), "symbol"),
        (order(symbol="EUR USD"), "symbol"),
        (order(symbol="OANDA:"), "symbol"),
        (order(symbol="X" * 65), "symbol"),
        (order(volume=-0.1), "volume"),
        (order(volume=0), "volume"),
        (order(volume="0"), "volume"),
        (order(volume="NaN"), "volume"),
        (order(volume="-Infinity"), "volume"),
        (order(volume="1e13"), "volume"),
        (order(volume=True), "volume"),
        (order(volume="a lot"), "volume"),
        (order(volume={"qty": 1}), "volume"),
        (order(volume=None, risk_percent=150, stop_loss=1.0), "risk_percent"),
        (order(stop_loss=-1), "stop_loss"),
        (order(ticket=-5), "ticket"),
        (order(ticket=2**63), "ticket"),
        (order(ticket=1.5), "ticket"),
        (order(comment="two\nlines"), "comment"),
        (order(order_type="iceberg"), "order_type"),
        (order(action="CLOSE_ALL", order_type="limit"), "order_type"),
        (order(close_first="sideways"), "close_first"),
        (order(market_position="sideways"), "sentiment"),
        (order(include_manual="maybe"), "include_manual"),
        (order(stop_loss={"trail": 5}), "stop_loss"),
        (order(id="k" * 201), "id"),
    ],
)
def test_it_refuses_an_invalid_value_naming_its_field(client, cast, body, field):
    refused_before_fan_out(post(client, body), 400, "invalid_field", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order(stop_loss=2450, take_profit=2400), "stop_loss"),
        (order(stop_loss=2400, take_profit=2400), "stop_loss"),
        (order(action="SELL", stop_loss=2400, take_profit=2450), "stop_loss"),
        (order(order_type="limit", price=2400, stop_loss=2410), "stop_loss"),
        (order(order_type="limit", price=2400, take_profit=2390), "take_profit"),
        (
            order(action="sell_limit", price=2400, stop_loss=2390, take_profit=2300),
            "stop_loss",
        ),
    ],
    ids=[
        "buy-sl-over-tp",
        "buy-sl-at-tp",
        "sell-sl-under-tp",
        "buy-limit-sl-over-entry",
        "buy-limit-tp-under-entry",
        "sell-limit-sl-under-entry",
    ],
)
def test_it_refuses_swapped_stops(client, cast, body, field):
    refused_before_fan_out(post(client, body), 400, "invalid_field", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order(risk_percent=1, stop_loss=1.0), "volume"),
        (order(sl_points=10, sl_pips=1), "sl_pips"),
        (order(action="buy_limit", price=1.0, order_type="stop"), "order_type"),
        ({**order(), "lots": 0.2}, "volume"),
        ({**order(stop_loss=1.0), "stopLoss": 1.0}, "stop_loss"),
    ],
    ids=["volume-and-risk", "points-and-pips", "action-vs-type", "alias", "case"],
)
def test_it_refuses_conflicting_fields(client, cast, body, field):
    refused_before_fan_out(post(client, body), 400, "conflicting_fields", field)


# -- the accounts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "code"),
    [
        ("9999999", "unknown_account"),
        ("5550001", "account_disabled"),
        ("5550002", "account_paused"),
    ],
)
def test_it_refuses_an_alert_no_account_takes(client, cast, login, code):
    response = post(client, order(account_number=login))
    signal = refused(
        response, 400, "no_account_accepted", "accounts", stored_field=False
    )
    assert signal.idempotency_key is None
    command = Command.objects.get()
    assert (command.signal, command.account_login) == (signal, login)
    assert (command.status, command.status_code) == ("rejected", code)
    assert command.queued_at is None
    assert command.expires_at is None
    [answer] = response.json()["accounts"]
    assert (answer["account"], answer["status"], answer["error"]) == (
        login,
        "rejected",
        code,
    )


def test_it_stores_the_field_it_answers_when_no_account_takes_the_alert(client, cast):
    response = post(client, order(account_number="9999999"))
    assert response.json()["field"] == "accounts"
    assert Signal.objects.get().rejection_field == "accounts"


def test_it_queues_the_known_account_and_refuses_the_unknown_one(client, cast):
    body = {**without("account_number"), "accounts": ["1123456", "9999999"]}
    response = post(client, body)
    assert response.status_code == 200, response.content
    assert Signal.objects.get().outcome == "accepted"
    statuses = dict(Command.objects.values_list("account_login", "status_code"))
    assert statuses == {"1123456": "", "9999999": "unknown_account"}
    assert Command.objects.get(account_login="1123456").status == "queued"
    assert Command.objects.get(account_login="9999999").account is None


@pytest.mark.parametrize(
    "accounts",
    [
        "../x",
        "1/../../etc",
        ["1123456", "1/../../etc"],
        "1123456,../7891011",
        "..\\1123456",
        "C:1123456",
        "0123456",
        "\uff11\uff11\uff12\uff13\uff14\uff15\uff16",  # fullwidth
        "1" * 21,
        -1123456,
        1123456.0,
        [["1123456"]],
    ],
)
def test_it_refuses_an_account_number_that_is_not_digits(client, cast, accounts):
    body = {**order(), "account_number": accounts}
    refused_before_fan_out(post(client, body), 400, "invalid_field", "accounts")


def test_it_refuses_a_volume_that_overflows_to_infinity(client, cast):
    body = '{"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", '
    body += '"volume": 1e400}'
    refused_before_fan_out(post(client, body), 400, "invalid_field", "volume")


def test_it_ignores_an_empty_part_in_a_comma_separated_account_list(client, cast):
    body = {**without("account_number"), "accounts": "1123456,7891011,"}
    response = post(client, body)
    assert response.status_code == 200, response.content
    assert Command.objects.filter(status="queued").count() == 2


def test_it_refuses_a_path_as_account_number_in_a_form_body(client, cast):
    body = "account_number=..%2Fx&action=buy&symbol=EURUSD&volume=0.1"
    response = post(client, body, content_type="application/x-www-form-urlencoded")
    refused_before_fan_out(response, 400, "invalid_field", "accounts")


def test_it_refuses_all_mixed_with_account_numbers(client, cast):
    body = order(account_number=["all", "1123456"])
    refused_before_fan_out(post(client, body), 400, "invalid_field", "accounts")


# -- outside the alert ---------------------------------------------------------


def test_it_answers_401_with_nothing_and_stores_nothing_for_a_bad_token(client, cast):
    for token in ("wrong", settings.WEBHOOK_TOKEN[:-1], settings.WEBHOOK_TOKEN + "x"):
        response = post(client, order(), token=token)
        assert response.status_code == 401
        assert response.content == b""
    assert not Signal.objects.exists()
    assert not Command.objects.exists()


def test_it_answers_401_to_a_bad_token_whatever_the_accept_header(client, cast):
    response = post(client, order(), token="wrong", HTTP_ACCEPT="text/html")
    assert response.status_code == 401
    assert response.content == b""
    assert not Signal.objects.exists()


def test_it_answers_a_get_without_a_server_error(client, cast):
    response = client.get(f"/webhook/{settings.WEBHOOK_TOKEN}")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert Signal.objects.get().outcome == "refused"
    assert client.get("/webhook/wrong").status_code == 401
    assert Signal.objects.count() == 1
