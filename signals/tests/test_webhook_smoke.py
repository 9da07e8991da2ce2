from decimal import Decimal

import pytest

from history.models import Command, Signal
from signals.tests.webhook import post


@pytest.mark.django_db
def test_it_queues_one_command_for_the_seed_market_order(client, cast):
    body = '{"account_number": "1123456", "symbol": "XAUUSD", "action": "BUY", "volume": 0.01, "take_profit": 2450.0, "stop_loss": 2400.0}'
    response = post(client, body)
    assert response.status_code == 200, response.content
    command = Command.objects.get()
    assert command.status == "queued"
    assert (command.action, command.symbol) == ("BUY", "XAUUSD")
    assert command.volume == Decimal("0.01")
    assert response.json()["accounts"][0]["command"] == str(command.uid)


@pytest.mark.django_db
def test_it_answers_401_with_nothing_and_stores_nothing_for_a_bad_token(client, cast):
    response = post(client, "{}", token="wrong")
    assert response.status_code == 401
    assert response.content == b""
    assert not Signal.objects.exists()
