"""Fixtures for the page tests: a logged-in trader and a small history, built
in one place."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, Supervisor
from history.models import Command, Outcome, Signal, Status
from mt5bot import roles

PASSWORD = "a-long-test-password-123"


@pytest.fixture
def plain_static(settings):
    """The manifest storage wants a collectstatic that tests never run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def trader(db, django_user_model, settings):
    """The person at the pages. The page tests drive every control, so the
    admin role; what each role may do is mt5bot/tests/test_roles.py's."""
    # The real hasher takes a noticeable fraction of a second per login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = django_user_model.objects.create_user("trader", password=PASSWORD)
    roles.assign(user, roles.ADMIN)
    return user


@pytest.fixture
def page(client, trader, plain_static):
    """A browser session logged in as the trader."""
    client.force_login(trader)
    return client


@pytest.fixture
def supervisor(db):
    """A live supervisor: actions only record the wish, no process starts."""
    return Supervisor.objects.create(pid=4242)


def alert(accounts, outcome=Outcome.ACCEPTED, ago=0, **parsed):
    return Signal.objects.create(
        received_at=timezone.now() - timedelta(seconds=ago),
        outcome=outcome,
        http_status=200 if outcome != Outcome.REFUSED else 400,
        format="json",
        raw_body="{}",
        parsed={"accounts": accounts, **parsed},
    )


def order(signal, login, status=Status.QUEUED, **fields):
    now = signal.received_at
    account = Account.objects.filter(login=login).first()
    values = {
        "action": "BUY",
        "symbol": "XAUUSD",
        "original_symbol": "XAUUSD",
        "volume": Decimal("0.01"),
        "queued_at": now,
        "expires_at": now + timedelta(seconds=30),
    }
    if status not in (Status.QUEUED, Status.RECEIVED, Status.DELIVERED):
        values["delivered_at"] = now + timedelta(milliseconds=12)
        values["finished_at"] = now + timedelta(milliseconds=40)
    values.update(fields)
    return Command.objects.create(
        signal=signal,
        account=account,
        account_login=login,
        status=status,
        received_at=now,
        **values,
    )


def executed(signal, login, **fields):
    return order(
        signal,
        login,
        Status.EXECUTED,
        result_ticket=5551234,
        fill_price=Decimal("2412.35"),
        filled_volume=Decimal("0.01"),
        retcode=10009,
        status_code="retcode_10009",
        **fields,
    )


@pytest.fixture
def history(cast):
    """Three alerts: one executed on two accounts (the gold one resolved to the
    broker's suffix), one still queued, one refused outright."""
    filled = alert(["1123456", "7891011"], ago=30, action="BUY", symbol="XAUUSD")
    executed(filled, "1123456", symbol="XAUUSD.m", symbol_match="suffix")
    executed(filled, "7891011")
    waiting = alert(["1123456"], ago=20, action="SELL", symbol="EURUSD")
    order(waiting, "1123456", action="SELL", symbol="EURUSD", original_symbol="EURUSD")
    refused = alert([], outcome=Outcome.REFUSED, ago=10)
    refused.rejection_code = "missing_field"
    refused.rejection_reason = "The alert names no action."
    refused.parsed = None
    refused.save()
    return {"filled": filled, "waiting": waiting, "refused": refused}
