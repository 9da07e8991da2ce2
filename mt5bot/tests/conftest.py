"""What the REST API tests share: a logged-in client, a beating supervisor,
and a small history."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.models import Supervisor
from history.models import Signal
from mapping import catalog
from mt5bot import roles
from signals.tests.webhook import order, post


@pytest.fixture(autouse=True)
def _fresh_catalog():
    catalog.forget()
    yield
    catalog.forget()


@pytest.fixture
def user(db):
    """The API's caller; these tests drive every endpoint, so an admin (the
    other roles are mt5bot/tests/test_roles.py's)."""
    user = User.objects.create_user("trader", password="a long password 1")
    roles.assign(user, roles.ADMIN)
    return user


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def supervisor(db):
    """A supervisor that beats: the operations only record the wish."""
    return Supervisor.objects.create(pid=4242)


@pytest.fixture
def history(client, cast):
    """Three alerts: two accepted on 1123456 (EURUSD, then XAUUSD on both
    accounts), one rejected."""
    post(client, order())
    post(client, order(symbol="OANDA:XAUUSD", account_number="1123456,7891011"))
    post(client, order(account_number="999"))
    return Signal.objects.order_by("id")
