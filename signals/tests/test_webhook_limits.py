"""The hard limits through the real webhook: a volume beyond a limit refuses
that account's command with a code and a reason, never clamps it, and never
leaves a row that cannot be read back (issue 13 points 2 and 3).

Run on SQLite by default and on PostgreSQL with DATABASE_URL set: the same
overflow once answered 500 there and made unreadable rows here.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.bridge import delivery
from accounts.models import Account, SymbolList, files_dir
from history.models import Command, Signal
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

EURUSD = {"name": "EURUSD", "volume_min": 0.01, "volume_step": 0.01, "volume_max": 50}


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"


@pytest.fixture
def big(cast):
    """Issue 13's repro account: multiplier 100, no max_volume."""
    cast["main"].volume_multiplier = Decimal(100)
    cast["main"].save()
    return cast["main"]


def commands_of(response):
    return {c.account_login: c for c in Command.objects.filter(signal=signal(response))}


def signal(response):
    return Signal.objects.get(pk=response.json()["signal"])


def list_symbols(account, *entries):
    SymbolList.objects.create(
        account=account,
        symbols=list(entries),
        count=len(entries),
        stored_at=timezone.now(),
    )


def read_everywhere(client):
    """Every place a person or a program reads commands and signals from."""
    for url in (
        "/",
        "/history/",
        "/history/export.csv",
        "/api/commands/",
        "/api/signals/",
        "/admin/history/command/",
        "/admin/history/signal/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    for command in Command.objects.all():
        assert client.get(f"/admin/history/command/{command.pk}/change/").status_code
        assert client.get(f"/api/commands/{command.uid}/").status_code in (200, 404)
    return client.get("/history/export.csv")


def test_the_issue_repro_is_refused_with_a_code_and_stays_readable(
    admin_client, big, cast
):
    response = post(
        admin_client, order(account_number=["1123456", "7891011"]) | {"volume": 1e12}
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "no_account_accepted"
    commands = commands_of(response)
    refused = commands["1123456"]
    assert (refused.status, refused.status_code) == ("rejected", "volume_above_limit")
    assert "MAX_ORDER_VOLUME" in refused.status_reason
    assert refused.volume is None  # 1e14 does not fit the column; the reason says it
    assert "100000000000000" in refused.status_reason
    assert commands["7891011"].status_code == "volume_above_limit"
    export = read_everywhere(admin_client)
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert any("volume_above_limit" in ",".join(row) for row in rows)


def test_a_product_just_below_the_column_limit_is_not_kept(admin_client, big):
    """99999999999999.999 fits DecimalField(24, 10) on paper, but SQLite
    stores the double 1e14, which cannot be read back (found by the fuzzer)."""
    response = post(admin_client, order(volume="999999999999.99999"))
    [refused] = commands_of(response).values()
    assert (refused.status_code, refused.volume) == ("volume_above_limit", None)
    read_everywhere(admin_client)


def test_the_column_check_catches_what_a_limit_lets_through(
    admin_client, big, settings
):
    """The last check before the INSERT does not rely on the limits: with
    a limit set past what the column holds (the setting itself refuses such
    a value at start-up), the command is still refused and readable."""
    settings.MAX_ORDER_VOLUME = Decimal("1e20")
    [command] = commands_of(post(admin_client, order(volume=1e12))).values()
    assert (command.status_code, command.volume) == ("value_out_of_range", None)
    assert "volume is 100000000000000 or more" in command.status_reason
    read_everywhere(admin_client)


def test_delivery_goes_on_for_the_other_accounts(admin_client, big, cast):
    post(admin_client, order(volume=1e12))
    response = post(
        admin_client, order(account_number=["1123456", "7891011"], volume=2)
    )

    assert response.status_code == 200, response.content
    commands = commands_of(response)
    assert commands["1123456"].status_code == "volume_above_limit"
    assert commands["1123456"].volume == Decimal(200)
    queued = list(Command.objects.queued())
    assert [c.account_login for c in queued] == ["7891011"]
    delivery.deliver_many(queued)
    assert (files_dir("7891011") / queued[0].file_name).is_file()
    read_everywhere(admin_client)


def test_the_limit_is_a_setting(client, cast, settings):
    settings.MAX_ORDER_VOLUME = Decimal("0.5")
    commands = commands_of(post(client, order(volume="0.6")))
    assert commands["1123456"].status_code == "volume_above_limit"
    commands = commands_of(post(client, order(volume="0.5")))
    assert commands["1123456"].status == "queued"


def test_the_account_cap_applies_before_the_limit(client, big):
    big.max_volume = Decimal(3)
    big.save()
    [command] = commands_of(post(client, order(volume=1e12))).values()
    assert (command.status, command.volume) == ("queued", Decimal(3))
    assert "capped" in command.notes


@pytest.mark.parametrize(
    ("volume", "code", "words"),
    [
        ("0.001", "volume_below_min", "below the minimum 0.01"),
        ("60", "volume_above_max", "above the maximum 50"),
    ],
)
def test_the_brokers_limits_refuse_when_the_list_is_known(
    client, cast, volume, code, words
):
    list_symbols(cast["main"], EURUSD)
    response = post(client, order(volume=volume))
    assert response.status_code == 400
    [answer] = response.json()["accounts"]
    assert answer["error"] == code and words in answer["detail"]


@pytest.mark.parametrize(
    ("action", "symbol", "volume", "code"),
    [
        ("BUY", "XAUUSD", "999999999999", "volume_above_limit"),
        ("SELL", "EURUSD", "1000", "volume_above_limit"),
        ("BUY", "XAUUSD", "1e-10", "volume_below_min"),
    ],
)
def test_issue_13_point_3_never_reaches_a_terminal(
    client, cast, action, symbol, volume, code
):
    """The three orders that once reached terminals, with the paper
    broker's own limits listed (XAUUSD 0.01 to 50, EURUSD to 100)."""
    list_symbols(
        cast["main"], {**EURUSD, "volume_max": 100}, {**EURUSD, "name": "XAUUSD"}
    )
    response = post(client, order(action=action, symbol=symbol, volume=volume))
    assert response.status_code == 400
    assert response.json()["accounts"][0]["error"] == code
    assert not Command.objects.filter(status="queued").exists()


def test_a_volume_off_the_brokers_step_is_floored_with_a_note(client, cast):
    list_symbols(cast["main"], EURUSD)
    [command] = commands_of(post(client, order(volume="0.257"))).values()
    assert (command.status, command.volume) == ("queued", Decimal("0.25"))
    assert "floored to 0.25" in command.notes
    assert command.as_protocol()["volume"] == 0.25


def test_a_volume_that_floors_below_the_minimum_is_refused(client, cast):
    list_symbols(cast["main"], {**EURUSD, "volume_min": 0.1, "volume_step": 0.03})
    [command] = commands_of(post(client, order(volume="0.11"))).values()
    assert command.status_code == "volume_below_min"
    assert "0.11 floors to 0.09 on the step 0.03" in command.status_reason
    [command] = commands_of(post(client, order(volume="0.09"))).values()
    assert command.status_code == "volume_below_min"
    assert "below the minimum 0.1" in command.status_reason


def test_a_partial_close_is_not_held_to_the_brokers_maximum(client, cast):
    list_symbols(cast["main"], EURUSD)
    [command] = commands_of(
        post(client, order(action="CLOSE_LONG", volume=80))
    ).values()
    assert (command.status, command.volume) == ("queued", Decimal(80))
    [command] = commands_of(
        post(client, order(action="CLOSE_LONG", volume=800))
    ).values()
    assert command.status_code == "volume_above_limit"


def test_a_product_finer_than_the_column_is_refused_not_rounded(client, cast):
    cast["main"].volume_multiplier = Decimal("0.0001")
    cast["main"].save()
    [command] = commands_of(post(client, order(volume="0.0000000003"))).values()
    assert command.status_code == "volume_not_step"
    assert command.volume is None


@pytest.mark.parametrize(
    "ticket",
    ["9" * 4301, "1" + "0" * 5000, "²", "١٢٣", 10**18, "1000000000000000000", 0, -5],
)
def test_an_out_of_range_ticket_is_a_400_naming_the_field(client, cast, ticket):
    response = post(client, order(action="CLOSE", ticket=ticket))
    assert response.status_code == 400, response.content
    assert (response.json()["error"], response.json()["field"]) == (
        "invalid_field",
        "ticket",
    )


def test_the_largest_ticket_the_ea_reads_is_accepted(client, cast):
    response = post(client, order(action="CLOSE", ticket="999999999999999999"))
    assert response.status_code == 200, response.content
    assert Command.objects.get().ticket == 10**18 - 1


def test_an_account_whose_row_holds_magic_0_is_refused(client, cast):
    Account.objects.filter(pk=cast["main"].pk).update(magic=0)
    response = post(client, order(account_number=["1123456", "7891011"]))
    assert response.status_code == 200
    commands = commands_of(response)
    assert commands["1123456"].status_code == "account_magic_invalid"
    assert commands["7891011"].status == "queued"
