"""Through the webhook: every Command records the symbol as sent, the broker's
symbol and how it was found, and an account without the instrument refuses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from history.models import Command
from mapping.models import SymbolMapping
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


def send(client, symbol, accounts=("1123456", "7891011"), tag=None):
    body = {"accounts": list(accounts), "symbol": symbol, "action": "BUY"}
    response = post(client, {**body, "volume": 0.1, "id": tag or symbol})
    by_login = {
        c.account_login: c for c in Command.objects.filter(original_symbol=symbol)
    }
    return response, by_login


def test_each_account_trades_its_brokers_name_and_history_says_how(
    client, cast, listed
):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "dotted")
    response, commands = send(client, "OANDA:XAUUSD")
    assert response.json()["status"] == "accepted"
    main, second = commands["1123456"], commands["7891011"]
    assert (main.symbol, main.symbol_match) == ("XAUUSDm", "rule")
    assert (second.symbol, second.symbol_match) == ("XAUUSD.pro", "rule")
    assert main.as_protocol()["original_symbol"] == "OANDA:XAUUSD"


def test_an_account_without_the_instrument_refuses_with_the_closest(
    client, cast, listed
):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "dotted")
    response, commands = send(client, "EURJPY")
    assert response.json()["status"] == "accepted"
    refused = commands["1123456"]
    assert (refused.status, refused.status_code) == ("rejected", "symbol_not_found")
    assert "fx:EURJPY" in refused.status_reason and "closest: " in refused.status_reason
    assert "JP225" not in commands["1123456"].symbol
    assert (commands["7891011"].symbol, commands["7891011"].status) == (
        "EURJPY.pro",
        "queued",
    )


def test_unknown_lists_and_custom_mappings_are_marked(client, cast, listed):
    listed(cast["second"], "plain")
    SymbolMapping.objects.create(alias="goldspot", symbol="XAUUSD")
    _, commands = send(client, "goldspot")
    assert (commands["1123456"].symbol, commands["1123456"].symbol_match) == (
        "XAUUSD",
        "custom, unchecked",
    )
    assert commands["7891011"].symbol_match == "custom"


def test_the_history_page_shows_the_match(client, staff, cast, listed):
    listed(cast["main"], "m_suffix")
    _, commands = send(client, "GOLD", accounts=["1123456"])
    page = staff.get(f"/admin/history/command/{commands['1123456'].pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "XAUUSDm" in text and "GOLD" in text and ">rule<" in text


def test_a_warm_alert_asks_the_mapping_tables_nothing(client, cast, listed):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "plain")
    send(client, "XAUUSD", tag="warm-up")
    with CaptureQueriesContext(connection) as queries:
        response, _ = send(client, "XAUUSD", tag="second")
    assert response.json()["status"] == "accepted"
    assert not [q["sql"] for q in queries if "mapping_" in q["sql"]]
