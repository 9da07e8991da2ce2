"""Every opening command carries the account's lot limit (`max_volume`,
ea/PROTOCOL.md 3), so the terminal can refuse a risk-sized order above it
(issue 14 point 4): 4 % risk with a 50-point stop once filled 8 lots, because
the account's max_volume applied only to an alert's own volume."""

from decimal import Decimal

import pytest

from history.models import Command
from history.tests.test_ea_api import fetch
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

RISKY = order(volume=None, risk_percent=4, sl_points=50)


@pytest.fixture
def capped(cast):
    cast["main"].max_volume = Decimal("2")
    cast["main"].save()
    return cast["main"]


def sent(client, body):
    post(client, body)
    return Command.objects.latest("pk").as_protocol()


def test_a_risk_sized_order_carries_the_accounts_max_volume(client, capped):
    command = sent(client, RISKY)
    assert (command["volume"], command["risk_percent"]) == (None, 4.0)
    assert command["max_volume"] == 2.0


def test_without_an_account_max_volume_the_hard_limit_is_sent(client, cast, settings):
    settings.MAX_ORDER_VOLUME = Decimal("30")
    assert sent(client, RISKY)["max_volume"] == 30.0


def test_the_smaller_of_the_two_limits_is_sent(client, capped, settings):
    settings.MAX_ORDER_VOLUME = Decimal("1.5")  # lowered after max_volume was set
    assert sent(client, RISKY)["max_volume"] == 1.5


@pytest.mark.parametrize("order_type", ["limit", "stop"])
def test_pending_orders_carry_it_too(client, capped, order_type):
    body = order(action="SELL", order_type=order_type, price=1.2, volume=0.5)
    assert sent(client, body)["max_volume"] == 2.0


@pytest.mark.parametrize("action", ["CLOSE_LONG", "CLOSE_ALL", "CANCEL"])
def test_a_command_that_opens_nothing_carries_none(client, capped, action):
    assert sent(client, order(action=action, volume=None))["max_volume"] is None


def test_the_http_transport_hands_out_the_same_limit(client, capped):
    capped.transport = "http"
    capped.save()
    key = capped.set_ea_key()
    post(client, RISKY)
    assert fetch(client, key).json()["max_volume"] == 2.0
