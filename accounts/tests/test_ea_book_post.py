"""The book over HTTP (ea/PROTOCOL.md 7): an EA on the HTTP transport posts
what webhook_book.json holds; the server keeps it as the keeper keeps the
file's, or refuses it whole with the field at fault."""

import json
from decimal import Decimal

import pytest

from accounts.models import AccountBook, DailyPnl, EquityPoint
from accounts.tests import book_cast
from history import live
from history.tests import test_ea_api

pytestmark = pytest.mark.django_db
URL = "/api/ea/1123456/book"

key = test_ea_api.key  # the main account on HTTP, and its EA key


def post(client, key, body):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(URL, body, content_type="application/json", HTTP_X_EA_KEY=key)


def test_a_posted_book_is_kept_with_its_series(
    client, key, cast, django_capture_on_commit_callbacks
):
    with live.recorded() as sent, django_capture_on_commit_callbacks(execute=True):
        answer = post(client, key, book_cast.raw())
    assert (answer.status_code, answer.content) == (204, b"")
    kept = AccountBook.objects.get(account=cast["main"])
    assert (kept.equity, kept.positions) == (Decimal("10036.3"), [book_cast.POSITION])
    assert EquityPoint.objects.filter(account=cast["main"]).count() == 1
    assert DailyPnl.objects.get().realized == Decimal("-13.2")
    assert ("accounts", ["1123456"]) in sent


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"balance": "10000"}, "balance"),
        ({"positions": [{**book_cast.POSITION, "ticket": -1}]}, "positions[0].ticket"),
        ({"deals": [book_cast.DEAL] * 201, "deals_total": 201}, "deals"),
        ({"login": "7891011"}, "login"),
        ({"protocol": 2}, "protocol"),
    ],
)
def test_a_bad_book_is_400_and_the_last_one_stays(client, key, cast, change, field):
    post(client, key, book_cast.raw())
    answer = post(client, key, book_cast.raw(**{"balance": 1.0, **change}))
    assert answer.status_code == 400
    assert (answer.json()["error"], answer.json()["field"]) == ("bad_book", field)
    assert AccountBook.objects.get().balance == Decimal("9986.8")


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"a": NaN}', b"\xff"])
def test_a_body_that_is_no_book_is_400(client, key, body):
    answer = post(client, key, body)
    assert (answer.status_code, answer.json()["error"]) == (400, "bad_book")
    assert not AccountBook.objects.exists()


@pytest.mark.parametrize("given", ["", "wrong", None])
def test_a_wrong_key_is_401_and_stores_nothing(client, key, given):
    headers = {} if given is None else {"HTTP_X_EA_KEY": given}
    body = json.dumps(book_cast.raw())
    answer = client.post(URL, body, content_type="application/json", **headers)
    assert (answer.status_code, answer.content) == (401, b"")
    assert not AccountBook.objects.exists()
