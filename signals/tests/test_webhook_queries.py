"""What the webhook asks the database: a fixed number of statements whatever
the number of target accounts, and one of them reads the accounts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signals import presence
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


def statements(client, accounts, tag):
    alert = {"accounts": accounts, "symbol": "EURUSD", "action": "BUY", "id": tag}
    # Each post reads the supervisors' state, which is otherwise cached for a
    # second: the same statements each time.
    presence.forget()
    with CaptureQueriesContext(connection) as queries:
        response = post(client, {**alert, "volume": 0.1})
    assert response.json()["status"] == "accepted", response.content
    return [query["sql"] for query in queries]


def test_more_accounts_cost_no_more_statements(client, cast):
    one = statements(client, ["1123456"], "a")
    four = statements(client, ["1123456", "7891011", "5550001", "5550002"], "b")
    assert len(four) == len(one)


def test_it_reads_the_accounts_once_and_nothing_it_left_out(client, cast):
    # An account field that prepare() reads but fitting.ACCOUNT_FIELDS leaves
    # out would load with one more query per account and show up here.
    sql = statements(client, ["1123456", "7891011"], "c")
    assert len([s for s in sql if "accounts_account" in s]) == 1
