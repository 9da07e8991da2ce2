"""PineConnector text alerts (`<account>,<command>,<symbol>,key=value,...`)
through the real view, sent as TradingView sends non-JSON messages: text/plain."""

from decimal import Decimal

import pytest

from history.models import Command, Signal
from signals.tests import webhook

pytestmark = pytest.mark.django_db


def post(client, text):
    return webhook.post(client, text, content_type="text/plain")


def only_command(response):
    assert response.status_code == 200, response.content
    signal = Signal.objects.get(pk=response.json()["signal"])
    assert (signal.outcome, signal.format) == ("accepted", "pineconnector")
    command = Command.objects.get(signal=signal)
    assert command.status == "queued"
    return command


def test_it_reads_risk_as_lots_by_default(client, cast):
    command = only_command(post(client, "1123456,buy,EURUSD,risk=0.1"))
    assert command.account == cast["main"]
    assert (command.action, command.symbol) == ("BUY", "EURUSD")
    assert (command.volume, command.risk_percent) == (Decimal("0.1"), None)


def test_it_reads_sl_as_pips_by_default(client, cast):
    command = only_command(post(client, "1123456,sell,GBPJPY,sl=50,risk=1"))
    assert (command.action, command.symbol) == ("SELL", "GBPJPY")
    assert (command.sl_pips, command.stop_loss) == (Decimal(50), None)
    assert command.volume == Decimal(1)


def test_it_closes_the_long_side(client, cast):
    command = only_command(post(client, "1123456,closelong,GBPUSD"))
    assert (command.action, command.symbol, command.volume) == (
        "CLOSE_LONG",
        "GBPUSD",
        None,
    )


def test_it_allows_spaces_around_the_commas(client, cast):
    text = "1123456 , buylimit , EURUSD , price=1.08 , risk=0.2"
    command = only_command(post(client, text))
    assert (command.action, command.order_type) == ("BUY", "limit")
    assert (command.price, command.volume) == (Decimal("1.08"), Decimal("0.2"))


def test_it_keeps_a_comma_inside_a_quoted_comment(client, cast):
    text = '1123456,buy,EURUSD,risk=0.1,comment="a, b"'
    command = only_command(post(client, text))
    assert command.comment == "a, b"


def test_it_reads_risk_as_a_percentage_when_configured(client, cast, settings):
    settings.PINECONNECTOR_RISK = "percent"
    command = only_command(post(client, "1123456,buy,EURUSD,sl=20,risk=1"))
    assert (command.risk_percent, command.volume) == (Decimal(1), None)
    assert command.sl_pips == Decimal(20)


def test_it_refuses_a_percentage_risk_without_a_stop_loss(client, cast, settings):
    settings.PINECONNECTOR_RISK = "percent"
    response = post(client, "1123456,buy,EURUSD,risk=1")
    assert response.status_code == 400
    assert (response.json()["error"], response.json()["field"]) == (
        "missing_field",
        "stop_loss",
    )
    assert not Command.objects.exists()


def test_it_reads_sl_and_tp_as_prices_when_configured(client, cast, settings):
    settings.PINECONNECTOR_SLTP = "price"
    text = "1123456,buy,EURUSD,sl=1.05,tp=1.2,risk=0.1"
    command = only_command(post(client, text))
    assert (command.stop_loss, command.take_profit) == (Decimal("1.05"), Decimal("1.2"))
    assert (command.sl_pips, command.tp_pips) == (None, None)


@pytest.mark.parametrize(
    ("word", "action", "close_first"),
    [
        ("closelongbuy", "BUY", "long"),
        ("closeshortsell", "SELL", "short"),
        ("closeshortbuy", "BUY", "short"),
    ],
)
def test_it_closes_one_side_then_opens_on_a_reverse_command(
    client, cast, word, action, close_first
):
    command = only_command(post(client, f"1123456,{word},EURUSD,risk=0.1"))
    assert (command.action, command.close_first) == (action, close_first)


@pytest.mark.parametrize(
    ("word", "action", "side"),
    [
        ("closeall", "CLOSE_ALL", ""),
        ("cancellong", "CANCEL", "long"),
        ("newsltpshort", "MODIFY", "short"),
    ],
)
def test_it_reads_the_other_pineconnector_commands(client, cast, word, action, side):
    command = only_command(post(client, f"1123456,{word},EURUSD,sl=30"))
    assert (command.action, command.side) == (action, side)


def test_it_refuses_a_key_it_would_otherwise_silently_drop(client, cast):
    response = post(client, "1123456,buy,EURUSD,risk=0.1,trailtrig=10")
    assert response.status_code == 400
    assert response.json() == {
        "error": "unsupported_key",
        "detail": response.json()["detail"],
        "field": "trailtrig",
        "signal": response.json()["signal"],
    }
    signal = Signal.objects.get()
    assert (signal.outcome, signal.rejection_code) == ("refused", "unsupported_key")
    assert signal.rejection_field == "trailtrig"
    assert not Command.objects.exists()


def test_it_refuses_an_unbalanced_quote(client, cast):
    response = post(client, '1123456,buy,EURUSD,risk=0.1,comment="open')
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_format"
    assert Signal.objects.get().rejection_code == "invalid_format"
    assert not Command.objects.exists()
