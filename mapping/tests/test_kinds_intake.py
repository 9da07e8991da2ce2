"""Cash or futures through the webhook: each account trades the kind its
setting names, history says which and names the other, and an account set
to `ask` refuses as ambiguous."""

import pytest

from history.models import Command
from mapping.resolver import explain
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


def send(client, symbol, tag):
    body = {"accounts": ["1123456", "7891011"], "symbol": symbol, "action": "BUY"}
    response = post(client, {**body, "volume": 0.1, "id": tag})
    assert response.status_code == 200, response.content
    signal = response.json()["signal"]
    return {c.account_login: c for c in Command.objects.filter(signal_id=signal)}


@pytest.fixture
def xm(cast, listed):
    listed(cast["main"], "xm")
    listed(cast["second"], "xm")
    return cast


def test_the_default_is_cash_and_history_says_so(client, xm):
    main = send(client, "NAS100", "a")["1123456"]
    assert (main.symbol, main.symbol_match, main.status) == (
        "US100Cash",
        "rule; cash",
        "queued",
    )
    assert "over a futures contract, US100" in main.notes


def test_each_account_trades_the_kind_it_names(client, xm):
    xm["second"].contract_kind = "futures"
    xm["second"].save()
    commands = send(client, "US100", "b")
    assert commands["1123456"].symbol == "US100Cash"
    second = commands["7891011"]
    assert (second.symbol, second.symbol_match) == ("US100", "exact; futures")
    assert "over a cash CFD, US100Cash" in second.notes


def test_an_account_set_to_ask_refuses_as_ambiguous(client, xm):
    xm["second"].contract_kind = "ask"
    xm["second"].save()
    second = send(client, "GER40", "c")["7891011"]
    assert (second.status, second.status_code) == ("rejected", "symbol_ambiguous")
    assert "GER40Cash" in second.status_reason and "(GER40)" in second.status_reason


def test_try_a_symbol_answers_per_account_kind(xm):
    xm["second"].contract_kind = "futures"
    xm["second"].save()
    rows = {row.account.login: row for row in explain("NAS100", xm.values())}
    assert (rows["1123456"].symbol, rows["1123456"].how) == ("US100Cash", "rule; cash")
    assert (rows["7891011"].symbol, rows["7891011"].how) == ("US100", "rule; futures")
