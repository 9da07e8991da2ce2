"""The Account model: a login that is digits only everywhere it can be written
(form validation, save, the database), and the per-account trading rules."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, volume_for

pytestmark = pytest.mark.django_db

NOT_LOGINS = [
    "../x",
    "1/../../etc",
    "..\\1",
    "C:1",
    "0123",
    "0",
    "12a",
    "-12",
    "12 ",
    "\uff11\uff12",  # fullwidth digits
    "",
    "1" * 21,
]


@pytest.mark.parametrize("login", NOT_LOGINS)
def test_it_refuses_a_login_that_is_not_digits_in_full_clean(login):
    with pytest.raises(ValidationError) as raised:
        Account(login=login).full_clean()
    assert "login" in raised.value.message_dict


@pytest.mark.parametrize("login", NOT_LOGINS)
def test_it_refuses_to_save_a_login_that_is_not_digits(login):
    with pytest.raises(ValidationError):
        Account.objects.create(login=login)
    assert not Account.objects.exists()


@pytest.mark.parametrize("login", ["1", "1123456", "9" * 20])
def test_it_accepts_a_login_of_one_to_twenty_digits(login):
    account = Account(login=login)
    account.full_clean()
    account.save()
    assert Account.objects.get().login == login


@pytest.mark.parametrize("login", ["../x", "0123", "12a", ""])
def test_the_database_refuses_a_bulk_created_bad_login(login):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.bulk_create([Account(login=login)])
    assert not Account.objects.exists()


@pytest.mark.parametrize("login", ["../x", "1/../../etc", "0123"])
def test_the_database_refuses_an_update_to_a_bad_login(login):
    account = Account.objects.create(login="1123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(login=login)
    account.refresh_from_db()
    assert account.login == "1123456"


def test_it_keeps_its_instance_folder_under_the_instances_dir():
    account = Account.objects.create(login="1123456")
    folder = account.instance_dir()
    assert folder == settings.MT5_INSTANCES_DIR / "1123456"
    assert folder.resolve().parent == settings.MT5_INSTANCES_DIR.resolve()


def test_it_names_no_folder_for_an_unsaved_bad_login():
    with pytest.raises(ValidationError):
        Account(login="../../etc").instance_dir()


@pytest.mark.parametrize(
    ("multiplier", "volume", "expected"),
    [("1", "0.1", "0.1"), ("2", "0.15", "0.3"), ("0.5", "1", "0.5")],
)
def test_it_multiplies_the_volume(multiplier, volume, expected):
    account = Account(login="1", volume_multiplier=Decimal(multiplier))
    assert volume_for(account, Decimal(volume), opening=True) == (
        Decimal(expected),
        "",
    )


def test_it_caps_an_opening_volume_and_says_so():
    account = Account(login="1", volume_multiplier=Decimal(2), max_volume=Decimal(1))
    volume, note = volume_for(account, Decimal("0.75"), opening=True)
    assert volume == Decimal(1)
    assert "1.5" in note
    assert "capped" in note


def test_it_keeps_an_opening_volume_at_the_cap():
    account = Account(login="1", max_volume=Decimal("0.5"))
    assert volume_for(account, Decimal("0.5"), opening=True) == (Decimal("0.5"), "")


def test_it_does_not_cap_a_closing_volume():
    account = Account(login="1", volume_multiplier=Decimal(2), max_volume=Decimal(1))
    assert volume_for(account, Decimal(3), opening=False) == (Decimal(6), "")


def test_it_leaves_no_volume_as_none():
    account = Account(login="1", volume_multiplier=Decimal(2), max_volume=Decimal(1))
    assert volume_for(account, None, opening=True) == (None, "")


def test_it_allows_every_symbol_when_none_are_listed():
    assert Account(login="1", allowed_symbols="").symbol_allowed("ANYTHING")
    assert Account(login="1", allowed_symbols=" , ").symbol_allowed("EURUSD")


@pytest.mark.parametrize(
    ("symbols", "allowed"),
    [
        (("XAUUSD",), True),
        (("xauusd",), True),
        (("EURUSD",), True),
        (("GBPUSD",), False),
        (("XAU",), False),
        (("GOLD", "XAUUSD"), True),
        (("", "GBPUSD"), False),
    ],
)
def test_it_allows_only_the_listed_symbols_whatever_their_case(symbols, allowed):
    account = Account(login="1", allowed_symbols="XAUUSD, eurusd")
    assert account.symbol_allowed(*symbols) is allowed


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({}, None),
        ({"enabled": False}, "account_disabled"),
        ({"trading_paused": True}, "account_paused"),
        ({"desired": "stopped"}, "account_stopped"),
        ({"enabled": False, "trading_paused": True}, "account_disabled"),
        ({"trading_paused": True, "desired": "stopped"}, "account_paused"),
    ],
)
def test_it_says_why_it_takes_no_alert(fields, refusal):
    reason = Account(login="1", **fields).refusal()
    assert (reason[0] if reason else None) == refusal
