"""Every JSON alert form the README accepts, through the real view and database:
the seed README's payloads, the optional fields and the ways a body may be
encoded. Action words and strategy vocabulary: test_webhook_actions."""

import json
from decimal import Decimal

import pytest
from django.conf import settings

from history.models import Command, Signal
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


def queued(response):
    """The one accepted Signal behind a 200 answer and its queued Commands."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    signal = Signal.objects.get(pk=body["signal"])
    assert signal.outcome == "accepted"
    assert signal.http_status == 200
    commands = list(signal.commands.filter(status="queued").order_by("id"))
    assert commands, "an accepted signal has at least one queued command"
    return commands


def only_command(response):
    [command] = queued(response)
    return command


def order(**fields):
    return {"account_number": "1123456", "symbol": "EURUSD", **fields}


# -- the seed README's payloads, exactly as written ---------------------------


def test_it_queues_the_seed_market_order_with_its_stops(client, cast):
    body = '{"account_number": "1123456", "symbol": "XAUUSD", "action": "BUY", "volume": 0.01, "take_profit": 2450.0, "stop_loss": 2400.0}'
    command = only_command(post(client, body))
    assert command.account == cast["main"]
    assert (command.action, command.order_type) == ("BUY", "market")
    assert (command.symbol, command.volume) == ("XAUUSD", Decimal("0.01"))
    assert command.stop_loss == Decimal("2400")
    assert command.take_profit == Decimal("2450")


def test_it_queues_one_command_per_listed_account_for_the_seed_sell(client, cast):
    body = '{"accounts": ["1123456", "7891011"], "symbol": "EURUSD", "action": "SELL", "volume": 0.1}'
    response = post(client, body)
    commands = queued(response)
    assert [c.account_login for c in commands] == ["1123456", "7891011"]
    assert {(c.action, c.symbol, c.volume) for c in commands} == {
        ("SELL", "EURUSD", Decimal("0.1"))
    }
    answered = [(a["account"], a["status"]) for a in response.json()["accounts"]]
    assert answered == [("1123456", "queued"), ("7891011", "queued")]


@pytest.mark.parametrize(("rendered", "action"), [("BUY", "BUY"), ("sell", "SELL")])
def test_it_queues_the_seed_placeholder_order_once_tradingview_rendered_it(
    client, cast, rendered, action
):
    # {"symbol": "{{ticker}}", "action": "{{strategy.order.comment}}", ...}
    body = f'{{"account_number": "1123456", "symbol": "XAUUSD", "action": "{rendered}", "volume": 0.05}}'
    command = only_command(post(client, body))
    assert (command.action, command.symbol) == (action, "XAUUSD")
    assert command.volume == Decimal("0.05")


def test_it_queues_the_seed_limit_order_with_its_price(client, cast):
    body = '{"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", "order_type": "limit", "price": 1.0850, "volume": 0.1}'
    command = only_command(post(client, body))
    assert (command.action, command.order_type) == ("BUY", "limit")
    assert command.price == Decimal("1.085")


def test_it_queues_the_seed_close_by_ticket(client, cast):
    body = '{"account_number": "1123456", "action": "CLOSE", "ticket": 123456789}'
    command = only_command(post(client, body))
    assert (command.action, command.ticket, command.symbol) == ("CLOSE", 123456789, "")


def test_it_queues_the_seed_close_symbol(client, cast):
    body = '{"account_number": "1123456", "action": "CLOSE_SYMBOL", "symbol": "XAUUSD"}'
    command = only_command(post(client, body))
    assert (command.action, command.symbol) == ("CLOSE_SYMBOL", "XAUUSD")


def test_it_queues_the_seed_close_all(client, cast):
    body = '{"account_number": "1123456", "action": "CLOSE_ALL"}'
    command = only_command(post(client, body))
    assert (command.action, command.symbol, command.volume) == ("CLOSE_ALL", "", None)


def test_it_fans_the_seed_strategy_alert_out_to_all_accounts(client, cast):
    body = '{"accounts": "all", "symbol": "XAUUSD", "action": "sell", "market_position": "flat", "volume": 0.1, "id": "XAUUSD-2026-11-24T10:00:00Z"}'
    commands = queued(post(client, body))
    assert [c.account_login for c in commands] == ["1123456", "7891011"]
    assert {(c.action, c.volume) for c in commands} == {("CLOSE_LONG", None)}


SEED_CLOSES = [
    (
        "// Close specific position\n"
        '{"account_number": "1123456", "action": "CLOSE", "ticket": 123456789}',
        "CLOSE",
    ),
    (
        "// Close all positions for symbol\n"
        '{"account_number": "1123456", "action": "CLOSE_SYMBOL", "symbol": "XAUUSD"}',
        "CLOSE_SYMBOL",
    ),
    (
        '// Close all positions\n{"account_number": "1123456", "action": "CLOSE_ALL"}',
        "CLOSE_ALL",
    ),
    (
        "// Close specific position\n{\n"
        '    "account_number": "1123456",\n'
        '    "action": "CLOSE",\n'
        '    "ticket": 123456789\n}',
        "CLOSE",
    ),
]


@pytest.mark.parametrize(
    ("body", "action"),
    SEED_CLOSES,
    ids=["close-ticket", "close-symbol", "close-all", "close-ticket-pretty"],
)
def test_it_accepts_the_seed_close_examples_pasted_with_their_comment_line(
    client, cast, body, action
):
    command = only_command(post(client, body, content_type="text/plain"))
    assert command.action == action


def test_it_accepts_a_comment_line_inside_the_object(client, cast):
    body = (
        '{"account_number": "1123456",\n'
        "  // Close specific position\n"
        '  "action": "CLOSE", "ticket": 123456789}'
    )
    command = only_command(post(client, body, content_type="text/plain"))
    assert (command.action, command.ticket) == ("CLOSE", 123456789)


# -- optional fields -----------------------------------------------------------


def test_it_closes_part_of_a_symbol_by_volume(client, cast):
    command = only_command(post(client, order(action="CLOSE_SYMBOL", volume=0.03)))
    assert (command.action, command.volume) == ("CLOSE_SYMBOL", Decimal("0.03"))


def test_it_keeps_stops_given_in_points(client, cast):
    body = order(action="BUY", volume=0.1, sl_points=150, tp_points="300")
    command = only_command(post(client, body))
    assert (command.sl_points, command.tp_points) == (Decimal(150), Decimal(300))
    assert command.stop_loss is None


def test_it_keeps_stops_given_in_pips(client, cast):
    body = order(action="SELL", volume=0.1, sl_pips=25, tp_pips=50.5)
    command = only_command(post(client, body))
    assert (command.sl_pips, command.tp_pips) == (Decimal(25), Decimal("50.5"))


def test_it_sizes_by_risk_percent_with_a_stop_loss_and_no_volume(client, cast):
    body = order(action="BUY", risk_percent=1.5, stop_loss=1.05)
    command = only_command(post(client, body))
    assert command.risk_percent == Decimal("1.5")
    assert command.stop_loss == Decimal("1.05")
    assert command.volume is None


def test_it_keeps_a_short_comment_whole(client, cast):
    body = order(action="BUY", volume=0.1, comment="breakout v2")
    response = post(client, body)
    assert only_command(response).comment == "breakout v2"
    assert "notes" not in response.json()


def test_it_cuts_a_long_comment_to_31_characters_and_says_so(client, cast):
    comment = "a strategy comment far longer than MT5 allows"
    response = post(client, order(action="BUY", volume=0.1, comment=comment))
    command = only_command(response)
    assert command.comment == comment[:31]
    assert response.json()["notes"] == ["comment cut to MT5's 31 characters"]


def test_it_stores_an_explicit_id_as_the_idempotency_key(client, cast):
    body = order(action="BUY", volume=0.1, id="EURUSD-2026-11-24T10:00:00Z")
    response = post(client, body)
    only_command(response)
    signal = Signal.objects.get(pk=response.json()["signal"])
    assert signal.idempotency_key == "EURUSD-2026-11-24T10:00:00Z"


def test_it_lists_unknown_keys_as_ignored(client, cast):
    response = post(client, order(action="BUY", volume=0.1, strategy="ema-cross"))
    only_command(response)
    assert response.json()["ignored_fields"] == ["strategy"]


def test_it_drops_an_exchange_prefix_and_keeps_the_symbol_as_sent(client, cast):
    body = order(action="BUY", volume=0.01, symbol="OANDA:XAUUSD")
    command = only_command(post(client, body))
    assert (command.symbol, command.original_symbol) == ("XAUUSD", "OANDA:XAUUSD")


def test_it_reads_numbers_sent_as_strings(client, cast):
    body = order(action="BUY", volume="0.01", stop_loss="2400", take_profit="2450.5")
    command = only_command(post(client, body))
    assert command.volume == Decimal("0.01")
    assert (command.stop_loss, command.take_profit) == (
        Decimal(2400),
        Decimal("2450.5"),
    )


def test_it_matches_keys_whatever_their_case_and_separators(client, cast):
    body = {
        "Account-Number": "1123456",
        "Symbol": "EURUSD",
        "ACTION": "buy",
        "Lots": 0.2,
        "stopLoss": 1.0,
    }
    command = only_command(post(client, body))
    assert (command.volume, command.stop_loss) == (Decimal("0.2"), Decimal(1))


# -- how the body is encoded ---------------------------------------------------


def test_it_accepts_json_labelled_text_plain_as_tradingview_sends_it(client, cast):
    body = json.dumps(order(action="BUY", volume=0.1))
    response = post(client, body, content_type="text/plain")
    command = only_command(response)
    assert (command.action, command.volume) == ("BUY", Decimal("0.1"))
    assert Signal.objects.get().format == "json"


def test_it_accepts_a_form_encoded_body(client, cast):
    body = "account_number=1123456&action=buy&symbol=EURUSD&volume=0.1"
    response = post(client, body, content_type="application/x-www-form-urlencoded")
    command = only_command(response)
    assert (command.action, command.symbol, command.volume) == (
        "BUY",
        "EURUSD",
        Decimal("0.1"),
    )
    assert Signal.objects.get().format == "form"


def test_it_accepts_json_after_a_utf8_byte_order_mark(client, cast):
    body = b"\xef\xbb\xbf" + json.dumps(order(action="SELL", volume=0.1)).encode()
    command = only_command(post(client, body))
    assert command.action == "SELL"


def test_it_accepts_tradingview_stops_as_traderspost_objects(client, cast):
    body = order(
        action="buy",
        quantity=1,
        stopLoss={"stopPrice": 1.05},
        takeProfit={"limitPrice": 1.2},
    )
    command = only_command(post(client, body))
    assert (command.stop_loss, command.take_profit) == (Decimal("1.05"), Decimal("1.2"))


def test_it_stores_the_body_without_the_token(client, cast):
    body = order(action="BUY", volume=0.1, comment=settings.WEBHOOK_TOKEN[:5])
    post(client, {**body, "note": settings.WEBHOOK_TOKEN})
    assert Command.objects.count() == 1
    assert settings.WEBHOOK_TOKEN not in Signal.objects.get().raw_body
