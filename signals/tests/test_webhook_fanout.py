"""One alert, one Command per target account, each fitted to its account:
"all", volume multiplier and cap, allowed symbols, expiry and magic number."""

from datetime import timedelta
from decimal import Decimal

import pytest

from history.models import Command, Signal
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db

BOTH = ["1123456", "7891011"]


def order(accounts, **fields):
    return {"accounts": accounts, "symbol": "EURUSD", "action": "BUY", **fields}


def by_login(response):
    signal = Signal.objects.get(pk=response.json()["signal"])
    return {c.account_login: c for c in signal.commands.all()}


def test_it_targets_every_enabled_account_for_all(client, cast):
    response = post(client, order("all", volume=0.1))
    assert response.status_code == 200, response.content
    commands = by_login(response)
    assert set(commands) == {"1123456", "7891011", "5550002"}
    assert commands["1123456"].status == commands["7891011"].status == "queued"
    paused = commands["5550002"]
    assert (paused.status, paused.status_code) == ("rejected", "account_paused")
    assert paused.account == cast["paused"]
    assert not Command.objects.filter(account_login="5550001").exists()
    answered = {a["account"]: a["status"] for a in response.json()["accounts"]}
    assert answered == {
        "1123456": "queued",
        "7891011": "queued",
        "5550002": "rejected",
    }


def test_it_reads_accounts_given_as_one_comma_separated_string(client, cast):
    response = post(client, order("1123456, 7891011", volume=0.1))
    assert response.status_code == 200, response.content
    assert set(by_login(response)) == set(BOTH)


def test_it_makes_one_command_for_an_account_named_twice(client, cast):
    response = post(client, order(["1123456", 1123456], volume=0.1))
    assert response.status_code == 200, response.content
    assert list(by_login(response)) == ["1123456"]


def test_it_multiplies_the_volume_per_account(client, cast):
    cast["second"].volume_multiplier = Decimal(2)
    cast["second"].save()
    commands = by_login(post(client, order(BOTH, volume=0.15)))
    assert commands["1123456"].volume == Decimal("0.15")
    assert commands["7891011"].volume == Decimal("0.3")


def test_it_caps_an_opening_order_at_the_accounts_maximum(client, cast):
    cast["second"].max_volume = Decimal("0.5")
    cast["second"].save()
    commands = by_login(post(client, order(BOTH, volume=2)))
    assert commands["1123456"].volume == Decimal(2)
    capped = commands["7891011"]
    assert (capped.status, capped.volume) == ("queued", Decimal("0.5"))
    assert "capped" in capped.notes
    assert "0.5" in capped.notes
    assert commands["1123456"].notes == ""


def test_it_caps_after_multiplying(client, cast):
    account = cast["main"]
    account.volume_multiplier, account.max_volume = Decimal(3), Decimal(1)
    account.save()
    command = by_login(post(client, order("1123456", volume=0.5)))["1123456"]
    assert command.volume == Decimal(1)
    assert "1.5" in command.notes


def test_it_does_not_cap_a_partial_close(client, cast):
    cast["main"].max_volume = Decimal("0.5")
    cast["main"].save()
    body = order("1123456", action="CLOSE_LONG", volume=2)
    command = by_login(post(client, body))["1123456"]
    assert (command.status, command.volume, command.notes) == (
        "queued",
        Decimal(2),
        "",
    )


def test_it_refuses_a_symbol_an_account_does_not_allow_and_queues_the_other(
    client, cast
):
    cast["second"].allowed_symbols = "XAUUSD, gbpusd"
    cast["second"].save()
    response = post(client, order(BOTH, volume=0.1))
    assert response.status_code == 200, response.content
    commands = by_login(response)
    assert commands["1123456"].status == "queued"
    refused = commands["7891011"]
    assert (refused.status, refused.status_code) == ("rejected", "symbol_not_allowed")
    assert refused.finished_at is not None
    assert refused.expires_at is None
    [answer] = [a for a in response.json()["accounts"] if a["account"] == "7891011"]
    assert answer["error"] == "symbol_not_allowed"


def test_it_queues_a_symbol_the_account_allows_whatever_its_case(client, cast):
    cast["main"].allowed_symbols = "eurusd"
    cast["main"].save()
    command = by_login(post(client, order("1123456", volume=0.1)))["1123456"]
    assert command.status == "queued"


def test_it_answers_400_when_no_account_allows_the_symbol(client, cast):
    cast["main"].allowed_symbols = "XAUUSD"
    cast["main"].save()
    response = post(client, order("1123456", volume=0.1))
    assert response.status_code == 400
    assert response.json()["error"] == "no_account_accepted"
    signal = Signal.objects.get()
    assert (signal.outcome, signal.rejection_code) == (
        "refused",
        "no_account_accepted",
    )
    assert Command.objects.get().status_code == "symbol_not_allowed"


def test_it_gives_a_queued_command_the_configured_time_to_live(client, cast, settings):
    settings.COMMAND_TTL = 45
    response = post(client, order("1123456", volume=0.1))
    command = by_login(response)["1123456"]
    signal = Signal.objects.get()
    assert command.received_at == command.queued_at == signal.received_at
    assert command.expires_at == signal.received_at + timedelta(seconds=45)


def test_it_copies_each_accounts_magic_number(client, cast):
    cast["second"].magic = 424242
    cast["second"].save()
    commands = by_login(post(client, order(BOTH, volume=0.1)))
    assert commands["1123456"].magic == cast["main"].magic
    assert commands["7891011"].magic == 424242


def test_it_links_each_command_to_its_account_row(client, cast):
    commands = by_login(post(client, order(BOTH, volume=0.1)))
    assert commands["1123456"].account == cast["main"]
    assert commands["7891011"].account == cast["second"]
    assert commands["1123456"].uid != commands["7891011"].uid
