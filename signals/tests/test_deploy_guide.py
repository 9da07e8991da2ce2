"""Every alert message in docs/deploy.md, as TradingView renders it, is
accepted: a trader pastes them as they are."""

import re
from pathlib import Path

import pytest

from history.models import Command
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
# What TradingView puts in the placeholders when a strategy opens a long, and
# when it closes it.
OPENING = {
    "ticker": "EURUSD",
    "strategy.order.action": "buy",
    "strategy.market_position": "long",
    "strategy.prev_market_position": "flat",
    "strategy.order.contracts": "0.1",
    "strategy.order.id": "Long",
    "strategy.order.alert_message": "1.0850",
    "timenow": "2026-11-24T21:00:05Z",
    "time": "2026-11-24T21:00:00Z",
}
CLOSING = {
    **OPENING,
    "strategy.order.action": "sell",
    "strategy.market_position": "flat",
    "strategy.prev_market_position": "long",
    "strategy.order.id": "Exit",
    "strategy.order.alert_message": "",
    "timenow": "2026-11-24T22:00:05Z",
}


def messages():
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(r"```json\n(.*?)\n```", text, re.DOTALL)
    found += re.findall(r"PineConnector-style text works too \(`([^`]+)`\)", text)
    return found


def render(message, values):
    return re.sub(r"\{\{([^}]+)\}\}", lambda m: values[m.group(1)], message)


def test_the_guide_has_the_messages_it_promises():
    assert len(messages()) == 6


@pytest.mark.parametrize("message", messages())
@pytest.mark.parametrize("values", [OPENING, CLOSING], ids=["opening", "closing"])
def test_each_message_is_accepted(client, cast, message, values):
    response = post(client, render(message, values))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"


@pytest.mark.parametrize("message", [m for m in messages() if "strategy.order" in m])
def test_the_strategy_messages_open_and_then_close_the_long(client, cast, message):
    for values, action in ((OPENING, "BUY"), (CLOSING, "CLOSE_LONG")):
        body = post(client, render(message, values)).json()
        ids = [a["command"] for a in body["accounts"] if a["status"] == "queued"]
        assert {c.action for c in Command.objects.filter(uid__in=ids)} == {action}
