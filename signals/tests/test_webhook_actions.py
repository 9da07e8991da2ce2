"""The action words an alert may use, in any case, and TradingView's strategy
vocabulary (market_position / sentiment), through the real view."""

from decimal import Decimal

import pytest

from history.models import Signal
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


def only_command(response):
    assert response.status_code == 200, response.content
    signal = Signal.objects.get(pk=response.json()["signal"])
    assert signal.outcome == "accepted"
    [command] = signal.commands.all()
    assert command.status == "queued"
    return command


def order(**fields):
    return {"account_number": "1123456", "symbol": "EURUSD", **fields}


# -- action words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "action"),
    [
        ("BUY", "BUY"),
        ("LONG", "BUY"),
        ("buy", "BUY"),
        ("long", "BUY"),
        ("Bull", "BUY"),
        ("SELL", "SELL"),
        ("SHORT", "SELL"),
        ("sell", "SELL"),
        ("short", "SELL"),
    ],
)
def test_it_reads_opening_action_words_in_any_case(client, cast, word, action):
    command = only_command(post(client, order(action=word, volume=0.1)))
    assert (command.action, command.order_type) == (action, "market")


@pytest.mark.parametrize(
    ("word", "action"),
    [
        ("CLOSE_LONG", "CLOSE_LONG"),
        ("close_short", "CLOSE_SHORT"),
        ("exit", "CLOSE_SYMBOL"),
        ("Close", "CLOSE_SYMBOL"),
        ("closelongshort", "CLOSE_SYMBOL"),
    ],
)
def test_it_reads_close_action_words(client, cast, word, action):
    command = only_command(post(client, order(action=word)))
    assert (command.action, command.symbol) == (action, "EURUSD")


def test_it_queues_a_modify_of_one_ticket_with_a_new_stop_loss(client, cast):
    body = {"account_number": "1123456", "action": "MODIFY", "ticket": 42}
    command = only_command(post(client, {**body, "stop_loss": 1.07}))
    assert (command.action, command.ticket) == ("MODIFY", 42)
    assert (command.stop_loss, command.take_profit) == (Decimal("1.07"), None)


def test_it_queues_a_modify_of_a_symbols_positions_with_a_new_take_profit(client, cast):
    command = only_command(post(client, order(action="modify", take_profit=1.2)))
    assert (command.action, command.symbol, command.ticket) == (
        "MODIFY",
        "EURUSD",
        None,
    )
    assert command.take_profit == Decimal("1.2")


@pytest.mark.parametrize(
    ("extra", "ticket", "symbol"),
    [({"ticket": 77}, 77, ""), ({"symbol": "EURUSD"}, None, "EURUSD"), ({}, None, "")],
)
def test_it_queues_a_cancel_by_ticket_by_symbol_or_of_everything(
    client, cast, extra, ticket, symbol
):
    body = {"account_number": "1123456", "action": "CANCEL", **extra}
    command = only_command(post(client, body))
    assert (command.action, command.ticket, command.symbol) == (
        "CANCEL",
        ticket,
        symbol,
    )


@pytest.mark.parametrize(
    ("word", "action", "order_type"),
    [
        ("BUY_LIMIT", "BUY", "limit"),
        ("buy limit", "BUY", "limit"),
        ("sellLimit", "SELL", "limit"),
        ("BUY_STOP", "BUY", "stop"),
        ("SELL_STOP", "SELL", "stop"),
    ],
)
def test_it_takes_the_order_type_from_a_pending_action_word(
    client, cast, word, action, order_type
):
    body = order(action=word, volume=0.1, price=1.1)
    command = only_command(post(client, body))
    assert (command.action, command.order_type) == (action, order_type)
    assert command.price == Decimal("1.1")


# -- TradingView strategy vocabulary ------------------------------------------


def test_it_closes_the_long_when_a_sell_leaves_the_strategy_flat(client, cast):
    body = order(action="sell", market_position="flat", volume=0.1)
    response = post(client, body)
    command = only_command(response)
    assert (command.action, command.volume) == ("CLOSE_LONG", None)
    assert "volume ignored" in command.notes
    assert any("volume ignored" in note for note in response.json()["notes"])


def test_it_closes_the_short_when_a_buy_leaves_the_strategy_flat(client, cast):
    body = order(action="buy", sentiment="flat", volume=0.1)
    command = only_command(post(client, body))
    assert (command.action, command.volume) == ("CLOSE_SHORT", None)


def test_it_closes_the_symbol_on_an_exit(client, cast):
    body = order(action="exit", sentiment="flat")
    command = only_command(post(client, body))
    assert (command.action, command.symbol) == ("CLOSE_SYMBOL", "EURUSD")


def test_it_trims_the_long_when_a_sell_leaves_the_strategy_still_long(client, cast):
    body = order(action="sell", market_position="long", volume=0.05)
    command = only_command(post(client, body))
    assert (command.action, command.volume) == ("CLOSE_LONG", Decimal("0.05"))


def test_it_closes_the_short_first_when_a_buy_comes_from_short(client, cast):
    body = order(
        action="buy",
        market_position="long",
        prev_market_position="short",
        volume=0.1,
    )
    command = only_command(post(client, body))
    assert (command.action, command.close_first) == ("BUY", "short")
    assert command.volume == Decimal("0.1")


def test_it_opens_without_closing_when_the_strategy_was_flat(client, cast):
    body = order(
        action="buy", market_position="long", prev_market_position="flat", volume=1
    )
    command = only_command(post(client, body))
    assert (command.action, command.close_first) == ("BUY", "")
